"""The data-entry page's fields: one input per (sample, characteristic), and the findings rows.

Field names: `v-<sample>-<characteristic id>` for a cell; `f-<row>-code|zone|count|sample` for a
finding, with `findings` holding the number of finding rows shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from flask_babel import gettext as _
from flask_babel import ngettext

from app.lots.entry import (
    FAIL_WORDS,
    MAX_DECIMALS,
    PASS_WORDS,
    EntryError,
    MissingValueError,
    RawCell,
    RawFinding,
    Value,
    parse_number,
)
from app.lots.models import Finding
from app.standards.models import Characteristic, CharacteristicKind

MAX_FINDING_ROWS = 200
# The empty cells the list above the grid names; the rest are counted (each cell is marked anyway).
MISSING_NAMED = 5
FINDING_PARTS = ("code", "zone", "count", "sample")


def cell_name(sample: int, characteristic: Characteristic) -> str:
    return f"v-{sample}-{characteristic.id}"


def cells_from_form(
    form: Mapping[str, str], characteristics: Sequence[Characteristic], sample_size: int
) -> list[RawCell]:
    """Every grid cell as typed (blank when the browser sent nothing)."""
    return [
        RawCell(sample, c, form.get(cell_name(sample, c), ""))
        for sample in range(1, sample_size + 1)
        for c in characteristics
    ]


def finding_rows_in(form: Mapping[str, str]) -> int:
    text = form.get("findings", "0")
    return min(int(text), MAX_FINDING_ROWS) if text.isdigit() else 0


def findings_from_form(form: Mapping[str, str]) -> list[RawFinding]:
    return [
        RawFinding(*(form.get(f"f-{row}-{part}", "") for part in FINDING_PARTS), row=row)
        for row in range(1, finding_rows_in(form) + 1)
    ]


def _text(value: Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "pass" if value else "fail"
    return str(value)


def texts_from_values(
    values: Mapping[tuple[int, int], Value], characteristics: Sequence[Characteristic], sample_size: int
) -> dict[str, str]:
    """The grid's inputs filled from stored values."""
    return {
        cell_name(sample, c): _text(values.get((sample, c.id)))
        for sample in range(1, sample_size + 1)
        for c in characteristics
    }


def raw_rows(
    values: Mapping[tuple[int, int], Value], characteristics: Sequence[Characteristic], sample_size: int
) -> list[tuple[int, list[tuple[str, bool]]]]:
    """The raw-data table of stored values: per sample, each cell's text and whether to mark it (a value
    out of spec, or a failed check); made here once rather than by a call per cell in the template."""
    rows = []
    for sample in range(1, sample_size + 1):
        cells = []
        for c in characteristics:
            text = _text(values.get((sample, c.id)))
            cells.append((text, out_of_spec(c, text) or text == "fail"))
        rows.append((sample, cells))
    return rows


def finding_texts(findings: Sequence[Finding]) -> list[dict[str, str]]:
    return [
        {
            "code": f.defect_code.code,
            "zone": f.zone or "",
            "count": str(f.count),
            "sample": str(f.sample),
        }
        for f in findings
    ]


def finding_texts_from_form(form: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {part: form.get(f"f-{row}-{part}", "") for part in FINDING_PARTS}
        for row in range(1, finding_rows_in(form) + 1)
    ]


@dataclass(frozen=True)
class GridErrors:
    """Errors placed on the page: by cell name, by finding row, and the rest above the form.

    `listed` repeats the cell errors for the list above the grid, so that none is missed on a long grid;
    the empty cells are one line there ("180 cells have no value yet: …"), not one row each.
    """

    cells: dict[str, str]
    findings: dict[int, list[str]]
    general: list[EntryError]
    listed: list[EntryError]


def place_errors(errors: Sequence[EntryError], characteristics: Sequence[Characteristic]) -> GridErrors:
    by_code = {c.code: c for c in characteristics}
    cells: dict[str, str] = {}
    findings: dict[int, list[str]] = {}
    general: list[EntryError] = []
    listed: list[EntryError] = []
    missing: list[EntryError] = []
    for error in errors:
        characteristic = by_code.get(error.characteristic or "")
        if error.sample is not None and characteristic is not None and error.column is None:
            cells.setdefault(cell_name(error.sample, characteristic), error.message)
            (missing if isinstance(error, MissingValueError) else listed).append(error)
        elif (
            error.row is not None
            and error.characteristic is None
            and error.column is None
            and error.sample is None
        ):
            findings.setdefault(error.row, []).append(error.message)
        else:
            general.append(error)
    if missing:
        listed.insert(0, missing_summary(missing))
    return GridErrors(cells, findings, general, listed)


def missing_summary(missing: Sequence[EntryError]) -> EntryError:
    """One line for the empty cells: how many, and the first MISSING_NAMED of them by place."""
    named = "; ".join(error.where() for error in missing[:MISSING_NAMED])
    if len(missing) > MISSING_NAMED:
        named = _("%(cells)s and %(n)d more", cells=named, n=len(missing) - MISSING_NAMED)
    return EntryError(
        ngettext(
            "%(num)d cell has no value yet: %(cells)s",
            "%(num)d cells have no value yet: %(cells)s",
            len(missing),
            cells=named,
        )
    )


def spec_side(characteristic: Characteristic, text: str) -> Literal["above", "below"] | None:
    """Which limit a cell's value lies beyond, if it is a value outside them (on a limit is in spec)."""
    if characteristic.kind != CharacteristicKind.VARIABLE or not text.strip():
        return None
    try:
        value = parse_number(text)
    except ValueError:
        return None
    if characteristic.usl is not None and value > characteristic.usl:
        return "above"
    if characteristic.lsl is not None and value < characteristic.lsl:
        return "below"
    return None


def out_of_spec(characteristic: Characteristic, text: str) -> bool:
    """Whether a cell's text is a value outside the limits (a value on a limit is in spec)."""
    return spec_side(characteristic, text) is not None


def spec_words() -> dict[str, str]:
    """How a value outside its limits is marked in words, by side (not by colour alone)."""
    return {"above": _("Out of spec: above the USL"), "below": _("Out of spec: below the LSL")}


def script_texts() -> dict[str, str]:
    """What lot-grid.js says, in the user's language; the script fills in "%(text)s" and "%(n)s".

    The messages for a cell that cannot be read are the server's own, so both say the same.
    """
    return {
        **spec_words(),
        "number": _("“%(text)s” is not a number. Type digits only, for example 12.05.", text="%(text)s"),
        "verdict": _("“%(text)s” is not a result. Write pass or fail (OK or NG also work).", text="%(text)s"),
        "formula": _("This cell holds a formula. Type the measured value itself."),
        "places": _("Use at most %(n)d digits after the decimal point.", n=MAX_DECIMALS),
        "places-max": str(MAX_DECIMALS),
        "verdicts": "|".join(sorted(PASS_WORDS | FAIL_WORDS)),
        "pasted": _("Values pasted: %(n)s.", n="%(n)s"),
        "unreadable": _("Not readable, marked in the grid: %(n)s.", n="%(n)s"),
        "outside": _("Left out, outside the grid: %(n)s.", n="%(n)s"),
    }
