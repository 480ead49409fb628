"""A lot's sampling plan: its revision's AQLs, level and scheme at the severities fixed at creation."""

from __future__ import annotations

from app.lots.models import Lot
from app.quality.sampling import CLASSES, LotPlan, lot_plan
from app.standards.models import StandardRevision


def plan_of(revision: StandardRevision, lot_size: int, severities: dict[str, str]) -> LotPlan:
    """The plan of a lot of `lot_size` inspected against `revision` at the given severities."""
    return lot_plan(
        lot_size,
        {cls: revision.aql_for(cls) for cls in CLASSES},
        level=revision.inspection_level,
        severities={cls: severities.get(cls, "normal") for cls in CLASSES if revision.aql_for(cls)},
        scheme=revision.scheme,
    )


def lot_plan_of(lot: Lot) -> LotPlan:
    """The stored lot's plan."""
    return plan_of(lot.revision, lot.lot_size, lot.severities)
