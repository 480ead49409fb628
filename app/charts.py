"""Server-side SVG charts for pages and WeasyPrint PDFs: standard library and markupsafe only.

The SVG is plain SVG 1.1 so that one string serves both a browser under a strict CSP and
WeasyPrint: presentation attributes and classes instead of `style=`, no script, no external
reference, an explicit font on every text, and width/height with a viewBox. Every text taken from
the caller (titles, lot numbers, translated words) is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from markupsafe import Markup, escape

FONT = 'font-family="sans-serif"'
INK = "#212529"
MUTED = "#6c757d"
GRID = "#e9ecef"
AXIS = "#adb5bd"
SERIES = "#1f3a5f"
CENTER = "#198754"
LIMIT = "#c2410c"
SPEC = "#6f42c1"
VIOLATION = "#dc3545"
CURRENT = "#0d6efd"

_INSET = 10.0  # px between the plot edge and the first/last point
_CHAR = 0.66  # glyph width in em, generous for DejaVu Sans (PDFs); sizes margins and thins labels
_LABEL_CHARS = 16  # x-axis labels longer than this are shortened; the tooltip keeps the full text
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
    description: str = "Control chart of %(points)d points, %(violations)d with rule violations."


def four_significant(value: float) -> str:
    """Print a value with 4 significant digits, without an exponent from 10,000 up."""
    if value == 0:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:.0f}"
    return f"{value:.4g}"


@dataclass(frozen=True)
class _Frame:
    """The plot area in px and the y-range it shows."""

    left: float
    right: float
    top: float
    bottom: float
    low: float
    high: float
    count: int

    @property
    def spacing(self) -> float:
        if self.count < 2:
            return self.right - self.left
        return (self.right - self.left - 2 * _INSET) / (self.count - 1)

    def x(self, index: int) -> float:
        if self.count < 2:
            return (self.left + self.right) / 2
        return self.left + _INSET + index * self.spacing

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)


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


def _n(value: float) -> str:
    """A coordinate with at most 2 decimals; equal inputs give equal strings."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _finite(value: float | None) -> float | None:
    """The value as float, or None when missing or not finite (drawn as a gap)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 10,
    fill: str = INK,
    anchor: str = "start",
    cls: str = "",
    extra: str = "",
) -> str:
    """One escaped text; the font is repeated on each so WeasyPrint needs no inheritance."""
    position = f'x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"' + (f' class="{cls}"' if cls else "")
    return f'<text {position} {FONT} font-size="{size}" fill="{fill}"{extra}>{escape(content)}</text>'


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


def _width(text: str, size: float) -> float:
    return len(text) * size * _CHAR


def _y_range(numbers: list[float]) -> tuple[float, float]:
    """Padded low and high of everything drawn; never an empty range."""
    low, high = min(numbers), max(numbers)
    if high - low <= 1e-9 * max(abs(low), abs(high)):
        pad = abs(low) * 0.05 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.06
    return low - pad, high + pad


def _ticks(low: float, high: float, target: int) -> tuple[list[float], int]:
    """About target nice ticks (1, 2, 5 x 10^k apart) within [low, high], and the decimals they need."""
    raw = (high - low) / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(
        m * magnitude
        for m, bound in ((1, 1.5), (2, 3.5), (5, 7.5), (10, math.inf))
        if raw < bound * magnitude
    )
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [round(k * step, decimals + 2) + 0.0 for k in range(first, last + 1)], decimals


def _tick_texts(ticks: list[float], decimals: int, number_format: Callable[[float], str]) -> list[str]:
    """Ticks printed by number_format, or with fixed decimals when that would print two alike."""
    texts = [number_format(tick) for tick in ticks]
    if len(set(texts)) < len(texts):
        texts = [f"{tick:.{decimals}f}" for tick in ticks]
    return texts


def _levels(
    name: str, limit: float | Sequence[float | None] | None, count: int
) -> float | list[float | None] | None:
    if limit is None or isinstance(limit, int | float):
        return _finite(limit)
    if len(limit) != count:
        raise ValueError(f"{name} has {len(limit)} levels; allowed: one per point ({count})")
    return [_finite(level) for level in limit]


def _lines(
    limits: Limits, spec: tuple[float | None, float | None] | None, texts: ChartTexts, count: int
) -> list[_Line]:
    """The reference lines to draw, leaving out those not given."""
    lsl, usl = spec or (None, None)
    lines = [
        _Line("center", texts.center, _levels("center", limits.center, count), CENTER, None),
        _Line("ucl", texts.ucl, _levels("ucl", limits.ucl, count), LIMIT, "6 4"),
        _Line("lcl", texts.lcl, _levels("lcl", limits.lcl, count), LIMIT, "6 4"),
        _Line("usl", texts.usl, _finite(usl), SPEC, "2 3"),
        _Line("lsl", texts.lsl, _finite(lsl), SPEC, "2 3"),
    ]
    return [line for line in lines if line.numbers]


def _step_path(frame: _Frame, levels: list[float | None]) -> str:
    """Path data with one horizontal step per point, each spanning the point's cell."""
    half, parts, drawing = frame.spacing / 2, list[str](), False
    for index, level in enumerate(levels):
        if level is None:
            drawing = False
            continue
        start = max(frame.left, frame.x(index) - half)
        end, y = min(frame.right, frame.x(index) + half), frame.y(level)
        parts.append(f"V{_n(y)}H{_n(end)}" if drawing else f"M{_n(start)} {_n(y)}H{_n(end)}")
        drawing = True
    return "".join(parts)


def _draw_line(frame: _Frame, line: _Line) -> str:
    common = f'class="chart-{line.name}" fill="none" stroke="{line.colour}" stroke-width="1.5"'
    if line.dash:
        common += f' stroke-dasharray="{line.dash}"'
    if not isinstance(line.levels, list):
        y = _n(frame.y(line.numbers[0]))
        return f'<line {common} x1="{_n(frame.left)}" y1="{y}" x2="{_n(frame.right)}" y2="{y}"/>'
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


def _line_labels(frame: _Frame, lines: list[_Line], number_format: Callable[[float], str]) -> list[str]:
    """'UCL 1.693' at the right edge, at the line's last level, kept from overlapping."""
    rows = sorted(((frame.y(line.numbers[-1]), line) for line in lines), key=lambda row: row[0])
    wanted = [y + 3.5 for y, _line in rows]
    placed = _spread(wanted, 11.0, frame.top + 4, frame.bottom + 4)
    return [
        _text(
            frame.right + 6, y, _label(line, number_format), fill=line.colour, cls=f"chart-label-{line.name}"
        )
        for y, (_wanted, line) in zip(placed, rows, strict=True)
    ]


def _axes(frame: _Frame, ticks: list[float], tick_texts: list[str]) -> list[str]:
    """Grid lines and tick labels on the y-axis, and the axis lines."""
    out: list[str] = []
    for tick, label in zip(ticks, tick_texts, strict=True):
        y = _n(frame.y(tick))
        out.append(
            f'<line class="chart-grid" x1="{_n(frame.left)}" y1="{y}" x2="{_n(frame.right)}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(frame.left - 5, frame.y(tick) + 3.5, label, fill=MUTED, anchor="end"))
    left, bottom = _n(frame.left), _n(frame.bottom)
    out.append(
        f'<path class="chart-axis" d="M{left} {_n(frame.top)}V{bottom}H{_n(frame.right)}" '
        f'fill="none" stroke="{AXIS}" stroke-width="1"/>'
    )
    return out


def _x_labels(frame: _Frame, labels: Sequence[str], width: int) -> list[str]:
    """Every k-th point's label, k chosen so that the labels do not overlap."""
    shown = [_clip(label, _LABEL_CHARS) for label in labels]
    widest = max((_width(label, 10) for label in shown), default=0.0)
    every = max(1, math.ceil((widest + 12) / frame.spacing)) if len(labels) > 1 else 1
    out: list[str] = []
    for index in range(0, len(labels), every):
        half = _width(shown[index], 10) / 2
        x = min(max(frame.x(index), half + 2), width - half - 2)
        out.append(
            _text(x, frame.bottom + 15, shown[index], fill=MUTED, anchor="middle", cls="chart-x-label")
        )
    return out


def _polylines(frame: _Frame, values: list[float | None]) -> list[str]:
    """The series joined point to point, broken at each gap."""
    out: list[str] = []
    run: list[str] = []
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{_n(frame.x(index))},{_n(frame.y(value))}")
            continue
        if len(run) > 1:
            out.append(
                f'<polyline class="chart-series" points="{" ".join(run)}" fill="none" '
                f'stroke="{SERIES}" stroke-width="1.5"/>'
            )
        run = []
    return out


def _rule_notes(frame: _Frame, values: list[float | None], marked: Mapping[int, Sequence[int]]) -> list[str]:
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
        half = _width(note, 9) / 2
        if note == previous and x - half < previous_end + 2:
            continue
        previous, previous_end = note, x + half
        baseline = y + 18 if y - 19 < frame.top else y - 10
        bold = ' font-weight="bold"'
        out.append(
            _text(x, baseline, note, size=9, fill=VIOLATION, anchor="middle", cls="chart-rules", extra=bold)
        )
    return out


def _markers(
    frame: _Frame,
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
            ("chart-point chart-violation", VIOLATION, 4) if rules else ("chart-point", SERIES, 3)
        )
        out.append(
            f'<circle class="{kind}" cx="{_n(frame.x(index))}" cy="{_n(frame.y(value))}" r="{radius}" '
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
) -> tuple[_Frame, list[float], list[str]]:
    """The plot frame, with margins wide enough for the tick labels and the line labels."""
    numbers = [value for value in points if value is not None] + [n for line in lines for n in line.numbers]
    low, high = _y_range(numbers)
    top, bottom = 30.0, height - 24.0
    ticks, decimals = _ticks(low, high, max(2, int((bottom - top) // 40)))
    tick_texts = _tick_texts(ticks, decimals, number_format)
    left = 8 + max(_width(text, 10) for text in [*tick_texts, "0"]) + (18 if y_label else 0)
    right = width - 12 - max((_width(_label(line, number_format), 10) for line in lines), default=0.0)
    return _Frame(left, right, top, bottom, low, high, len(points)), ticks, tick_texts


def _y_label(frame: _Frame, y_label: str) -> list[str]:
    if not y_label:
        return []
    middle = (frame.top + frame.bottom) / 2
    shown = _clip(y_label, int((frame.bottom - frame.top) / (10 * _CHAR)))
    rotate = f' transform="rotate(-90 12 {_n(middle)})"'
    return [_text(12, middle, shown, fill=MUTED, anchor="middle", cls="chart-y-label", extra=rotate)]


def _highlight(frame: _Frame, points: list[float | None], index: int | None) -> list[str]:
    """A ring around the current lot's point, if it has a value."""
    if index is None or not 0 <= index < len(points) or (value := points[index]) is None:
        return []
    return [
        f'<circle class="chart-current" cx="{_n(frame.x(index))}" cy="{_n(frame.y(value))}" r="7.5" '
        f'fill="none" stroke="{CURRENT}" stroke-width="2"/>'
    ]


def _title(title: str, width: int) -> str:
    """The title drawn at the top left, shortened to the width (the aria-label keeps it whole)."""
    shown = _clip(title, int((width - 16) / (13 * _CHAR)))
    return _text(8, 18, shown, size=13, cls="chart-title", extra=' font-weight="bold"')


def _svg(width: int, height: int, title: str, desc: str, body: Iterable[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="kensa-chart" '
        f'{FONT} font-size="11"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text inside is escaped


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
    points = [_finite(value) for value in values]
    drawn = [index for index, value in enumerate(points) if value is not None]
    if not drawn:
        note = _text(width / 2, 40, texts.no_data, size=11, fill=MUTED, anchor="middle")
        return _svg(width, 52, title, texts.no_data, [_title(title, width), note])
    lines = _lines(limits, spec, texts, len(points))
    frame, ticks, tick_texts = _layout(points, lines, width, height, bool(y_label), number_format)
    body = [_title(title, width), *_y_label(frame, y_label)]
    body += _axes(frame, ticks, tick_texts)
    body += [_draw_line(frame, line) for line in lines]
    body += _line_labels(frame, lines, number_format)
    body += _x_labels(frame, labels, width)
    body += _highlight(frame, points, highlight)
    body += _polylines(frame, points) + _rule_notes(frame, points, marked)
    body += _markers(frame, points, labels, marked, texts, number_format)
    violations = sum(1 for index in drawn if marked.get(index))
    desc = texts.description % {"points": len(drawn), "violations": violations}
    return _svg(width, height, title, desc, body)
