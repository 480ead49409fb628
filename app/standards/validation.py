"""The rules a standard revision must satisfy; the authoring form and the services both call these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from app.quality.sampling import AQLS, LEVELS, normalize_aql
from app.standards.models import CharacteristicKind, DefectClass, SamplingScheme, Zone


@dataclass(frozen=True)
class CharacteristicData:
    """One characteristic row as typed by the author (already converted to Python values)."""

    code: str
    name: str
    kind: str
    defect_class: str
    unit: str | None = None
    nominal: Decimal | None = None
    lsl: Decimal | None = None
    usl: Decimal | None = None
    method: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class RevisionSettings:
    """The sampling settings of a revision."""

    scheme: str = SamplingScheme.ISO
    inspection_level: str = "II"
    aql_critical: str | None = "0.065"
    aql_major: str | None = "0.65"
    aql_minor: str | None = "2.5"
    change_note: str = ""


def characteristic_problems(row: CharacteristicData) -> dict[str, str]:
    """Field name → message for everything wrong with one characteristic."""
    problems: dict[str, str] = {}
    if row.kind not in set(CharacteristicKind):
        problems["kind"] = _("Choose variable (measured) or attribute (pass/fail).")
    if row.defect_class not in set(DefectClass):
        problems["defect_class"] = _("Choose critical, major or minor.")
    if row.zone is not None and row.zone not in set(Zone):
        problems["zone"] = _("The zone is A, B or C.")
    if row.kind == CharacteristicKind.VARIABLE:
        if not row.unit:
            problems["unit"] = _("A measured characteristic needs a unit, for example mm.")
        if row.lsl is None and row.usl is None:
            problems["usl"] = _("Give at least one limit (lower or upper).")
    if row.lsl is not None and row.usl is not None and row.lsl >= row.usl:
        problems["usl"] = _("The upper limit must be above the lower limit.")
    elif row.nominal is not None and (
        (row.lsl is not None and row.nominal < row.lsl) or (row.usl is not None and row.nominal > row.usl)
    ):
        problems["nominal"] = _("The nominal value must lie within the limits.")
    return problems


def duplicate_codes(rows: list[CharacteristicData]) -> set[str]:
    """Codes used by more than one characteristic (compared without case)."""
    counts = Counter(row.code.strip().upper() for row in rows)
    return {code for code, n in counts.items() if n > 1}


def settings_problems(settings: RevisionSettings) -> dict[str, str]:
    """Field name → message for invalid sampling settings."""
    problems: dict[str, str] = {}
    if settings.scheme not in set(SamplingScheme):
        problems["scheme"] = _("Choose ISO 2859-1 or ANSI/ASQ Z1.4.")
    if settings.inspection_level not in LEVELS:
        problems["inspection_level"] = _("Choose an inspection level from the table.")
    for name in ("aql_critical", "aql_major", "aql_minor"):
        value = getattr(settings, name)
        if value is None:
            continue
        try:
            normalize_aql(value)
        except ValueError:
            problems[name] = _(
                "%(aql)s is not an AQL of the table. Use one of: %(allowed)s.",
                aql=value,
                allowed=", ".join(AQLS),
            )
    return problems
