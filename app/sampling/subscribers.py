"""The switching rules follow the lots: each decided lot's class results move its severities."""

from __future__ import annotations

from sqlalchemy import select

from app.events import subscribe
from app.extensions import db
from app.lots.models import ClassResult, Lot, LotDataset
from app.lots.plans import lot_plan_of
from app.sampling import services


@subscribe("lot.decided")
def advance_switching(lot: Lot, reason: str) -> None:
    """Feed each class's sample result into its switching rules, once per lot, when it is decided.

    The rules count each class's original inspection as the plan judged it (NOTES.md): a lot on
    deviation or rejected by the reviewer leaves its class results as they were measured.
    """
    deciding = select(LotDataset.id).where(LotDataset.lot_id == lot.id, LotDataset.number == lot.submissions)
    results = {
        r.defect_class: r.nonconforming
        for r in db.session.scalars(
            select(ClassResult).where(ClassResult.dataset_id == deciding.scalar_subquery())
        )
    }
    for defect_class, class_plan in sorted(lot_plan_of(lot).plans.items()):
        if defect_class not in results:
            continue
        record = services.record_for(lot.supplier_id, lot.part_id, defect_class)
        if record.discontinued:
            continue  # inspection was discontinued after this lot was made: nothing to advance
        if record.severity != class_plan.severity:
            # The class switched after this lot was inspected: the lot belongs to the run of lots of
            # its own severity, which has ended; it does not move the state of the new one.
            continue
        services.apply_lot_result(
            lot.supplier_id, lot.part_id, defect_class, class_plan, results[defect_class]
        )
