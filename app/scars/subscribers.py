"""The SCAR domain's reactions: the effectiveness check counts decided lots; people are told."""

from __future__ import annotations

from app.events import subscribe
from app.lots.models import Lot
from app.notifications.models import NotificationKind
from app.scars import effectiveness, notices
from app.scars.models import Scar, ScarStep, StepSubmission


@subscribe("lot.decided")
def count_for_effectiveness(lot: Lot, reason: str) -> None:
    effectiveness.lot_decided(lot)


@subscribe("scar.issued")
def tell_supplier_issued(scar: Scar) -> None:
    notices.tell_supplier(scar, NotificationKind.SCAR_ISSUED)


@subscribe("scar.step_submitted")
def tell_issuer_submitted(step: ScarStep, submission: StepSubmission) -> None:
    """The engineer who raised the SCAR judges the step (any reviewer may)."""
    notices.tell_brand(step.scar, NotificationKind.SCAR_STEP_SUBMITTED, step=step.code)


@subscribe("scar.step_decided")
def tell_supplier_decided(step: ScarStep, submission: StepSubmission) -> None:
    accepted = submission.decision == "accepted"
    kind = NotificationKind.SCAR_STEP_ACCEPTED if accepted else NotificationKind.SCAR_STEP_RETURNED
    extra = {"message": submission.comment} if submission.comment else {}
    notices.tell_supplier(step.scar, kind, step=step.code, **extra)


@subscribe("scar.reopened")
def tell_both_sides_reopened(scar: Scar, lot: Lot) -> None:
    notices.tell_supplier(scar, NotificationKind.SCAR_REOPENED, lot_number=lot.lot_number)
    notices.tell_brand(scar, NotificationKind.SCAR_REOPENED, lot_number=lot.lot_number)
