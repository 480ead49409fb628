"""The scorecard's two charts, drawn from the card's numbers: the score trend and the defect Pareto.

Server-side SVG built on app.charts' helpers, so that one string serves the card's page (inline,
under a strict CSP) and its PDF (WeasyPrint): presentation attributes, an explicit font on every
text, no script, nothing fetched, every word escaped. Only precomposed characters are printed
(WeasyPrint draws combining marks in SVG text badly). Each function returns an empty Markup when
the card has nothing to draw, so that the caller prints a sentence instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app import svg
from app.i18n import number
from app.quality.scoring import GRADES, LOWEST_GRADE
from app.svg import px

WIDTH = 720
TREND_HEIGHT = 200
PARETO_HEIGHT = 230
BAR = "#7d9cc0"
OTHER_BAR = "#ced4da"
# Light fills of the grade bands, A first, then B, C and the lowest grade.
BAND_FILLS = ("#dcefe3", "#edf5e1", "#fdf3dc", "#f8e6e8")


def _one_decimal(value: float) -> str:
    return number(value, "0.0")


def _count(value: float) -> str:
    return number(value, "#,##0")


def _columns(
    left: float, right: float, top: float, bottom: float, low: float, high: float, count: int
) -> svg.Frame:
    """A frame whose x(i) is the middle of the i-th of `count` equal columns across [left, right]."""
    half = (right - left) / max(count, 1) / 2
    return svg.Frame(left + half - svg.INSET, right - half + svg.INSET, top, bottom, low, high, count)


def _hline(cls: str, x1: float, x2: float, y: float, colour: str, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line class="{cls}" x1="{px(x1)}" y1="{px(y)}" x2="{px(x2)}" y2="{px(y)}" '
        f'stroke="{colour}" stroke-width="1"{dashes}/>'
    )


def _haloed(x: float, y: float, words: str, *, size: int, cls: str, bold: bool = False) -> list[str]:
    """A centred label over a white outline of itself, readable where it crosses a line."""
    weight = ' font-weight="bold"' if bold else ""
    halo = f'{weight} stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
    return [
        svg.text(x, y, words, size=size, anchor="middle", cls=f"{cls}-halo", extra=halo),
        svg.text(x, y, words, size=size, anchor="middle", cls=cls, extra=weight),
    ]


# --- Trend ---------------------------------------------------------------------------------------


def _bands(low: float) -> list[tuple[str, float, float]]:
    """(grade, floor, ceiling) from A down to the lowest grade, which reaches `low`."""
    bands, ceiling = [], 100.0
    for letter, floor in GRADES:
        bands.append((letter, floor, ceiling))
        ceiling = floor
    bands.append((LOWEST_GRADE, low, ceiling))
    return bands


def _axis_low(scores: list[float]) -> float:
    """The score at the foot of the axis: a round 10 below the lowest score, but never above 60
    (so the lowest grade's band always shows) and never below 0."""
    lowest_floor = min(floor for _letter, floor in GRADES)
    return max(0.0, min(lowest_floor - 10, math.floor(min(scores) / 10) * 10 - 10))


def _grade_bands(frame: svg.Frame, left: float, right: float) -> list[str]:
    """A shaded band per grade with its letter at the right; a labelled gridline at each grade's floor."""
    out: list[str] = []
    for (letter, floor, ceiling), fill in zip(_bands(frame.low), BAND_FILLS, strict=True):
        top, bottom = frame.y(ceiling), frame.y(floor)
        out.append(
            f'<rect class="chart-band chart-band-{letter.lower()}" x="{px(left)}" y="{px(top)}" '
            f'width="{px(right - left)}" height="{px(bottom - top)}" fill="{fill}"/>'
        )
        out.append(
            svg.text(right + 7, (top + bottom) / 2 + 4, letter, size=11, fill=svg.MUTED, cls="chart-grade")
        )
    for value in (frame.low, *(floor for _letter, floor in GRADES), 100.0):
        edge = value in (frame.low, 100.0)
        y = frame.y(value)
        out.append(
            _hline("chart-grid", left, right, y, svg.GRID if edge else svg.AXIS, "" if edge else "3 3")
        )
        out.append(
            svg.text(left - 5, y + 3.5, f"{value:.0f}", fill=svg.MUTED, anchor="end", cls="chart-y-tick")
        )
    return out


def _gap(frame: svg.Frame, x: float, y: float) -> list[str]:
    """A period without a score: a dotted line down its column, and "no data" on a white label."""
    words = _("no data")
    width = svg.text_width(words, 10) * 0.85 + 8
    return [
        f'<line class="chart-gap" x1="{px(x)}" y1="{px(frame.top)}" x2="{px(x)}" '
        f'y2="{px(frame.bottom)}" stroke="{svg.MUTED}" stroke-width="1" stroke-dasharray="2 4"/>',
        f'<rect x="{px(x - width / 2)}" y="{px(y - 8)}" width="{px(width)}" height="15" rx="3" '
        f'fill="#ffffff" stroke="{svg.GRID}" stroke-width="1"/>',
        svg.text(x, y + 3.5, words, fill=svg.MUTED, anchor="middle", cls="chart-no-data"),
    ]


def trend_chart(card: Mapping[str, Any]) -> Markup:
    """The card's score over its last periods ("trend"), 0-100 on the grade bands; "" when none has one."""
    trend = list(card.get("trend") or [])
    scores = [None if point.get("score") is None else float(point["score"]) for point in trend]
    if not any(score is not None for score in scores):
        return Markup("")
    left, right = 32.0, WIDTH - 22.0
    low = _axis_low([score for score in scores if score is not None])
    frame = _columns(left, right, 10.0, TREND_HEIGHT - 26.0, low, 100.0, len(trend))
    body = _grade_bands(frame, left, right)
    body += svg.polylines(frame, scores)
    last = len(trend) - 1
    for index, (point, score) in enumerate(zip(trend, scores, strict=True)):
        x, key = frame.x(index), str(point.get("period", ""))
        bold = ' font-weight="bold"' if index == last else ""
        body.append(
            svg.text(
                x, frame.bottom + 16, key, fill=svg.MUTED, anchor="middle", cls="chart-x-label", extra=bold
            )
        )
        if score is None:
            body += _gap(frame, x, frame.y((low + 100) / 2))
            continue
        y, grade = frame.y(score), str(point.get("grade") or "")
        tip = _(
            "%(period)s: score %(score)s, grade %(grade)s", period=key, score=_one_decimal(score), grade=grade
        )
        body.append(
            f'<circle class="chart-point" cx="{px(x)}" cy="{px(y)}" r="3.5" fill="{svg.SERIES}" '
            f'stroke="#ffffff" stroke-width="1"><title>{escape(tip)}</title></circle>'
        )
        label = f"{_one_decimal(score)} {grade}".strip()
        baseline = y + 17 if y - 17 < frame.top else y - 8
        body += _haloed(x, baseline, label, size=10, cls="chart-value", bold=True)
    title = _("Score of the last %(count)d periods", count=len(trend))
    desc = _(
        "Score (of 100) of %(count)d periods, %(scored)d of them with data, on the grade bands.",
        count=len(trend),
        scored=sum(score is not None for score in scores),
    )
    return svg.document(WIDTH, TREND_HEIGHT, title, desc, body)


# --- Pareto --------------------------------------------------------------------------------------


def _count_ticks(maximum: float) -> list[float]:
    """Whole-number ticks from 0 covering the largest count."""
    ticks, _decimals = svg.ticks(0.0, maximum, 4)
    whole = [tick for tick in ticks if tick == int(tick)]
    return whole if len(whole) > 1 else [0.0, maximum]


def _legend(x: float, y: float) -> list[str]:
    """A bar swatch "Defects found" and a line swatch "Cumulative share"."""
    defects, cumulative = _("Defects found"), _("Cumulative share (right axis)")
    second = x + 16 + svg.text_width(defects, 10) + 18
    return [
        f'<rect x="{px(x)}" y="{px(y - 8)}" width="10" height="9" fill="{BAR}"/>',
        svg.text(x + 14, y, defects, fill=svg.MUTED, cls="chart-legend"),
        _hline("chart-legend-line", second, second + 16, y - 3.5, svg.LIMIT),
        f'<circle cx="{px(second + 8)}" cy="{px(y - 3.5)}" r="2.5" fill="{svg.LIMIT}"/>',
        svg.text(second + 21, y, cumulative, fill=svg.MUTED, cls="chart-legend"),
    ]


def pareto_chart(card: Mapping[str, Any]) -> Markup:
    """Bars of the card's defect counts by code ("pareto"), with the cumulative share on the right axis."""
    codes = [code for code in card.get("pareto") or [] if code.get("count")]
    if not codes:
        return Markup("")
    counts = [float(code["count"]) for code in codes]
    ticks = _count_ticks(max(counts))
    tick_texts = [_count(tick) for tick in ticks]
    left = 10 + max(svg.text_width(text, 10) for text in tick_texts)
    right = WIDTH - 12 - svg.text_width("100 %", 10)
    top, bottom = 30.0, PARETO_HEIGHT - 24.0
    high = max(ticks[-1], max(counts)) * 1.08  # room for the count over the tallest bar
    bars = _columns(left, right, top, bottom, 0.0, high, len(codes))
    shares = _columns(left, right, top, bottom, 0.0, 100.0, len(codes))
    column = (right - left) / len(codes)
    out = _legend(left, 14.0)
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = bars.y(tick)
        out.append(_hline("chart-grid", left, right, y, svg.GRID))
        out.append(svg.text(left - 5, y + 3.5, text, fill=svg.MUTED, anchor="end", cls="chart-y-tick"))
    for percent in (0, 25, 50, 75, 100):
        y = shares.y(percent)
        out.append(svg.text(right + 5, y + 3.5, f"{percent} %", fill=svg.LIMIT, cls="chart-y2-tick"))
    chars = max(3, int((column - 4) / (9 * svg.CHAR)))
    on_top: list[str] = []  # the counts, drawn over the cumulative line
    for index, (code, count) in enumerate(zip(codes, counts, strict=True)):
        x, y = bars.x(index), bars.y(count)
        name = str(code.get("code") or "") or _("Other")
        lots = code.get("lots")
        tip = f"{name} {code.get('description') or ''}".strip() + ": " + _count(count)
        if lots:
            tip += " " + _("in %(lots)s lots", lots=_count(lots))
        fill = BAR if code.get("code") else OTHER_BAR
        width = column * 0.62
        out.append(
            f'<rect class="chart-bar" x="{px(x - width / 2)}" y="{px(y)}" width="{px(width)}" '
            f'height="{px(bars.bottom - y)}" fill="{fill}"><title>{escape(tip)}</title></rect>'
        )
        on_top += _haloed(x, y - 4, _count(count), size=9, cls="chart-count")
        out.append(
            svg.text(
                x,
                bottom + 14,
                svg.clip(name, chars),
                size=9,
                fill=svg.MUTED,
                anchor="middle",
                cls="chart-x-label",
            )
        )
    cumulative = [float(code.get("cumulative") or 0) for code in codes]
    if len(cumulative) > 1:
        points = " ".join(f"{px(shares.x(i))},{px(shares.y(share))}" for i, share in enumerate(cumulative))
        out.append(
            f'<polyline class="chart-cumulative-line" points="{points}" fill="none" '
            f'stroke="{svg.LIMIT}" stroke-width="1.5"/>'
        )
    for index, share in enumerate(cumulative):
        out.append(
            f'<circle class="chart-cumulative" cx="{px(shares.x(index))}" cy="{px(shares.y(share))}" r="2.5" '
            f'fill="{svg.LIMIT}"><title>{escape(_one_decimal(share) + " %")}</title></circle>'
        )
    out.append(
        f'<path class="chart-axis" d="M{px(left)} {px(top)}V{px(bottom)}H{px(right)}V{px(top)}" '
        f'fill="none" stroke="{svg.AXIS}" stroke-width="1"/>'
    )
    out += on_top
    title = _("Defect Pareto")
    desc = _(
        "%(codes)d defect codes, %(count)s defects found, most frequent first, with the cumulative share.",
        codes=len(codes),
        count=_count(sum(counts)),
    )
    return svg.document(WIDTH, PARETO_HEIGHT, title, desc, out)
