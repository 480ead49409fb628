"""The inspection report of a decided lot: plain data gathered from the lot, then its PDF.

`lot_report` copies everything the report prints into frozen dataclasses of plain values, so
the template reads no ORM object (and issues no query while WeasyPrint runs). Times are printed
in UTC, so that a printed report reads the same wherever it is read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select

from app import svg
from app.clock import utcnow
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.lots import evaluation
from app.lots.forms import STATE_LABELS
from app.lots.models import CharacteristicResult, Lot, LotDataset
from app.lots.plans import lot_plan_of
from app.pdf import render_pdf, stylesheet
from app.reviews import charts, services
from app.reviews.forms import MEANING_LABELS
from app.reviews.models import Deviation, DeviationState, Signature
from app.users.forms import ROLE_LABELS

log = logging.getLogger(__name__)

DEVIATION_STATE_LABELS = {
    DeviationState.AWAITING: _l("Awaiting the second signature"),
    DeviationState.APPROVED: _l("Approved"),
    DeviationState.REFUSED: _l("Refused"),
}


@dataclass(frozen=True)
class Header:
    supplier_code: str
    supplier_name: str
    site: str
    part_number: str
    part_name: str
    lot_number: str
    lot_size: int
    production_date: str
    inspection_date: str
    inspector: str
    revision: int
    submission: int
    submitted_at: str


@dataclass(frozen=True)
class PlanRow:
    """One defect class of the sampling plan."""

    defect_class: str
    aql: str
    severity: str
    code_letter: str
    plan_letter: str
    sample_size: int
    accept: int
    reject: int


@dataclass(frozen=True)
class Plan:
    sample_size: int
    lot_size: int
    inspect_all: bool
    level: str
    scheme: str
    rows: tuple[PlanRow, ...]


@dataclass(frozen=True)
class ClassRow:
    """One defect class's result: nonconforming samples against Ac/Re."""

    defect_class: str
    sample_size: int
    nonconforming: int
    accept: int
    reject: int
    accepted: bool


@dataclass(frozen=True)
class CharacteristicRow:
    """One characteristic's statistics; `out_of_spec` is a share (0.02 is 2 %)."""

    code: str
    name: str
    kind: str
    unit: str
    lsl: str | None
    usl: str | None
    n: int
    failed: int
    mean: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None
    out_of_spec: float | None
    outside: bool
    cp: float | None
    cpk: float | None


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup
    spread_svg: Markup | None
    note: str
    violations: tuple[str, ...]
    words: tuple[str, ...] = ()  # words the printed charts leave out (svg.for_print), shown beside them


@dataclass(frozen=True)
class SignatureRow:
    name: str
    role: str
    signed_at: str
    meaning: str
    reason: str


@dataclass(frozen=True)
class DeviationRow:
    quantity: int
    expires_on: str
    state: str
    reason: str


@dataclass(frozen=True)
class LotReport:
    """Everything the lot inspection report prints, as plain values."""

    header: Header
    plan: Plan
    recommendation: str
    classes: tuple[ClassRow, ...]
    characteristics: tuple[CharacteristicRow, ...]
    flags: tuple[str, ...]
    charts: tuple[Chart, ...]
    state: str
    decision: str
    decided_at: str
    signatures: tuple[SignatureRow, ...]
    deviations: tuple[DeviationRow, ...]
    generated_at: str


def utc(value: datetime | None) -> str:
    """A timestamp in UTC as yyyy-MM-dd HH:mm ("" for none)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else ""


def _label(labels: Mapping[Any, object], value: str) -> str:
    """The translated label of a stored value (the value itself when it has none)."""
    return str(labels.get(value, value))


def lot_report(lot: Lot, *, with_charts: bool = True) -> LotReport:
    """The report of the lot's latest submission, its decision and every signature."""
    dataset = db.session.scalars(
        select(LotDataset).where(LotDataset.lot_id == lot.id, LotDataset.number == lot.submissions)
    ).one()
    stored = evaluation.stored(dataset)
    return LotReport(
        header=_header(lot, dataset),
        plan=_plan(lot),
        recommendation=str(dataset.recommendation or ""),
        classes=tuple(
            ClassRow(c.defect_class, c.sample_size, c.nonconforming, c.accept, c.reject, c.accepted)
            for c in stored.classes
        ),
        characteristics=tuple(_characteristic(r) for r in stored.characteristics),
        flags=tuple(sentence for _flag, sentence in stored.flags),
        charts=tuple(_chart(view) for view in charts.for_lot(lot)) if with_charts else (),
        state=str(lot.state),
        decision=_label(STATE_LABELS, lot.state),
        decided_at=utc(lot.decided_at),
        signatures=tuple(_signature(s) for s in services.signatures_of(lot)),
        deviations=tuple(_deviation(d) for d in services.deviations_of(lot)),
        generated_at=utc(utcnow()),
    )


def _header(lot: Lot, dataset: LotDataset) -> Header:
    return Header(
        supplier_code=lot.supplier.code,
        supplier_name=lot.supplier.legal_name,
        site=lot.site.name,
        part_number=lot.part.part_number,
        part_name=lot.part.name,
        lot_number=lot.lot_number,
        lot_size=lot.lot_size,
        production_date=lot.production_date.isoformat(),
        inspection_date=lot.inspection_date.isoformat(),
        inspector=lot.inspector.name,
        revision=lot.revision.number,
        submission=dataset.number,
        submitted_at=utc(dataset.submitted_at),
    )


def _plan(lot: Lot) -> Plan:
    plan = lot_plan_of(lot)
    return Plan(
        sample_size=lot.sample_size,
        lot_size=lot.lot_size,
        inspect_all=plan.inspect_all,
        level=lot.revision.inspection_level,
        scheme=lot.revision.scheme,
        rows=tuple(
            PlanRow(cls, p.aql, p.severity, p.code_letter, p.plan_letter, p.sample_size, p.accept, p.reject)
            for cls, p in plan.plans.items()
        ),
    )


def _characteristic(r: CharacteristicResult) -> CharacteristicRow:
    c = r.characteristic
    return CharacteristicRow(
        code=c.code,
        name=c.name,
        kind=str(c.kind),
        unit=c.unit or "",
        lsl=None if c.lsl is None else str(c.lsl),
        usl=None if c.usl is None else str(c.usl),
        n=r.n,
        failed=r.failed,
        mean=r.mean,
        sd=r.sd,
        minimum=r.minimum,
        maximum=r.maximum,
        out_of_spec=r.out_of_spec,
        outside=bool(r.below or r.above),
        cp=r.cp,
        cpk=r.cpk,
    )


def _chart(view: charts.ChartView) -> Chart:
    language = str(get_locale() or "en")
    location, words = svg.for_print(view.svg, language)
    spread, spread_words = svg.for_print(view.spread_svg, language) if view.spread_svg else (None, [])
    left_out = tuple(dict.fromkeys([*words, *spread_words]))
    return Chart(view.title, location, spread, view.note, tuple(view.violations), left_out)


def _signature(s: Signature) -> SignatureRow:
    return SignatureRow(
        name=s.signer_name,
        role=_label(ROLE_LABELS, s.signer_role),
        signed_at=utc(s.signed_at),
        meaning=_label(MEANING_LABELS, s.meaning),
        reason=s.reason,
    )


def _deviation(d: Deviation) -> DeviationRow:
    return DeviationRow(
        quantity=d.quantity,
        expires_on=d.expires_on.isoformat(),
        state=_label(DEVIATION_STATE_LABELS, d.state),
        reason=d.reason,
    )


def lot_report_pdf(lot: Lot, *, with_charts: bool = True) -> bytes:
    """The lot inspection report as an A4 PDF."""
    started = time.perf_counter()
    report = lot_report(lot, with_charts=with_charts)
    html = render_template("reports/lot.html", report=report)
    pdf = render_pdf(html, stylesheets=[stylesheet("report.css")])
    log.info(
        "inspection report of lot %s (%s): %d bytes in %.2f s",
        lot.id,
        lot.lot_number,
        len(pdf),
        time.perf_counter() - started,
    )
    return pdf
