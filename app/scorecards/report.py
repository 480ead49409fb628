"""A supplier scorecard as an A4 PDF, printed from the card's numbers alone (no database access).

The numbers dict (app.scorecards.cards) is the single source of the page, the PDF and the SHA-256,
so `render` takes it with its digest and version, and issues no query: a CLI batch, a background
worker or a request can print a frozen card anywhere. `scorecard_report` turns the numbers into
plain rows of printed words (labels, formatted values); the template only lays them out. Times
print in UTC, so that a printout reads the same wherever it is read; the footer of every page
carries the supplier, the period, the version, the generation time and the digest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app import svg
from app.i18n import lazy_gettext as _l
from app.i18n import number
from app.pdf import render_pdf, stylesheet
from app.quality.scoring import GROUPS, Group, Kpi
from app.reviews.report import utc
from app.scars.forms import SEVERITY_LABELS
from app.scorecards import charts, texts
from app.scorecards.periods import Period

log = logging.getLogger(__name__)

NONE = "—"

# The counts behind the KPIs, in the order the card prints them.
FIGURE_LABELS = {
    "lots_decided": _l("Lots decided"),
    "lots_accepted": _l("Lots accepted"),
    "lots_first_pass": _l("Accepted without a return"),
    "lots_on_deviation": _l("Lots accepted on deviation"),
    "lots_rejected": _l("Lots rejected"),
    "rejected_quantity": _l("Rejected quantity (pieces)"),
    "sample_units": _l("Sample units inspected"),
    "nonconforming_units": _l("Nonconforming sample units"),
    "capability_results": _l("Critical variable results with a Cpk"),
    "capability_capable": _l("… of them with Cpk ≥ 1.33"),
    "steps_due": _l("8D steps due"),
    "steps_on_time": _l("8D steps answered on time"),
    "scars_closed": _l("SCARs closed"),
    "days_to_close_total": _l("Days to close, summed"),
    "scars_open": _l("SCARs open"),
    "scars_overdue": _l("SCARs overdue"),
}


@dataclass(frozen=True)
class KpiRow:
    kpi: str
    label: str
    group: str
    value: str
    target: str
    points: str
    weight: int
    counted: bool  # False: no data, its weight is left out and the rest renormalised
    full_at: str
    zero_at: str
    formula: str


@dataclass(frozen=True)
class GroupRow:
    label: str
    weight: int


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str


@dataclass(frozen=True)
class ParetoRow:
    rank: int
    code: str
    description: str
    count: str
    lots: str
    cumulative: str


@dataclass(frozen=True)
class RejectedLotRow:
    lot_number: str
    part_number: str
    lot_size: str
    decided_on: str


@dataclass(frozen=True)
class ScarRow:
    number: str
    title: str
    severity: str
    issued_on: str
    overdue: bool


@dataclass(frozen=True)
class ScorecardReport:
    """Everything the scorecard PDF prints, as plain words."""

    supplier_code: str
    supplier_name: str
    period: str
    period_label: str
    version: str  # "Version 2" or "Draft — not published"
    published: bool
    as_of: str
    running: bool  # the period had not ended at as_of
    generated_at: str
    digest: str
    score: str
    grade: str
    kpis: tuple[KpiRow, ...]
    groups: tuple[GroupRow, ...]
    figures: tuple[FigureRow, ...]
    trend_svg: Markup
    pareto_svg: Markup
    pareto: tuple[ParetoRow, ...]
    rejected_lots: tuple[RejectedLotRow, ...]
    rejected_total: int
    open_scars: tuple[ScarRow, ...]
    open_total: int
    formulas: tuple[tuple[str, str], ...]
    scoring_rule: str


def _number(value: float | None, pattern: str = "#,##0") -> str:
    return NONE if value is None else number(value, pattern)


def _kpi_row(row: Mapping[str, Any]) -> KpiRow:
    kpi = Kpi(row["kpi"])
    value = row.get("value")
    target = row.get("target")
    return KpiRow(
        kpi=kpi.value,
        label=str(texts.KPI_LABELS[kpi]),
        group=str(texts.GROUP_LABELS[GROUPS[kpi]]),
        value=texts.kpi_value(kpi, value),
        target=NONE if target is None else texts.kpi_value(kpi, target),
        points=_number(row.get("points"), "0.0"),
        weight=int(row.get("weight") or 0),
        counted=value is not None,
        full_at=texts.kpi_value(kpi, row["full_at"]),
        zero_at=texts.kpi_value(kpi, row["zero_at"]),
        formula=str(texts.FORMULAS[kpi]),
    )


def _version(version: int | None) -> str:
    return str(_("Draft — not published") if version is None else _("Version %(n)d", n=version))


def _pareto_row(rank: int, code: Mapping[str, Any]) -> ParetoRow:
    return ParetoRow(
        rank=rank,
        code=str(code.get("code") or "") or _("Other"),
        description=str(code.get("description") or "") or _("all other codes"),
        count=_number(code.get("count")),
        lots=_number(code.get("lots")),
        cumulative=f"{_number(code.get('cumulative'), '0.0')} %",
    )


def scorecard_report(
    card: Mapping[str, Any], digest: str, version: int | None, generated_at: datetime
) -> ScorecardReport:
    """The printed words of a card, from its numbers only."""
    period = Period.parse(card["period"])
    if period is None:
        raise ValueError(f"not a period key: {card['period']!r}")
    as_of = datetime.fromisoformat(card["as_of"])
    figures: Mapping[str, int] = card.get("figures") or {}
    score = card.get("score")
    weights: Mapping[str, int] = card.get("weights") or {}
    return ScorecardReport(
        supplier_code=card["supplier"]["code"],
        supplier_name=card["supplier"]["name"],
        period=period.key,
        period_label=texts.period_label(period),
        version=_version(version),
        published=version is not None,
        as_of=utc(as_of),
        running=as_of < period.end,
        generated_at=utc(generated_at),
        digest=digest,
        score=str(texts.NO_DATA) if score is None else number(score, "0.0"),
        grade=card.get("grade") or "",
        kpis=tuple(_kpi_row(row) for row in card.get("kpis") or []),
        groups=tuple(GroupRow(str(texts.GROUP_LABELS[g]), int(weights.get(g.value, 0))) for g in Group),
        figures=tuple(FigureRow(str(label), _number(figures.get(k))) for k, label in FIGURE_LABELS.items()),
        trend_svg=_printable(charts.trend_chart(card)),
        pareto_svg=_printable(charts.pareto_chart(card)),
        pareto=tuple(_pareto_row(rank, code) for rank, code in enumerate(card.get("pareto") or [], 1)),
        rejected_lots=tuple(
            RejectedLotRow(lot["lot_number"], lot["part_number"], _number(lot["lot_size"]), lot["decided_on"])
            for lot in card.get("rejected_lots") or []
        ),
        rejected_total=int(figures.get("lots_rejected", 0)),
        open_scars=tuple(
            ScarRow(
                s["number"],
                s["title"],
                str(SEVERITY_LABELS.get(s["severity"], s["severity"])),
                s["issued_on"],
                bool(s["overdue"]),
            )
            for s in card.get("open_scars") or []
        ),
        open_total=int(figures.get("scars_open", 0)),
        formulas=tuple((str(texts.KPI_LABELS[kpi]), str(texts.FORMULAS[kpi])) for kpi in Kpi),
        scoring_rule=str(texts.SCORING_RULE),
    )


STYLESHEETS = ("report.css", "scorecard_report.css")


def report_html(card: Mapping[str, Any], digest: str, version: int | None, generated_at: datetime) -> str:
    """The card's printable HTML (standalone: the charts inline, no external asset)."""
    report = scorecard_report(card, digest, version, generated_at)
    return render_template("scorecards/report.html", report=report)


def render(card: Mapping[str, Any], digest: str, version: int | None, generated_at: datetime) -> bytes:
    """The scorecard as an A4 PDF, from the card's numbers (version None: a live draft)."""
    started = time.perf_counter()
    html = report_html(card, digest, version, generated_at)
    pdf = render_pdf(html, stylesheets=[stylesheet(name) for name in STYLESHEETS])
    log.info(
        "scorecard of %s for %s (%s): %d bytes in %.2f s",
        card["supplier"]["code"],
        card["period"],
        "draft" if version is None else f"v{version}",
        len(pdf),
        time.perf_counter() - started,
    )
    return pdf


def _printable(chart: Markup) -> Markup:
    """The chart as WeasyPrint prints it in the reader's language (svg.for_print); the words it leaves
    out (Thai "no data") are said by the figure's caption."""
    printable, _words = svg.for_print(chart, str(get_locale() or "en"))
    return printable
