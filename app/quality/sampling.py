"""Single sampling by attributes, ISO 2859-1:1999 and ANSI/ASQ Z1.4: normal, tightened, reduced.

Reading a plan (NOTES 1.2): the lot size and inspection level give the code letter (Table I); the
code letter and AQL give a master-table cell; an arrow in that cell is followed to the row where a
plan is printed, and the whole plan (sample size, Ac, Re) is taken from that row. A sample size
equal to or larger than the lot size means 100 % inspection (`inspect_all`).

Judging (`judge`): accept when d <= Ac, reject when d >= Re. Only Z1.4 reduced plans can have
Re > Ac + 1; a result Ac < d < Re then accepts the lot but sends the next lot back to normal
inspection (`Verdict.ACCEPT_RETURN_TO_NORMAL`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from app.quality import _tables

AQLS: tuple[str, ...] = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
    "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65",
    "100", "150", "250", "400", "650", "1000",
)  # fmt: skip
LEVELS: tuple[str, ...] = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
SEVERITIES: tuple[str, ...] = ("normal", "tightened", "reduced")
SCHEMES: tuple[str, ...] = ("iso2859-1", "ansi-z14")
CLASSES: tuple[str, ...] = ("critical", "major", "minor")

AqlLike = str | float | Decimal


class Verdict(StrEnum):
    """Outcome of judging one sample against a plan."""

    ACCEPT = "accept"
    ACCEPT_RETURN_TO_NORMAL = "accept_return_to_normal"  # Z1.4 reduced gap: Ac < d < Re
    REJECT = "reject"

    @property
    def accepted(self) -> bool:
        """Return True when the lot is accepted (including the Z1.4 gap acceptance)."""
        return self is not Verdict.REJECT


@dataclass(frozen=True)
class SamplingPlan:
    """A resolved single sampling plan plus the inputs and steps that led to it."""

    code_letter: str  # from lot size and level (Table I)
    plan_letter: str  # row where the plan is printed, after following the arrow
    sample_size: int
    accept: int
    reject: int
    inspect_all: bool  # sample_size >= lot_size: inspect 100 %
    lot_size: int
    aql: str  # normalised, as printed in the table (e.g. "0.65")
    level: str
    severity: str
    scheme: str
    arrow: str | None  # "down", "up" or None when the plan is printed in the code letter's row
    letter_sample_size: int  # n of the code letter for this severity, before the arrow

    @property
    def aql_value(self) -> Decimal:
        """Return the AQL as a Decimal."""
        return Decimal(self.aql)

    @property
    def has_gap(self) -> bool:
        """Return True for a Z1.4 reduced plan with Re > Ac + 1."""
        return self.reject > self.accept + 1


@dataclass(frozen=True)
class LotPlan:
    """Plans of all defect classes of one lot; the lot's sample is the largest n of its classes."""

    lot_size: int
    sample_size: int
    inspect_all: bool
    plans: dict[str, SamplingPlan]


def _allowed(values: tuple[str, ...]) -> str:
    """Format allowed values for an error message."""
    return ", ".join(values)


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """Return value if it is one of allowed, else raise ValueError naming both."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} {value!r} is unknown; allowed: {_allowed(allowed)}")
    return value


@cache
def _aql_lookup() -> dict[Decimal, str]:
    """Map each AQL's numeric value to its printed form."""
    return {Decimal(aql): aql for aql in AQLS}


def normalize_aql(aql: AqlLike) -> str:
    """Return the AQL as printed in the table ("0.650" -> "0.65"); ValueError if not in it."""
    bad = ValueError(f"AQL {aql} is not in the table; allowed: {_allowed(AQLS)}")
    if isinstance(aql, bool) or not isinstance(aql, str | int | float | Decimal):
        raise bad
    try:
        value = Decimal(str(aql).strip())
    except InvalidOperation:
        raise bad from None
    if not value.is_finite() or value not in _aql_lookup():
        raise bad
    return _aql_lookup()[value]


def tighter_aql(aql: AqlLike) -> str | None:
    """Return the next more stringent AQL in the table, or None for the most stringent one."""
    index = AQLS.index(normalize_aql(aql))
    return AQLS[index - 1] if index > 0 else None


def _check_lot_size(lot_size: object) -> int:
    """Return lot_size if it is an int of at least 2, else raise ValueError."""
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or lot_size < 2:
        raise ValueError(f"lot size {lot_size!r} is not allowed; allowed: an integer of 2 or more")
    return lot_size


def code_letter(lot_size: int, level: str = "II") -> str:
    """Return the sample-size code letter for a lot size and inspection level (Table I)."""
    _check_lot_size(lot_size)
    _check_choice("level", level, LEVELS)
    for row in _tables.code_letter_ranges():
        if row.lot_max is None or lot_size <= row.lot_max:
            return row.letters[level]
    raise AssertionError("Table I has no open-ended last row")  # pragma: no cover


def plan_for(
    lot_size: int,
    aql: AqlLike,
    *,
    level: str = "II",
    severity: str = "normal",
    scheme: str = "iso2859-1",
) -> SamplingPlan:
    """Return the single sampling plan for a lot, AQL, level, severity and scheme."""
    letter = code_letter(lot_size, level)
    printed = normalize_aql(aql)
    _check_choice("severity", severity, SEVERITIES)
    _check_choice("scheme", scheme, SCHEMES)
    cell = _tables.plan_table(severity, scheme)[(letter, printed)]
    return SamplingPlan(
        code_letter=letter,
        plan_letter=cell.letter,
        sample_size=cell.sample_size,
        accept=cell.accept,
        reject=cell.reject,
        inspect_all=cell.sample_size >= lot_size,
        lot_size=lot_size,
        aql=printed,
        level=level,
        severity=severity,
        scheme=scheme,
        arrow={"DOWN": "down", "UP": "up"}.get(cell.table_cell),
        letter_sample_size=cell.letter_sample_size,
    )


def judge(plan: SamplingPlan, nonconforming: int) -> Verdict:
    """Judge a sample: ACCEPT if d <= Ac, REJECT if d >= Re, else ACCEPT_RETURN_TO_NORMAL."""
    if isinstance(nonconforming, bool) or not isinstance(nonconforming, int) or nonconforming < 0:
        allowed = "an integer of 0 or more"
        raise ValueError(f"nonconforming count {nonconforming!r} is not allowed; allowed: {allowed}")
    if nonconforming <= plan.accept:
        return Verdict.ACCEPT
    if nonconforming >= plan.reject:
        return Verdict.REJECT
    return Verdict.ACCEPT_RETURN_TO_NORMAL


def _class_severity(severities: Mapping[str, str] | str, cls: str) -> str:
    """Return the severity of one class from a single severity or a per-class mapping."""
    if isinstance(severities, str):
        return severities
    if cls not in severities:
        raise ValueError(f"no severity given for class {cls!r}; allowed: {_allowed(SEVERITIES)}")
    return severities[cls]


def lot_plan(
    lot_size: int,
    aqls: Mapping[str, AqlLike | None],
    *,
    level: str = "II",
    severities: Mapping[str, str] | str = "normal",
    scheme: str = "iso2859-1",
) -> LotPlan:
    """Return each class's plan; the lot's sample is the largest n, each class keeps its Ac/Re."""
    for cls in [*aqls, *([] if isinstance(severities, str) else severities)]:
        _check_choice("class", cls, CLASSES)
    plans = {
        cls: plan_for(lot_size, aql, level=level, severity=_class_severity(severities, cls), scheme=scheme)
        for cls in CLASSES
        if (aql := aqls.get(cls)) is not None
    }
    if not plans:
        raise ValueError(f"no class has an AQL; allowed classes: {_allowed(CLASSES)}")
    sample_size = max(plan.sample_size for plan in plans.values())
    return LotPlan(
        lot_size=lot_size,
        sample_size=sample_size,
        inspect_all=sample_size >= lot_size,
        plans=plans,
    )
