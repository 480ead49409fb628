"""The lots, SCAR steps and SCARs behind a card's figures, chosen by the same conditions as the KPIs.

Each list is one query and carries the totals that the KPI is computed from, so that a reader
can check the figure on the card against its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select

from app.extensions import db
from app.lots.models import CharacteristicResult, Lot, LotDataset, LotState
from app.parts.models import Part
from app.scars.models import Scar, ScarStep, StepSubmission
from app.scorecards import kpis
from app.scorecards.kpis import CPK_TARGET, Window
from app.scorecards.sql import days_between
from app.standards.models import Characteristic

LIMIT = 1000  # rows shown; a period of one supplier is far smaller in practice


class LotList(StrEnum):
    DECIDED = "decided"
    REJECTED = "rejected"
    CAPABILITY = "capability"


class ScarList(StrEnum):
    STEPS_DUE = "due"
    CLOSED = "closed"
    OPEN = "open"


@dataclass(frozen=True)
class LotLine:
    id: int
    lot_number: str
    part_number: str
    state: str
    decided_at: datetime
    lot_size: int
    sample_size: int
    nonconforming: int
    submissions: int
    capability_results: int
    capability_capable: int


def lots(supplier_id: int, span: Window, which: LotList) -> list[LotLine]:
    """The supplier's lots decided in the window (all, rejected, or with critical Cpk results)."""
    results = (
        select(
            CharacteristicResult.dataset_id,
            func.count().label("n"),
            func.count().filter(CharacteristicResult.cpk >= CPK_TARGET).label("capable"),
        )
        .join(Characteristic, Characteristic.id == CharacteristicResult.characteristic_id)
        .where(kpis.critical_variable(), CharacteristicResult.supplier_id == supplier_id)
        .group_by(CharacteristicResult.dataset_id)
        .subquery()
    )
    query = (
        select(
            Lot.id,
            Lot.lot_number,
            Part.part_number,
            Lot.state,
            Lot.decided_at,
            Lot.lot_size,
            Lot.sample_size,
            func.coalesce(LotDataset.nonconforming, 0),
            Lot.submissions,
            func.coalesce(results.c.n, 0),
            func.coalesce(results.c.capable, 0),
        )
        .join(Part, Part.id == Lot.part_id)
        .outerjoin(LotDataset, kpis.deciding_dataset())
        .outerjoin(results, results.c.dataset_id == LotDataset.id)
        .where(Lot.supplier_id == supplier_id, kpis.decided_in(span))
        .order_by(Lot.decided_at, Lot.id)
        .limit(LIMIT)
    )
    if which == LotList.REJECTED:
        query = query.where(Lot.state == LotState.REJECTED.value)
    elif which == LotList.CAPABILITY:
        query = query.where(results.c.n > 0)
    return [LotLine(*row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class StepLine:
    scar_id: int
    scar_number: str
    code: str
    due_on: date
    first_submitted_at: datetime | None
    on_time: bool


def steps_due(supplier_id: int, span: Window) -> list[StepLine]:
    """The 8D steps due in the window, with their first answer and whether it counted as on time."""
    first = (
        select(func.min(StepSubmission.submitted_at))
        .where(StepSubmission.step_id == ScarStep.id)
        .correlate(ScarStep)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Scar.id, Scar.number, ScarStep.code, ScarStep.due_on, first, kpis.answered_on_time())
        .join(Scar, Scar.id == ScarStep.scar_id)
        .where(ScarStep.supplier_id == supplier_id, kpis.step_due_in(span))
        .order_by(ScarStep.due_on, Scar.number, ScarStep.code)
        .limit(LIMIT)
    )
    return [StepLine(*row[:5], on_time=bool(row[5])) for row in rows]


@dataclass(frozen=True)
class ScarLine:
    id: int
    number: str
    title: str
    severity: str
    issued_on: date
    closed_at: datetime | None
    days_to_close: int | None
    overdue: bool


def scars(supplier_id: int, span: Window, which: ScarList) -> list[ScarLine]:
    """SCARs closed in the window (with their days to close) or open at its end (with overdue)."""
    condition = kpis.closed_in(span) if which == ScarList.CLOSED else kpis.open_at(span)
    rows = db.session.execute(
        select(
            Scar.id,
            Scar.number,
            Scar.title,
            Scar.severity,
            Scar.issued_on,
            Scar.closed_at,
            days_between(Scar.closed_at, Scar.issued_on),
            kpis.overdue_at(span),
        )
        .where(Scar.supplier_id == supplier_id, condition)
        .order_by(Scar.issued_on, Scar.number)
        .limit(LIMIT)
    )
    return [
        ScarLine(*row[:6], days_to_close=row[6] if which == ScarList.CLOSED else None, overdue=bool(row[7]))
        for row in rows
    ]
