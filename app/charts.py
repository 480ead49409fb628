"""Control charts (one value per lot, with limits, spec lines and rule marks) as SVG for pages and
WeasyPrint PDFs; the drawing primitives are app/svg.py.

The SVG is plain SVG 1.1 so that one string serves both a browser under a strict CSP and
WeasyPrint: presentation attributes and classes instead of `style=`, no script, no external
reference, an explicit font on every text, and width/height with a viewBox. Every text taken from
the caller (titles, lot numbers, translated words) is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from markupsafe import Markup, escape

from app import svg
from app.svg import px

_NO_MARKS: Mapping[int, Sequence[int]] = MappingProxyType({})


@dataclass(frozen=True)
class Limits:
    """A control chart's lines: a float is a straight line, a sequence one level per point.

    A sequence draws a stepped line (p chart, or X-bar/S chart with varying subgroup sizes, whose
    S chart has a per-point center too); None, or None at a point, is not drawn.
    """

    center: float | Sequence[float | None]
    lcl: float | Sequence[float | None] | None = None
    ucl: float | Sequence[float | None] | None = None


@dataclass(frozen=True)
class ChartTexts:
    """The words a chart prints; pass gettext'ed ones. `description` takes %(points)d, %(violations)d."""

    center: str = "CL"
    ucl: str = "UCL"
    lcl: str = "LCL"
    lsl: str = "LSL"
    usl: str = "USL"
    rule: str = "Nelson rule"
    no_data: str = "No data"
    current: str = "this lot"
    description: str = "Control chart of %(points)d points, %(violations)d with rule violations."


def four_significant(value: float) -> str:
    """Print a value with 4 significant digits, without an exponent from 10,000 up."""
    if value == 0:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:.0f}"
    return f"{value:.4g}"


@dataclass(frozen=True)
class _Line:
    """One horizontal reference line: a level, or one level per point (a stepped line)."""

    name: str  # class suffix: center, ucl, lcl, lsl, usl
    word: str
    levels: float | list[float | None] | None
    colour: str
    dash: str | None

    @property
    def numbers(self) -> list[float]:
        levels = self.levels if isinstance(self.levels, list) else [self.levels]
        return [level for level in levels if level is not None]


def _levels(
    name: str, limit: float | Sequence[float | None] | None, count: int
) -> float | list[float | None] | None:
    if limit is None or isinstance(limit, int | float):
        return svg.finite(limit)
    if len(limit) != count:
        raise ValueError(f"{name} has {len(limit)} levels; allowed: one per point ({count})")
    return [svg.finite(level) for level in limit]


def _lines(
    limits: Limits, spec: tuple[float | None, float | None] | None, texts: ChartTexts, count: int
) -> list[_Line]:
    """The reference lines to draw, leaving out those not given."""
    lsl, usl = spec or (None, None)
    lines = [
        _Line("center", texts.center, _levels("center", limits.center, count), svg.CENTER, None),
        _Line("ucl", texts.ucl, _levels("ucl", limits.ucl, count), svg.LIMIT, "6 4"),
        _Line("lcl", texts.lcl, _levels("lcl", limits.lcl, count), svg.LIMIT, "6 4"),
        _Line("usl", texts.usl, svg.finite(usl), svg.SPEC, "2 3"),
        _Line("lsl", texts.lsl, svg.finite(lsl), svg.SPEC, "2 3"),
    ]
    return [line for line in lines if line.numbers]


def _step_path(frame: svg.Frame, levels: list[float | None]) -> str:
    """Path data with one horizontal step per point, each spanning the point's cell."""
    half, parts, drawing = frame.spacing / 2, list[str](), False
    for index, level in enumerate(levels):
        if level is None:
            drawing = False
            continue
        start = max(frame.left, frame.x(index) - half)
        end, y = min(frame.right, frame.x(index) + half), frame.y(level)
        parts.append(f"V{px(y)}H{px(end)}" if drawing else f"M{px(start)} {px(y)}H{px(end)}")
        drawing = True
    return "".join(parts)


def _draw_line(frame: svg.Frame, line: _Line) -> str:
    common = f'class="chart-{line.name}" fill="none" stroke="{line.colour}" stroke-width="1.5"'
    if line.dash:
        common += f' stroke-dasharray="{line.dash}"'
    if not isinstance(line.levels, list):
        y = px(frame.y(line.numbers[0]))
        return f'<line {common} x1="{px(frame.left)}" y1="{y}" x2="{px(frame.right)}" y2="{y}"/>'
    return f'<path {common} d="{_step_path(frame, line.levels)}"/>'


def _spread(wanted: list[float], gap: float, top: float, bottom: float) -> list[float]:
    """Move label baselines (sorted top to bottom) apart by at least gap, within [top, bottom]."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else max(y, top))
    for index in range(len(placed) - 1, -1, -1):
        limit = bottom if index == len(placed) - 1 else placed[index + 1] - gap
        placed[index] = min(placed[index], limit)
    return placed


def _label(line: _Line, number_format: Callable[[float], str]) -> str:
    return f"{line.word} {number_format(line.numbers[-1])}"


def _line_labels(frame: svg.Frame, lines: list[_Line], number_format: Callable[[float], str]) -> list[str]:
    """'UCL 1.693' at the right edge, at the line's last level, kept from overlapping."""
    rows = sorted(((frame.y(line.numbers[-1]), line) for line in lines), key=lambda row: row[0])
    wanted = [y + 3.5 for y, _line in rows]
    placed = _spread(wanted, 11.0, frame.top + 4, frame.bottom + 4)
    return [
        svg.text(
            frame.right + 6, y, _label(line, number_format), fill=line.colour, cls=f"chart-label-{line.name}"
        )
        for y, (_wanted, line) in zip(placed, rows, strict=True)
    ]


def _rule_notes(
    frame: svg.Frame, values: list[float | None], marked: Mapping[int, Sequence[int]]
) -> list[str]:
    """Rule numbers above (or, at the top, below) each violating point.

    A note equal to the previous one is left out where the two would overlap, so that a long run of
    points violating one rule (rule 2: nine in a row) shows one readable note, not a smudge.
    """
    out: list[str] = []
    previous, previous_end = "", -math.inf
    for index, value in enumerate(values):
        rules = sorted(set(marked.get(index, ())))
        if value is None or not rules:
            continue
        note, x, y = ",".join(map(str, rules)), frame.x(index), frame.y(value)
        half = svg.text_width(note, 9) / 2
        if note == previous and x - half < previous_end + 2:
            continue
        previous, previous_end = note, x + half
        baseline = y + 18 if y - 19 < frame.top else y - 10
        bold = ' font-weight="bold"'
        out.append(
            svg.text(
                x, baseline, note, size=9, fill=svg.VIOLATION, anchor="middle", cls="chart-rules", extra=bold
            )
        )
    return out


def _markers(
    frame: svg.Frame,
    values: list[float | None],
    labels: Sequence[str],
    marked: Mapping[int, Sequence[int]],
    texts: ChartTexts,
    number_format: Callable[[float], str],
) -> list[str]:
    """One circle per value, red where a rule is violated, with a tooltip naming lot, value, rules.

    With the default number_format the tooltip shows 6 significant digits: it is the one place
    where the reader looks for the value as measured.
    """
    out: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        rules = sorted(set(marked.get(index, ())))
        shown = f"{value:.6g}" if number_format is four_significant else number_format(value)
        tip = f"{labels[index]}: {shown}"
        if rules:
            tip += f" — {texts.rule} {', '.join(map(str, rules))}"
        kind, colour, radius = (
            ("chart-point chart-violation", svg.VIOLATION, 4) if rules else ("chart-point", svg.SERIES, 3)
        )
        out.append(
            f'<circle class="{kind}" cx="{px(frame.x(index))}" cy="{px(frame.y(value))}" r="{radius}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"><title>{escape(tip)}</title></circle>'
        )
    return out


def _layout(
    points: list[float | None],
    lines: list[_Line],
    width: int,
    height: int,
    y_label: bool,
    number_format: Callable[[float], str],
) -> tuple[svg.Frame, list[float], list[str]]:
    """The plot frame, with margins wide enough for the tick labels and the line labels."""
    numbers = [value for value in points if value is not None] + [n for line in lines for n in line.numbers]
    low, high = svg.y_range(numbers)
    top, bottom = 30.0, height - 24.0
    ticks, decimals = svg.ticks(low, high, max(2, int((bottom - top) // 40)))
    tick_texts = svg.tick_texts(ticks, decimals, number_format)
    left = 8 + max(svg.text_width(text, 10) for text in [*tick_texts, "0"]) + (18 if y_label else 0)
    right = width - 12 - max((svg.text_width(_label(line, number_format), 10) for line in lines), default=0.0)
    return svg.Frame(left, right, top, bottom, low, high, len(points)), ticks, tick_texts


def _highlight(frame: svg.Frame, points: list[float | None], index: int | None, label: str) -> list[str]:
    """A ring around the current lot's point, if it has a value, and its label under the ring (above
    it when the point is in the plot's lower part)."""
    if index is None or not 0 <= index < len(points) or (value := points[index]) is None:
        return []
    x, y = frame.x(index), frame.y(value)
    below = y < (frame.top + frame.bottom) / 2
    ring = (
        f'<circle class="chart-current" cx="{px(x)}" cy="{px(y)}" r="7.5" '
        f'fill="none" stroke="{svg.CURRENT}" stroke-width="2"/>'
    )
    text = svg.text(
        x,
        y + 20 if below else y - 12,
        label,
        size=9,
        fill=svg.CURRENT,
        anchor="middle",
        cls="chart-current-label",
    )
    return [ring, text] if label else [ring]


def control_chart(
    values: Sequence[float | None],
    limits: Limits,
    *,
    labels: Sequence[str],
    marked: Mapping[int, Sequence[int]] = _NO_MARKS,
    title: str,
    y_label: str = "",
    spec: tuple[float | None, float | None] | None = None,
    highlight: int | None = None,
    width: int = 720,
    height: int = 240,
    number_format: Callable[[float], str] = four_significant,
    texts: ChartTexts | None = None,
) -> Markup:
    """A control chart (one value per lot) as an SVG string safe to put in a page or a PDF."""
    texts = texts or ChartTexts()
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels is not allowed; allowed: one per value ({len(values)})")
    points = [svg.finite(value) for value in values]
    drawn = [index for index, value in enumerate(points) if value is not None]
    if not drawn:
        note = svg.text(width / 2, 40, texts.no_data, size=11, fill=svg.MUTED, anchor="middle")
        return svg.document(width, 52, title, texts.no_data, [svg.title_text(title, width), note])
    lines = _lines(limits, spec, texts, len(points))
    frame, ticks, tick_texts = _layout(points, lines, width, height, bool(y_label), number_format)
    body = [svg.title_text(title, width), *svg.y_label_text(frame, y_label)]
    body += svg.axes(frame, ticks, tick_texts)
    body += [_draw_line(frame, line) for line in lines]
    body += _line_labels(frame, lines, number_format)
    body += svg.x_labels(frame, labels, width)
    body += _highlight(frame, points, highlight, texts.current)
    body += svg.polylines(frame, points) + _rule_notes(frame, points, marked)
    body += _markers(frame, points, labels, marked, texts, number_format)
    violations = sum(1 for index in drawn if marked.get(index))
    desc = texts.description % {"points": len(drawn), "violations": violations}
    return svg.document(width, height, title, desc, body)
