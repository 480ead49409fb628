"""Charts as WeasyPrint prints them in each language (#12): Thai words, which it would draw with
each vowel and tone mark alone on a dotted circle, are left out and returned; Han forms follow the
language; labels of wide characters get a whole em each."""

from __future__ import annotations

from markupsafe import Markup

from app import svg


def _chart(*words: str) -> Markup:
    body = [svg.text(10, 10, word, cls=f"w{i}") for i, word in enumerate(words)]
    return svg.document(200, 100, "t", "d", body)


def test_thai_words_are_left_out_of_a_printed_chart_and_returned_once():
    printed, left_out = svg.for_print(_chart("UCL 1.2", "ล็อตนี้", "ล็อตนี้", "ค่าเฉลี่ย"), "th")
    assert left_out == ["ล็อตนี้", "ค่าเฉลี่ย"]
    assert "ล็อตนี้" not in printed and "UCL 1.2" in printed
    assert 'font-family="Noto Sans, Noto Sans Thai, sans-serif"' in printed


def test_the_current_lot_s_label_is_left_out_silently_its_ring_stays():
    label = svg.text(5, 5, "ล็อตนี้", cls="chart-current-label")
    printed, left_out = svg.for_print(svg.document(100, 50, "t", "d", ['<circle r="5"/>', label]), "th")
    assert left_out == [] and "ล็อตนี้" not in printed and "<circle" in printed


def test_words_without_combining_marks_stay_and_han_takes_the_language_s_forms():
    chart = _chart("本批", "Lô này", "このロット")
    zh, left_zh = svg.for_print(chart, "zh_Hans")
    ja, left_ja = svg.for_print(chart, "ja")
    assert left_zh == left_ja == [] and "本批" in zh and "Lô này" in zh
    assert "Noto Sans CJK SC" in zh and "Noto Sans CJK JP" not in zh
    assert "Noto Sans CJK JP" in ja and 'font-family="sans-serif"' not in ja
    assert svg.for_print(chart, "en")[0] == chart


def test_vietnamese_letters_are_one_code_point_each_so_they_survive_printing():
    decomposed = "Lo\u0302\u0300 na\u0300y"  # ô + grave, a + grave, as some keyboards type them
    printed, left_out = svg.for_print(_chart(decomposed), "vi")
    assert left_out == [] and "Lồ này" in printed


def test_wide_characters_take_a_whole_em():
    assert svg.text_width("このロット", 10) == 50
    assert svg.text_width("LCL", 10) == 3 * 10 * svg.CHAR
