"""Tests of app.charts: the SVG parses, points sit where their values say, texts are escaped."""

from __future__ import annotations

import itertools
import logging
import math
import re
from typing import Any
from xml.etree.ElementTree import Element

import pytest
import weasyprint
from defusedxml.ElementTree import fromstring

from app.charts import ChartTexts, Limits, control_chart
from app.svg import VIOLATION

NS = "{http://www.w3.org/2000/svg}"
LABELS = [f"CH-2611-{number:03d}" for number in range(1, 9)]
VALUES = [1.2, 1.5, None, 1.1, 1.693, 0.9, 1.4, 1.3]
LIMITS = Limits(center=1.3, lcl=0.907, ucl=1.693)


def chart(values: list[float | None] = VALUES, limits: Limits = LIMITS, **options: Any) -> str:
    """The chart as text; lot labels L0, L1, … unless the sample values (CH-2611-…) are charted."""
    default_labels = LABELS if values is VALUES else [f"L{index}" for index in range(len(values))]
    options.setdefault("labels", default_labels)
    options.setdefault("title", "Bore diameter")
    return str(control_chart(values, limits, **options))


def parse(svg: str) -> Element:
    return fromstring(svg)


def points(root: Element) -> list[Element]:
    return [c for c in root.iter(f"{NS}circle") if "chart-point" in c.get("class", "").split()]


def one(root: Element, tag: str, cls: str) -> Element:
    found = [e for e in root.iter(f"{NS}{tag}") if cls in e.get("class", "").split()]
    assert len(found) == 1, f"{len(found)} <{tag} class={cls}>"
    return found[0]


def texts_of(root: Element, cls: str) -> list[str]:
    return [e.text or "" for e in root.iter(f"{NS}text") if cls in e.get("class", "").split()]


def test_root_is_an_accessible_svg_with_size_and_view_box() -> None:
    root = parse(chart())
    assert root.tag == f"{NS}svg"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("720", "240", "0 0 720 240")
    assert root.get("role") == "img"
    assert root.get("aria-label") == root.find(f"{NS}title").text == "Bore diameter"
    assert root.find(f"{NS}desc").text == "Control chart of 7 points, 0 with rule violations."


def test_one_marker_per_value_and_gaps_break_the_line() -> None:
    root = parse(chart())
    assert len(points(root)) == sum(value is not None for value in VALUES)
    lines = [p for p in root.iter(f"{NS}polyline") if p.get("class") == "chart-series"]
    assert [len(p.get("points").split()) for p in lines] == [2, 5]


def test_a_larger_value_sits_higher() -> None:
    root = parse(chart())
    ys = [float(p.get("cy")) for p in points(root)]
    drawn = [value for value in VALUES if value is not None]
    assert sorted(range(len(ys)), key=lambda i: ys[i]) == sorted(range(len(drawn)), key=lambda i: -drawn[i])


def test_points_run_left_to_right_at_even_spacing_counting_gaps() -> None:
    xs = [float(p.get("cx")) for p in points(parse(chart()))]
    step = xs[1] - xs[0]
    assert xs[2] - xs[1] == pytest.approx(2 * step, abs=0.02)  # index 2 is a gap


def test_a_value_equal_to_the_ucl_sits_on_the_ucl_line() -> None:
    root = parse(chart())
    ucl = one(root, "line", "chart-ucl")
    assert ucl.get("y1") == ucl.get("y2") == points(root)[3].get("cy")  # 1.693, the 5th value


def test_lines_are_labelled_with_their_values_at_the_right_edge() -> None:
    root = parse(chart(spec=(0.8, 1.8)))
    labels = {e.get("class"): e.text for e in root.iter(f"{NS}text") if "chart-label" in e.get("class", "")}
    assert labels == {
        "chart-label-center": "CL 1.3",
        "chart-label-ucl": "UCL 1.693",
        "chart-label-lcl": "LCL 0.907",
        "chart-label-usl": "USL 1.8",
        "chart-label-lsl": "LSL 0.8",
    }
    assert float(one(root, "line", "chart-usl").get("x1")) < float(
        next(e for e in root.iter(f"{NS}text") if e.get("class") == "chart-label-usl").get("x")
    )


def test_center_solid_limits_and_spec_dashed_differently() -> None:
    root = parse(chart(spec=(0.8, 1.8)))
    center, ucl, lcl = (one(root, "line", f"chart-{name}") for name in ("center", "ucl", "lcl"))
    usl, lsl = one(root, "line", "chart-usl"), one(root, "line", "chart-lsl")
    assert center.get("stroke-dasharray") is None
    assert ucl.get("stroke-dasharray") == lcl.get("stroke-dasharray")
    assert usl.get("stroke-dasharray") == lsl.get("stroke-dasharray") != ucl.get("stroke-dasharray")
    assert usl.get("stroke") != ucl.get("stroke")


def test_the_y_range_includes_values_limits_and_spec() -> None:
    root = parse(chart([5.0, 5.1], Limits(5.05, 4.0, 6.0), spec=(3.0, 7.0)))
    ys = [float(one(root, "line", f"chart-{name}").get("y1")) for name in ("usl", "ucl", "lcl", "lsl")]
    top, bottom = 30, 240 - 24
    assert top <= ys[0] < ys[1] < ys[2] < ys[3] <= bottom


def test_marked_points_are_red_with_their_rules_written_and_in_the_tooltip() -> None:
    root = parse(chart(marked={4: [5, 1], 6: [2]}))
    markers = points(root)
    red = [m for m in markers if m.get("fill") == VIOLATION]
    assert [m.get("cx") for m in red] == [markers[3].get("cx"), markers[5].get("cx")]
    assert all("chart-violation" in m.get("class") for m in red)
    assert texts_of(root, "chart-rules") == ["1,5", "2"]
    assert red[0].find(f"{NS}title").text == "CH-2611-005: 1.693 — Nelson rule 1, 5"
    assert markers[0].find(f"{NS}title").text == "CH-2611-001: 1.2"
    assert root.find(f"{NS}desc").text == "Control chart of 7 points, 2 with rule violations."


def test_a_run_of_one_rule_on_crowded_points_is_noted_without_overlap() -> None:
    values = [float(index % 5) for index in range(200)]
    root = parse(chart(values, Limits(2.0, None, None), marked={index: [2] for index in range(50, 60)}))
    notes = [float(e.get("x")) for e in root.iter(f"{NS}text") if e.get("class") == "chart-rules"]
    assert 1 <= len(notes) < 10
    assert all(b - a >= 6 for a, b in itertools.pairwise(notes))
    assert sum(m.get("fill") == VIOLATION for m in points(root)) == 10


def test_the_current_lot_gets_a_ring_at_its_point() -> None:
    root = parse(chart(highlight=4))
    ring = one(root, "circle", "chart-current")
    assert (ring.get("cx"), ring.get("cy")) == (points(root)[3].get("cx"), points(root)[3].get("cy"))
    assert ring.get("fill") == "none"
    assert float(ring.get("r")) > float(points(root)[3].get("r"))


@pytest.mark.parametrize("highlight", [2, 99, -1, None])  # a gap, out of range, negative, none
def test_no_ring_without_a_point_to_ring(highlight: int | None) -> None:
    root = parse(chart(highlight=highlight))
    assert not [c for c in root.iter(f"{NS}circle") if c.get("class") == "chart-current"]


def test_per_point_limits_draw_one_step_per_point() -> None:
    n = [50, 80, 45, 60, 100]
    ucl = [0.05 + 3 * math.sqrt(0.05 * 0.95 / k) for k in n]
    root = parse(chart([0.04, 0.05, 0.02, 0.06, 0.03], Limits(0.05, [0.0] * 5, ucl)))
    d = one(root, "path", "chart-ucl").get("d")
    assert d.count("H") == 5 and d.count("M") == 1
    step_ys = [float(y) for y in re.findall(r"(?:M[\d.]+ |V)([\d.]+)", d)]
    assert sorted(range(5), key=lambda i: step_ys[i]) == sorted(range(5), key=lambda i: -ucl[i])
    assert one(root, "path", "chart-lcl").get("d").count("H") == 5


def test_a_per_point_center_is_stepped_and_labelled_with_its_last_level() -> None:
    root = parse(chart([0.5, 0.7, 0.6], Limits([0.55, 0.6, 0.58], [0.1, 0.1, 0.1], [1.0, 1.1, 1.05])))
    assert one(root, "path", "chart-center").get("d").count("H") == 3
    assert texts_of(root, "chart-label-center") == ["CL 0.58"]


def test_a_missing_per_point_limit_breaks_the_step_line() -> None:
    root = parse(chart([1.0, 2.0, 3.0], Limits(2.0, None, [4.0, None, 4.5])))
    d = one(root, "path", "chart-ucl").get("d")
    assert (d.count("M"), d.count("H")) == (2, 2)


def test_per_point_limits_must_match_the_values() -> None:
    with pytest.raises(ValueError, match="one per point"):
        chart([1.0, 2.0, 3.0], Limits(2.0, None, [4.0, 4.5]))


def test_labels_must_match_the_values() -> None:
    with pytest.raises(ValueError, match="one per value"):
        control_chart([1.0, 2.0], LIMITS, labels=["A"], title="t")


def test_user_text_is_escaped() -> None:
    nasty = '<script>&"x"'
    svg = chart(
        [1.0, 2.0],
        labels=[nasty, "B"],
        title=f"T {nasty}",
        y_label=nasty,
        texts=ChartTexts(ucl=nasty),
    )
    assert "<script" not in svg.lower()
    root = parse(svg)
    assert root.get("aria-label") == f"T {nasty}"
    assert points(root)[0].find(f"{NS}title").text == f"{nasty}: 1"
    assert nasty in texts_of(root, "chart-x-label")
    assert texts_of(root, "chart-label-ucl") == [f"{nasty} 1.693"]


def test_translated_words_are_used() -> None:
    words = ChartTexts(center="ML", ucl="OEG", lcl="UEG", rule="Regel", description="%(points)d Punkte")
    root = parse(chart(texts=words, marked={0: [1]}))
    assert texts_of(root, "chart-label-ucl") == ["OEG 1.693"]
    assert texts_of(root, "chart-label-center") == ["ML 1.3"]
    assert points(root)[0].find(f"{NS}title").text.endswith("— Regel 1")
    assert root.find(f"{NS}desc").text == "7 Punkte"


def test_many_labels_are_thinned() -> None:
    values = [float(index % 7) for index in range(120)]
    labels = [f"LOT-2025-{index:05d}" for index in range(120)]
    root = parse(chart(values, Limits(3.0, 0.0, 6.0), labels=labels))
    shown = texts_of(root, "chart-x-label")
    assert 2 <= len(shown) < 20
    assert shown[0] == "LOT-2025-00000"
    assert len(points(root)) == 120


@pytest.mark.parametrize("values", [[], [None, None]])
def test_no_data_gives_a_small_chart_saying_so(values: list[float | None]) -> None:
    root = parse(chart(values, texts=ChartTexts(no_data="Keine Daten")))
    assert int(root.get("height")) < 100
    assert "Keine Daten" in [e.text for e in root.iter(f"{NS}text")]
    assert not points(root)


def test_nan_and_infinity_are_gaps() -> None:
    root = parse(chart([1.0, math.nan, 2.0, math.inf, 3.0]))
    assert len(points(root)) == 3


def numbers_in(svg: str) -> list[float]:
    return [float(n) for n in re.findall(r'(?<=")-?[\d.]+(?=")', svg)]


@pytest.mark.parametrize(
    ("values", "limits"),
    [
        ([2.0, 2.0, 2.0], Limits(2.0, 2.0, 2.0)),  # everything equal
        ([0.0, 0.0], Limits(0.0, None, None)),  # equal at zero
        ([5.0], Limits(5.0, None, None)),  # one point, limits not drawn
        ([1e-7, 2e-7], Limits(1.5e-7, None, None)),  # tiny range
    ],
)
def test_degenerate_input_gives_a_finite_chart(values: list[float | None], limits: Limits) -> None:
    svg = chart(values, limits)
    root = parse(svg)
    assert root.get("viewBox") == "0 0 720 240"
    assert len(points(root)) == len(values)
    assert all(math.isfinite(n) for n in numbers_in(svg))
    ys = {p.get("cy") for p in points(root)}
    assert all(30 <= float(y) <= 216 for y in ys)


def test_limits_not_given_are_not_drawn() -> None:
    root = parse(chart(limits=Limits(1.3, None, None)))
    classes = {e.get("class") for e in root.iter()}
    assert "chart-center" in classes
    assert not {"chart-ucl", "chart-lcl", "chart-label-ucl", "chart-label-lcl"} & classes


def test_default_ticks_are_distinct_where_four_digits_are_not_enough() -> None:
    root = parse(chart([10.431, 10.432, 10.433], Limits(10.432, None, None)))
    ticks = [e.text for e in root.iter(f"{NS}text") if e.get("text-anchor") == "end"]
    assert len(ticks) >= 2 and len(set(ticks)) == len(ticks)


SAMPLES: dict[str, dict[str, Any]] = {
    "plain": {},
    "everything": {"marked": {0: [1], 4: [2, 5]}, "spec": (0.5, 2.0), "highlight": 1, "y_label": "mm"},
    "stepped": {"limits": Limits(1.3, [0.9] * 8, [1.7, 1.8, 1.7, 1.6, 1.7, 1.8, 1.7, 1.6])},
}


@pytest.mark.parametrize("options", SAMPLES.values(), ids=SAMPLES.keys())
def test_no_inline_style_script_or_external_reference(options: dict[str, Any]) -> None:
    svg = chart(**options) + chart([])
    assert "style=" not in svg
    assert "<script" not in svg
    assert "foreignObject" not in svg
    assert "href" not in svg
    assert "var(" not in svg
    texts = list(parse(chart(**options)).iter(f"{NS}text"))
    assert all(e.get("font-family") == "sans-serif" and e.get("font-size") for e in texts)


def test_weasyprint_renders_the_chart_without_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    svg = chart(**SAMPLES["everything"]) + chart(**SAMPLES["stepped"]) + chart([])
    pdf = weasyprint.HTML(string=f"<!doctype html><html><body>{svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
