"""The words of a scorecard, shared by its page and its PDF: KPI names, formulas, units."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_skeleton
from flask_babel import get_locale

from app.audit.texts import labels_fields
from app.i18n import lazy_gettext as _l
from app.i18n import number
from app.quality.scoring import Group, Kpi
from app.scorecards.periods import MONTH, Period

KPI_LABELS = {
    Kpi.LAR: _l("Lot acceptance rate"),
    Kpi.PPM: _l("Inspection PPM"),
    Kpi.FIRST_PASS: _l("First-pass rate"),
    Kpi.ON_TIME: _l("SCAR on-time rate"),
    Kpi.DAYS_TO_CLOSE: _l("Mean days to close a SCAR"),
    Kpi.CAPABILITY: _l("Capability (Cpk ≥ 1.33)"),
}

FORMULAS = {
    Kpi.LAR: _l(
        "Lots accepted ÷ lots decided in the period, %. A lot accepted on deviation counts as not accepted."
    ),
    Kpi.PPM: _l("Nonconforming sample units ÷ inspected sample units × 1,000,000, over the lots decided."),
    Kpi.FIRST_PASS: _l("Lots accepted without ever being returned for correction ÷ lots decided, %."),
    Kpi.ON_TIME: _l(
        "8D steps submitted by their due date ÷ steps due in the period, %. A late answer counts as late."
    ),
    Kpi.DAYS_TO_CLOSE: _l("Mean of (closing day - issue day) over the SCARs closed in the period."),
    Kpi.CAPABILITY: _l(
        "Results of critical variable characteristics with Cpk ≥ 1.33 ÷ results with a Cpk, one per "
        "characteristic per decided lot, %."
    ),
}

UNITS = {
    Kpi.LAR: "%",
    Kpi.PPM: "",
    Kpi.FIRST_PASS: "%",
    Kpi.ON_TIME: "%",
    Kpi.DAYS_TO_CLOSE: _l("days"),
    Kpi.CAPABILITY: "%",
}

GROUP_LABELS = {
    Group.QUALITY: _l("Quality"),
    Group.RESPONSIVENESS: _l("Responsiveness"),
    Group.CAPABILITY: _l("Capability"),
}

# The drill-down list behind each KPI: "lots" or "steps" or "scars", with its filter.
DRILL_DOWN = {
    Kpi.LAR: ("lots", "decided"),
    Kpi.PPM: ("lots", "decided"),
    Kpi.FIRST_PASS: ("lots", "decided"),
    Kpi.ON_TIME: ("steps", "due"),
    Kpi.DAYS_TO_CLOSE: ("scars", "closed"),
    Kpi.CAPABILITY: ("lots", "capability"),
}

NO_DATA = _l("no data")
SCORING_RULE = _l(
    "Each KPI scores 0-100 points on a straight line between its thresholds. The score is the weighted "
    "mean of the points of the KPIs with data (the weights of KPIs without data are left out and the "
    "rest renormalised). Grade A ≥ 90, B ≥ 80, C ≥ 70, D below."
)


def period_label(period: Period) -> str:
    """ "October 2026" (ja "2026年10月", vi "tháng 10 năm 2026"), "Q4 2026"."""
    if period.kind == MONTH:
        return str(format_skeleton("yMMMM", date(period.year, period.index, 1), locale=get_locale() or "en"))
    return str(_l("Q%(quarter)s %(year)s", quarter=period.index, year=period.year))


def kpi_value(kpi: Kpi | str, value: Any) -> str:
    """A KPI value as shown: "96.4 %", "1,250", "12.5 days", or "no data"."""
    if value is None:
        return str(NO_DATA)
    kpi = Kpi(kpi)
    if kpi == Kpi.PPM:
        return number(value, "#,##0")
    unit = UNITS[kpi]
    shown = number(value, "#,##0.0")
    return f"{shown} {unit}".strip()


# The trail describes changed rules and targets by their KPIs' names, and an early publication's reason.
labels_fields({kpi.value: label for kpi, label in KPI_LABELS.items()})
labels_fields({"early_reason": _l("Reason for publishing early")})
