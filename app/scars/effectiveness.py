"""After D8: the next lots of the part tell whether the fix held; the SCAR closes or reopens at D4."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.audit.services import record, snapshot
from app.clock import utcnow
from app.events import emit
from app.extensions import db
from app.lots.models import Lot, LotState
from app.scars.deadlines import policy_for, stage_days
from app.scars.models import (
    REOPENED_STEPS,
    Scar,
    ScarLot,
    ScarState,
)
from app.scars.states import SCAR_FIELDS, move_step

# --- Effectiveness check -----------------------------------------------------------------------


def lot_decided(lot: Lot) -> None:
    """On `lot.decided` (app/scars/subscribers.py): the verifying SCARs of its supplier and part count it."""
    scars = db.session.scalars(
        select(Scar).where(
            Scar.supplier_id == lot.supplier_id,
            Scar.part_id == lot.part_id,
            Scar.state == ScarState.VERIFYING,
        )
    ).all()
    for scar in scars:
        if lot.state == LotState.ACCEPTED:
            _link(scar, lot, "verified")
            if _verified_lots(scar) >= scar.effectiveness_lots:
                _close(scar)
        else:  # rejected, or accepted only on deviation: the fix did not hold
            reopen(scar, lot)


def _link(scar: Scar, lot: Lot, role: str) -> None:
    exists = db.session.scalar(select(ScarLot.id).where(ScarLot.scar_id == scar.id, ScarLot.lot_id == lot.id))
    if exists is None:
        db.session.add(ScarLot(supplier_id=scar.supplier_id, scar_id=scar.id, lot_id=lot.id, role=role))
        db.session.flush()


def _verified_lots(scar: Scar) -> int:
    return (
        db.session.scalar(
            select(func.count(ScarLot.id))
            .join(Lot, Lot.id == ScarLot.lot_id)
            .where(
                ScarLot.scar_id == scar.id, ScarLot.role == "verified", Lot.decided_at >= scar.verifying_since
            )
        )
        or 0
    )


def _close(scar: Scar) -> None:
    before = snapshot(scar, SCAR_FIELDS)
    scar.state, scar.closed_at = ScarState.CLOSED, utcnow()
    record(
        "scar.closed_effective",
        scar,
        before=before,
        after={**snapshot(scar, SCAR_FIELDS), "lots": scar.effectiveness_lots},
    )


def reopen(scar: Scar, lot: Lot) -> None:
    """A lot failed after D8: the SCAR reopens at D4 with new due dates, and both sides are told."""
    before = snapshot(scar, SCAR_FIELDS)
    scar.state, scar.verifying_since, scar.reopened = ScarState.OPEN, None, scar.reopened + 1
    _link(scar, lot, "reopened")
    today = utcnow().date()
    policy = policy_for(scar.severity)
    # The new due dates keep the stages' spacing, counted from today as if containment were done.
    dates = {
        code: today + timedelta(days=stage_days(policy, code) - policy.containment_days)
        for code in REOPENED_STEPS
    }
    for step in scar.steps:
        if step.code in dates:
            move_step(step, "reopen", changes={"accepted_at": None, "due_on": dates[step.code]})
    record(
        "scar.reopened",
        scar,
        before=before,
        after={**snapshot(scar, SCAR_FIELDS), "lot": lot.id, "lot_number": lot.lot_number},
    )
    emit("scar.reopened", scar=scar, lot=lot)
