"""SVG primitives of the charts (control charts, scorecard trends and Paretos): the plot frame, text
that WeasyPrint and browsers both draw, ticks, axes, polylines and the document. Standard library
and markupsafe only; every text taken from a caller is escaped."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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

INSET = 10.0  # px between the plot edge and the first/last point
CHAR = 0.66  # glyph width in em, generous for DejaVu Sans (PDFs); sizes margins and thins labels
LABEL_CHARS = 16  # x-axis labels longer than this are shortened; the tooltip keeps the full text


@dataclass(frozen=True)
class Frame:
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
        return (self.right - self.left - 2 * INSET) / (self.count - 1)

    def x(self, index: int) -> float:
        if self.count < 2:
            return (self.left + self.right) / 2
        return self.left + INSET + index * self.spacing

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * (self.bottom - self.top)


def px(value: float) -> str:
    """A coordinate with at most 2 decimals; equal inputs give equal strings."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def finite(value: float | None) -> float | None:
    """The value as float, or None when missing or not finite (drawn as a gap)."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def text(
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
    position = f'x="{px(x)}" y="{px(y)}" text-anchor="{anchor}"' + (f' class="{cls}"' if cls else "")
    content = unicodedata.normalize("NFC", content)  # Vietnamese letters as one code point each
    return f'<text {position} {FONT} font-size="{size}" fill="{fill}"{extra}>{escape(content)}</text>'


def clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


def text_width(text: str, size: float) -> float:
    """The width a label needs: a Han, kana or full-width character takes a whole em, others CHAR."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    return ((len(text) - wide) * CHAR + wide) * size


def y_range(numbers: list[float]) -> tuple[float, float]:
    """Padded low and high of everything drawn; never an empty range."""
    low, high = min(numbers), max(numbers)
    if high - low <= 1e-9 * max(abs(low), abs(high)):
        pad = abs(low) * 0.05 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.06
    return low - pad, high + pad


def ticks(low: float, high: float, target: int) -> tuple[list[float], int]:
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


def tick_texts(ticks: list[float], decimals: int, number_format: Callable[[float], str]) -> list[str]:
    """Ticks printed by number_format, or with fixed decimals when that would print two alike."""
    texts = [number_format(tick) for tick in ticks]
    if len(set(texts)) < len(texts):
        texts = [f"{tick:.{decimals}f}" for tick in ticks]
    return texts


def axes(frame: Frame, ticks: list[float], tick_texts: list[str]) -> list[str]:
    """Grid lines and tick labels on the y-axis, and the axis lines."""
    out: list[str] = []
    for tick, label in zip(ticks, tick_texts, strict=True):
        y = px(frame.y(tick))
        out.append(
            f'<line class="chart-grid" x1="{px(frame.left)}" y1="{y}" x2="{px(frame.right)}" y2="{y}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(text(frame.left - 5, frame.y(tick) + 3.5, label, fill=MUTED, anchor="end"))
    left, bottom = px(frame.left), px(frame.bottom)
    out.append(
        f'<path class="chart-axis" d="M{left} {px(frame.top)}V{bottom}H{px(frame.right)}" '
        f'fill="none" stroke="{AXIS}" stroke-width="1"/>'
    )
    return out


def x_labels(frame: Frame, labels: Sequence[str], width: int) -> list[str]:
    """Every k-th point's label, k chosen so that the labels do not overlap."""
    shown = [clip(label, LABEL_CHARS) for label in labels]
    widest = max((text_width(label, 10) for label in shown), default=0.0)
    every = max(1, math.ceil((widest + 12) / frame.spacing)) if len(labels) > 1 else 1
    out: list[str] = []
    for index in range(0, len(labels), every):
        half = text_width(shown[index], 10) / 2
        x = min(max(frame.x(index), half + 2), width - half - 2)
        out.append(text(x, frame.bottom + 15, shown[index], fill=MUTED, anchor="middle", cls="chart-x-label"))
    return out


def polylines(frame: Frame, values: list[float | None]) -> list[str]:
    """The series joined point to point, broken at each gap."""
    out: list[str] = []
    run: list[str] = []
    for index, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{px(frame.x(index))},{px(frame.y(value))}")
            continue
        if len(run) > 1:
            out.append(
                f'<polyline class="chart-series" points="{" ".join(run)}" fill="none" '
                f'stroke="{SERIES}" stroke-width="1.5"/>'
            )
        run = []
    return out


def y_label_text(frame: Frame, y_label: str) -> list[str]:
    if not y_label:
        return []
    middle = (frame.top + frame.bottom) / 2
    shown = clip(y_label, int((frame.bottom - frame.top) / (10 * CHAR)))
    rotate = f' transform="rotate(-90 12 {px(middle)})"'
    return [text(12, middle, shown, fill=MUTED, anchor="middle", cls="chart-y-label", extra=rotate)]


def title_text(title: str, width: int) -> str:
    """The title drawn at the top left, shortened to the width (the aria-label keeps it whole)."""
    shown = clip(title, int((width - 16) / (13 * CHAR)))
    return text(8, 18, shown, size=13, cls="chart-title", extra=' font-weight="bold"')


def document(width: int, height: int, title: str, desc: str, body: Iterable[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="kensa-chart" '
        f'{FONT} font-size="11"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text inside is escaped


# WeasyPrint draws SVG text one character at a time, so a script whose marks combine with the letter
# before them (Thai vowels and tone marks) prints each mark alone on a dotted circle (WeasyPrint
# issue #2249). Printed charts leave such words out; the report shows them in HTML instead.
_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
PRINT_FONTS = {  # the Han forms of the reader's language; Noto from Debian's fonts-noto-* packages
    "ja": "Noto Sans, Noto Sans CJK JP, sans-serif",
    "zh_Hans": "Noto Sans, Noto Sans CJK SC, sans-serif",
    "th": "Noto Sans, Noto Sans Thai, sans-serif",
}


def _combines(content: str) -> bool:
    return any(unicodedata.category(c) == "Mn" for c in content)


def for_print(chart: Markup, language: str) -> tuple[Markup, list[str]]:
    """The chart as WeasyPrint can print it in `language`, and the words left out of it (in order, once
    each; the caller prints them beside the chart). The font names the language's Han forms."""
    left_out: list[str] = []

    def keep(match: re.Match[str]) -> str:
        word = html.unescape(match.group(2))
        if not _combines(word):
            return match.group(0)
        if 'class="chart-current-label"' in match.group(1):
            return ""  # the ring stays, and the report says that it marks this lot
        if word not in left_out:
            left_out.append(word)
        return ""

    printable = _TEXT.sub(keep, str(chart))
    font = PRINT_FONTS.get(language)
    if font:
        printable = printable.replace(FONT, f'font-family="{font}"')
    return Markup(printable), left_out  # noqa: S704 - only removes elements of escaped markup
