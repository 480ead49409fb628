"""The scorecard KPIs of every supplier for a period: five aggregate queries, whatever the lot count.

Definitions (SPEC.md §7, NOTES.md §4.1), over a window from the period's start to its `as_of`
(the period's end, or now while it runs), all in UTC:

- the period's lots are those *decided* in the window (accepted, rejected, accepted on deviation),
  each counted once, with its deciding submission (the last one);
- LAR = accepted ÷ decided, % (accepted on deviation counts as not accepted; a lot returned for
  correction and then accepted counts as accepted: a return corrects data, it is not a
  re-inspection);
- inspection PPM = nonconforming sample units ÷ inspected sample units x 10⁶ (each sample
  counted once across classes);
- rejected quantity = the lot sizes of the rejected lots;
- first-pass rate = accepted with one submission (never returned) ÷ decided, %;
- capability = critical variable characteristic results with Cpk ≥ 1.33 ÷ those with a Cpk, %,
  one result per characteristic per decided lot;
- SCAR on-time rate = 8D steps submitted by their due date ÷ steps whose due date fell in the
  window and is over (a late answer counts as late; after a SCAR reopens, only answers sent
  after the reopening count for D4-D8);
- mean days to close = mean(UTC day of closing - day of issue) over SCARs closed in the window;
- open and overdue SCARs at `as_of` (overdue: a step past its due date and not accepted then, as
  on the SCAR list).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select

from app.extensions import db
from app.lots.models import CharacteristicResult, Lot, LotDataset, LotState
from app.quality.scoring import Kpi
from app.scars.models import REOPENED_STEPS, Scar, ScarLot, ScarStep, StepSubmission
from app.scorecards.sql import days_between, utc_date
from app.standards.models import Characteristic, CharacteristicKind, DefectClass

CPK_TARGET = 1.33


@dataclass(frozen=True)
class Window:
    """From `start` (inclusive) to `as_of` (exclusive), UTC."""

    start: datetime
    as_of: datetime

    @property
    def last_day(self) -> Any:
        """The last calendar day (UTC) the window touches."""
        return (self.as_of - timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class Figures:
    """The counts behind one supplier's KPIs in one window (all zero: no data)."""

    lots_decided: int = 0
    lots_accepted: int = 0
    lots_first_pass: int = 0
    lots_rejected: int = 0
    lots_on_deviation: int = 0
    rejected_quantity: int = 0
    sample_units: int = 0
    nonconforming_units: int = 0
    capability_results: int = 0
    capability_capable: int = 0
    steps_due: int = 0
    steps_on_time: int = 0
    scars_closed: int = 0
    days_to_close_total: int = 0
    scars_open: int = 0
    scars_overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def values(self) -> dict[Kpi, float | None]:
        """Each scored KPI's value; None ("no data") when its denominator is zero."""
        return {
            Kpi.LAR: _percent(self.lots_accepted, self.lots_decided),
            Kpi.PPM: _ratio(self.nonconforming_units * 1_000_000, self.sample_units, 0),
            Kpi.FIRST_PASS: _percent(self.lots_first_pass, self.lots_decided),
            Kpi.ON_TIME: _percent(self.steps_on_time, self.steps_due),
            Kpi.DAYS_TO_CLOSE: _ratio(self.days_to_close_total, self.scars_closed, 1),
            Kpi.CAPABILITY: _percent(self.capability_capable, self.capability_results),
        }


def _ratio(numerator: int, denominator: int, places: int) -> float | None:
    return round(numerator / denominator, places) if denominator else None


def _percent(part: int, whole: int) -> float | None:
    return _ratio(100 * part, whole, 1)


# --- Which rows count: shared by the aggregates and by the drill-down lists --------------------


def decided_in(window: Window) -> ColumnElement[bool]:
    return (
        Lot.state.in_(
            [state.value for state in (LotState.ACCEPTED, LotState.REJECTED, LotState.ACCEPTED_ON_DEVIATION)]
        )
        & (Lot.decided_at >= window.start)
        & (Lot.decided_at < window.as_of)
    )


def deciding_dataset() -> ColumnElement[bool]:
    return (LotDataset.lot_id == Lot.id) & (LotDataset.number == Lot.submissions)


def critical_variable() -> ColumnElement[bool]:
    return (
        (Characteristic.kind == CharacteristicKind.VARIABLE.value)
        & (Characteristic.defect_class == DefectClass.CRITICAL.value)
        & CharacteristicResult.cpk.is_not(None)
    )


def step_due_in(window: Window) -> ColumnElement[bool]:
    """Steps whose due date is in the window and over (a step due today is not late yet)."""
    return (ScarStep.due_on >= window.start.date()) & (ScarStep.due_on < window.as_of.date())


def answered_on_time() -> ColumnElement[bool]:
    last_reopening = (
        select(func.max(ScarLot.created_at))
        .where(ScarLot.scar_id == ScarStep.scar_id, ScarLot.role == "reopened")
        .correlate(ScarStep)  # the counted step's own SCAR, not any reopened SCAR
        .scalar_subquery()
    )
    return exists().where(
        StepSubmission.step_id == ScarStep.id,
        utc_date(StepSubmission.submitted_at) <= ScarStep.due_on,
        or_(
            ScarStep.code.not_in(REOPENED_STEPS),
            last_reopening.is_(None),
            StepSubmission.submitted_at > last_reopening,
        ),
    )


def closed_in(window: Window) -> ColumnElement[bool]:
    return (Scar.closed_at >= window.start) & (Scar.closed_at < window.as_of)


def open_at(window: Window) -> ColumnElement[bool]:
    return (Scar.issued_on <= window.last_day) & (Scar.closed_at.is_(None) | (Scar.closed_at >= window.as_of))


def overdue_at(window: Window) -> ColumnElement[bool]:
    return exists().where(
        ScarStep.scar_id == Scar.id,
        ScarStep.due_on < window.as_of.date(),
        ScarStep.accepted_at.is_(None) | (ScarStep.accepted_at >= window.as_of),
    )


# --- The five aggregates ----------------------------------------------------------------------


def _lots(window: Window) -> Select[Any]:
    accepted = Lot.state == LotState.ACCEPTED.value
    rejected = Lot.state == LotState.REJECTED.value
    return (
        select(
            Lot.supplier_id,
            func.count().label("lots_decided"),
            func.count().filter(accepted).label("lots_accepted"),
            func.count().filter(accepted & (Lot.submissions == 1)).label("lots_first_pass"),
            func.count().filter(rejected).label("lots_rejected"),
            func.count().filter(Lot.state == LotState.ACCEPTED_ON_DEVIATION.value).label("lots_on_deviation"),
            func.coalesce(func.sum(Lot.lot_size).filter(rejected), 0).label("rejected_quantity"),
            func.coalesce(func.sum(Lot.sample_size), 0).label("sample_units"),
            func.coalesce(func.sum(LotDataset.nonconforming), 0).label("nonconforming_units"),
        )
        .outerjoin(LotDataset, deciding_dataset())
        .where(decided_in(window))
        .group_by(Lot.supplier_id)
    )


def _capability(window: Window) -> Select[Any]:
    return (
        select(
            Lot.supplier_id,
            func.count().label("capability_results"),
            func.count().filter(CharacteristicResult.cpk >= CPK_TARGET).label("capability_capable"),
        )
        .join(LotDataset, deciding_dataset())
        .join(CharacteristicResult, CharacteristicResult.dataset_id == LotDataset.id)
        .join(Characteristic, Characteristic.id == CharacteristicResult.characteristic_id)
        .where(decided_in(window), critical_variable())
        .group_by(Lot.supplier_id)
    )


def _steps(window: Window) -> Select[Any]:
    return (
        select(
            ScarStep.supplier_id,
            func.count().label("steps_due"),
            func.count().filter(answered_on_time()).label("steps_on_time"),
        )
        .where(step_due_in(window))
        .group_by(ScarStep.supplier_id)
    )


def _closed(window: Window) -> Select[Any]:
    return (
        select(
            Scar.supplier_id,
            func.count().label("scars_closed"),
            func.coalesce(func.sum(days_between(Scar.closed_at, Scar.issued_on)), 0).label(
                "days_to_close_total"
            ),
        )
        .where(closed_in(window))
        .group_by(Scar.supplier_id)
    )


def _open(window: Window) -> Select[Any]:
    return (
        select(
            Scar.supplier_id,
            func.count().label("scars_open"),
            func.count().filter(overdue_at(window)).label("scars_overdue"),
        )
        .where(open_at(window))
        .group_by(Scar.supplier_id)
    )


def figures(window: Window, supplier_ids: Collection[int] | None = None) -> dict[int, Figures]:
    """Every supplier's figures in the window (suppliers without any row are left out)."""
    found: dict[int, dict[str, int]] = {}
    for query in (_lots(window), _capability(window), _steps(window), _closed(window), _open(window)):
        owner = query.selected_columns[0]
        if supplier_ids is not None:
            query = query.where(owner.in_(list(supplier_ids)))
        for row in db.session.execute(query).mappings():
            counts = found.setdefault(row["supplier_id"], {})
            counts.update({key: int(value) for key, value in row.items() if key != "supplier_id"})
    return {supplier_id: Figures(**counts) for supplier_id, counts in found.items()}


def figures_of(supplier_id: int, window: Window) -> Figures:
    return figures(window, [supplier_id]).get(supplier_id, Figures())
