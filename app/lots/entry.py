"""The one validation of inspection data, whichever way it arrives (grid form, file upload, API).

Each way turns its input into `RawCell`s (and `RawFinding`s); `read_cells` and `read_findings`
turn those into values or into errors that name the sample and characteristic, and the file's
row and column when there is a file. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import ngettext

from app.rules import RuleError
from app.standards.labels import class_word
from app.standards.models import Characteristic, CharacteristicKind, DefectCode

PASS_WORDS = frozenset({"pass", "ok", "p", "yes", "y", "true", "1", "go"})
FAIL_WORDS = frozenset({"fail", "ng", "nok", "f", "no", "n", "false", "0", "no go", "no-go", "nogo"})
# Numeric(18, 6): at most 12 digits before the point and 6 after.
MAX_DECIMALS = 6
MAX_MAGNITUDE = Decimal(10) ** 12
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# Shown in one response; the rest are counted.
MAX_ERRORS_SHOWN = 200

Value = Decimal | bool


@dataclass(frozen=True)
class EntryError:
    """One problem in the data, placed where the user can find it."""

    message: str
    sample: int | None = None
    characteristic: str | None = None  # its code
    row: int | None = None  # the file's row (1 = the header row)
    column: str | None = None  # the file's column, as a spreadsheet shows it: "C (DIM-02)"

    def where(self) -> str:
        """Where the error is, in words: "Row 4, column C (DIM-02)" or "Sample 3, DIM-02"."""
        if self.row is not None and self.column and self.sample is not None:
            return _(
                "Row %(row)d (sample %(sample)d), column %(column)s",
                row=self.row,
                sample=self.sample,
                column=self.column,
            )
        if self.row is not None and self.column:
            return _("Row %(row)d, column %(column)s", row=self.row, column=self.column)
        if self.row is not None:
            return _("Row %(row)d", row=self.row)
        if self.column:
            return _("Column %(column)s", column=self.column)
        if self.sample is not None and self.characteristic:
            return _("Sample %(sample)d, %(code)s", sample=self.sample, code=self.characteristic)
        if self.sample is not None:
            return _("Sample %(sample)d", sample=self.sample)
        return ""


@dataclass(frozen=True)
class MissingValueError(EntryError):
    """A cell of the sample without a value: the grid marks each, and its list counts them in one line."""


class DataRejectedError(RuleError):
    """Inspection data refused as a whole; `errors` lists every problem found."""

    def __init__(self, errors: Sequence[EntryError], message: str | None = None) -> None:
        self.errors = list(errors)
        super().__init__(
            message
            or ngettext(
                "Nothing was saved: %(num)d problem was found. Correct it and try again.",
                "Nothing was saved: %(num)d problems were found. Correct them and try again.",
                len(self.errors),
            )
        )


@dataclass(slots=True)
class RawCell:
    """A value as typed or read from a file, not yet checked."""

    sample: int
    characteristic: Characteristic
    text: str
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class RawFinding:
    """A finding as typed, not yet checked."""

    code: str
    zone: str
    count: str
    sample: str
    row: int | None = None  # its row in the list, 1-based


@dataclass(frozen=True)
class FindingData:
    """A checked finding."""

    defect_code: DefectCode
    zone: str | None
    count: int
    sample: int


@dataclass
class ReadResult:
    """Checked values by (sample, characteristic id), and the errors met on the way."""

    values: dict[tuple[int, int], Value] = field(default_factory=dict)
    errors: list[EntryError] = field(default_factory=list)


def parse_number(text: str) -> Decimal:
    """A measured value from text: a point or a comma as decimal mark; raises ValueError with the reason."""
    compact = text.strip()
    if " " in compact or "\u00a0" in compact:
        compact = compact.replace(" ", "").replace("\u00a0", "")
    if not _NUMBER_RE.match(compact):
        raise ValueError(_("“%(text)s” is not a number. Type digits only, for example 12.05.", text=text))
    try:
        number = Decimal(compact.replace(",", ".") if "," in compact else compact)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(_("“%(text)s” is not a number.", text=text)) from None
    if places_of(number) > MAX_DECIMALS:
        raise ValueError(_("Use at most %(n)d digits after the decimal point.", n=MAX_DECIMALS))
    if abs(number) >= MAX_MAGNITUDE:
        raise ValueError(_("%(text)s is too large for a measurement.", text=text))
    return number


def places_of(value: Decimal) -> int:
    """Digits after the point as written: 71.000 → 3, 71 → 0."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_verdict(text: str) -> bool:
    """Pass (True) or fail (False) from the words inspectors use; raises ValueError otherwise."""
    word = text.strip().lower()
    if word in PASS_WORDS:
        return True
    if word in FAIL_WORDS:
        return False
    raise ValueError(_("“%(text)s” is not a result. Write pass or fail (OK or NG also work).", text=text))


def read_cell(characteristic: Characteristic, text: str) -> Value | None:
    """The value of one cell: None when blank; raises ValueError with a message for the user."""
    if not text.strip():
        return None
    if text.lstrip().startswith("="):
        raise ValueError(_("This cell holds a formula. Type the measured value itself."))
    if characteristic.kind == CharacteristicKind.ATTRIBUTE:
        return parse_verdict(text)
    return parse_number(text)


def read_cells(cells: Iterable[RawCell], sample_size: int) -> ReadResult:
    """Check every cell; a blank cell is left out (a draft may be incomplete)."""
    result = ReadResult()
    for cell in cells:
        if not 1 <= cell.sample <= sample_size:
            result.errors.append(
                EntryError(
                    _(
                        "Sample %(sample)d does not exist: this lot has samples 1 to %(n)d.",
                        sample=cell.sample,
                        n=sample_size,
                    ),
                    sample=cell.sample,
                    row=cell.row,
                    column=cell.column,
                )
            )
            continue
        try:
            value = read_cell(cell.characteristic, cell.text)
        except ValueError as error:
            result.errors.append(
                EntryError(str(error), cell.sample, cell.characteristic.code, cell.row, cell.column)
            )
            continue
        if value is not None:
            result.values[(cell.sample, cell.characteristic.id)] = value
    return result


def read_findings(
    rows: Iterable[RawFinding], sample_size: int, catalogue: dict[str, DefectCode], aql_classes: set[str]
) -> tuple[list[FindingData], list[EntryError]]:
    """Check the findings list; rows left wholly blank are dropped."""
    findings: list[FindingData] = []
    errors: list[EntryError] = []
    for raw in rows:
        if not any(part.strip() for part in (raw.code, raw.zone, raw.count, raw.sample)):
            continue
        problems: list[str] = []
        defect = catalogue.get(raw.code.strip().upper())
        if defect is None:
            problems.append(_("Choose a defect code from the catalogue."))
        elif defect.default_class not in aql_classes:
            problems.append(
                _(
                    "The standard sets no AQL for %(cls)s defects, so %(code)s cannot be recorded "
                    "on this lot.",
                    cls=class_word(defect.default_class),
                    code=defect.code,
                )
            )
        zone = raw.zone.strip().upper() or None
        if zone is not None and zone not in {"A", "B", "C"}:
            problems.append(_("The zone is A, B or C."))
        count = whole_number(raw.count or "1")
        if count is None or count < 1:
            problems.append(_("The count is a whole number of 1 or more."))
        sample = whole_number(raw.sample)
        if sample is None or not 1 <= sample <= sample_size:
            problems.append(_("Give the sample number, from 1 to %(n)d.", n=sample_size))
        if problems:
            errors.extend(EntryError(problem, row=raw.row) for problem in problems)
        else:
            assert defect is not None and count is not None and sample is not None
            findings.append(FindingData(defect, zone, count, sample))
    return findings, errors


def whole_number(text: str) -> int | None:
    """A sample number or count, or None; "4.0" is 4, as Excel stores whole numbers as floats."""
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() and len(text) <= 9 else None


def missing_values(
    present: set[tuple[int, int]], characteristics: Sequence[Characteristic], sample_size: int
) -> list[EntryError]:
    """An error for every (sample, characteristic) without a value: a submitted sample must be complete."""
    return [
        MissingValueError(_("No value yet."), sample, characteristic.code)
        for sample in range(1, sample_size + 1)
        for characteristic in characteristics
        if (sample, characteristic.id) not in present
    ]
