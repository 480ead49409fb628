"""Reviewing a lot: claim it, then decide with an electronic signature; deviations take two.

Each operation checks the lot's `version` that the user saw, so that of two reviewers deciding
at once exactly one wins and the other is told the lot changed (`LotChangedError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import record, snapshot
from app.auth.models import QUALITY_MANAGERS, User, holds
from app.auth.services import check_signature_password
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot, LotDataset, LotState
from app.lots.states import REVIEW_FIELDS as LOT_FIELDS
from app.lots.states import LotChangedError, move
from app.reviews import notices, policy
from app.reviews.models import Deviation, DeviationState, Meaning, Signature
from app.rules import RuleError

# Who may review and decide lots; a quality manager also gives deviations their second signature.
REASON_LENGTH = 2000


class Decision(StrEnum):
    """What a reviewer can decide on a claimed lot."""

    ACCEPT = "accept"
    REJECT = "reject"
    RETURN = "return"


# Each decision's move through the lot's state machine (app/lots/states.py) and its signature.
DECISION_EFFECTS = {
    Decision.ACCEPT: ("accept", Meaning.APPROVED),
    Decision.REJECT: ("reject", Meaning.REJECTED),
    Decision.RETURN: ("return", Meaning.RETURNED),
}


def goes_against(decision: Decision, recommendation: str | None) -> bool:
    """Whether a decision contradicts the evaluation: accepting what it rejects, or rejecting what it accepts.

    Returning the lot for correction decides nothing, so it never goes against the recommendation.
    """
    return (decision == Decision.ACCEPT and recommendation == "reject") or (
        decision == Decision.REJECT and recommendation == "accept"
    )


@dataclass(frozen=True)
class DeviationInput:
    reason: str
    quantity: int
    expires_on: date


# --- Checks ------------------------------------------------------------------------------------


def _check_reviewer(user: User) -> None:
    # Internal staff only: a user never decides lots of their own organisation.
    if not policy.is_reviewer(user):
        raise RuleError(_("Only the brand's reviewers and quality managers decide lots."))


def _check_version(lot: Lot, version: int | None) -> None:
    if version is not None and lot.version != version:
        raise LotChangedError()


def _check_claimed_by(lot: Lot, user: User) -> None:
    if lot.state == LotState.SUBMITTED:
        raise RuleError(_("Claim the lot before deciding it."))
    if lot.state != LotState.IN_REVIEW:
        raise LotChangedError()  # decided or returned meanwhile
    if lot.reviewer_id != user.id:
        raise RuleError(
            _("%(name)s is reviewing this lot; only they can decide it.", name=lot.reviewer.name)
            if lot.reviewer
            else _("Claim the lot before deciding it.")
        )


def _required_text(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleError(message, field)
    if len(text) > REASON_LENGTH:
        raise RuleError(_("Use at most %(max)d characters.", max=REASON_LENGTH), field)
    return text


def _against_message(recommendation: str | None) -> str:
    if recommendation == "accept":
        return _(
            "The evaluation recommends accepting this lot. To reject it, tick the box to confirm that "
            "you decide against the recommendation."
        )
    return _(
        "The evaluation recommends rejecting this lot. To accept it, tick the box to confirm that "
        "you decide against the recommendation."
    )


def _check_password(user: User, password: str, address: str) -> None:
    if not check_signature_password(user, password, address):
        raise RuleError(
            _("The password is not correct, so nothing was signed. Enter your own sign-in password."),
            "password",
        )


def _write_lot(lot: Lot) -> None:
    """Flush the lot's change first, as `UPDATE … WHERE version = seen`: no row means it changed."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise LotChangedError() from None


def _sign(lot: Lot, user: User, meaning: Meaning, reason: str, *, against: bool = False) -> Signature:
    signature = Signature(
        supplier_id=lot.supplier_id,
        lot_id=lot.id,
        dataset_id=_latest_dataset_id(lot),
        signer_id=user.id,
        signer_name=user.name,
        signer_role=user.role,
        signed_at=utcnow(),
        meaning=meaning,
        reason=reason,
        against_recommendation=against,
    )
    db.session.add(signature)
    db.session.flush()
    return signature


def _signed(signature: Signature) -> dict[str, object]:
    return {
        "signature": signature.id,
        "signer": signature.signer_name,
        "meaning": signature.meaning,
        "reason": signature.reason,
        "submission": lot_submission(signature),
        **({"against_recommendation": True} if signature.against_recommendation else {}),
    }


def lot_submission(signature: Signature) -> int | None:
    dataset = db.session.get(LotDataset, signature.dataset_id) if signature.dataset_id else None
    return dataset.number if dataset else None


def _latest_dataset_id(lot: Lot) -> int | None:
    return db.session.scalar(
        select(LotDataset.id).where(LotDataset.lot_id == lot.id, LotDataset.number == lot.submissions)
    )


# --- Claim -------------------------------------------------------------------------------------


def claim(lot: Lot, user: User, version: int | None = None) -> None:
    """Take a submitted lot into review: it is `in_review` and assigned to `user`."""
    _check_reviewer(user)
    _check_version(lot, version)
    if lot.state != LotState.SUBMITTED:
        if lot.state == LotState.IN_REVIEW and lot.reviewer_id == user.id:
            return
        raise LotChangedError()
    move(
        lot,
        "claim",
        actor_id=user.id,
        changes={"reviewer_id": user.id, "claimed_at": utcnow()},
        write=_write_lot,
    )


def release(lot: Lot, user: User, version: int | None = None) -> None:
    """Give a claimed lot back to the queue (its reviewer, or a quality manager)."""
    _check_reviewer(user)
    _check_version(lot, version)
    if lot.state != LotState.IN_REVIEW:
        raise LotChangedError()
    if not policy.can_release(user, lot, None):
        raise RuleError(_("Only the reviewer of this lot or a quality manager can release it."))
    if awaiting_deviation(lot) is not None:
        raise RuleError(_("A deviation of this lot waits for its second signature; it cannot be released."))
    move(
        lot, "release", actor_id=user.id, changes={"reviewer_id": None, "claimed_at": None}, write=_write_lot
    )


# --- Decisions ---------------------------------------------------------------------------------


def decide(
    lot: Lot,
    user: User,
    decision: Decision,
    *,
    reason: str,
    password: str,
    version: int | None,
    address: str = "",
    acknowledged: bool = False,
) -> Signature:
    """Accept, reject or return a claimed lot, signed with the reviewer's password.

    A decision against the recommendation of the lot's latest submission needs `acknowledged`, and
    its signature and audit event say so.
    """
    _check_reviewer(user)
    _check_version(lot, version)
    _check_claimed_by(lot, user)
    if awaiting_deviation(lot) is not None:
        raise RuleError(_("A deviation of this lot waits for a quality manager's second signature."))
    if decision == Decision.REJECT:
        reason = _required_text(reason, "reason", _("Give the reason for rejecting the lot."))
    elif decision == Decision.RETURN:
        reason = _required_text(
            reason, "reason", _("Tell the supplier what to correct: this message is sent to them.")
        )
    else:
        reason = (reason or "").strip()[:REASON_LENGTH]
    against = goes_against(decision, lot.recommendation)
    if against and not acknowledged:
        raise RuleError(_against_message(lot.recommendation), "acknowledge")
    _check_password(user, password, address)
    transition, meaning = DECISION_EFFECTS[decision]
    changes = (
        {"reviewer_id": None, "claimed_at": None} if decision == Decision.RETURN else {"decided_at": utcnow()}
    )
    signature = _sign(lot, user, meaning, reason, against=against)
    move(
        lot,
        transition,
        actor_id=user.id,
        changes=changes,
        details=_signed(signature),
        event={"reason": reason},
        write=_write_lot,
    )
    return signature


def request_deviation(
    lot: Lot, user: User, data: DeviationInput, *, password: str, version: int | None, address: str = ""
) -> Deviation:
    """First signature of an acceptance on deviation; it takes effect with a quality manager's second."""
    _check_reviewer(user)
    _check_version(lot, version)
    _check_claimed_by(lot, user)
    if awaiting_deviation(lot) is not None:
        raise RuleError(_("A deviation of this lot already waits for its second signature."))
    reason = _required_text(data.reason, "reason", _("Give the reason for accepting the lot on deviation."))
    if data.quantity is None or not 0 < data.quantity <= lot.lot_size:
        raise RuleError(
            _("The quantity must be between 1 and the lot size (%(size)d).", size=lot.lot_size), "quantity"
        )
    if data.expires_on is None or data.expires_on <= utcnow().date():
        raise RuleError(_("The deviation must expire after today."), "expires_on")
    _check_password(user, password, address)
    before = snapshot(lot, LOT_FIELDS)
    lot.updated_at = utcnow()  # a real change of the row, so that its version moves on
    _write_lot(lot)
    signature = _sign(lot, user, Meaning.DEVIATION_REQUESTED, reason)
    deviation = Deviation(
        supplier_id=lot.supplier_id,
        lot_id=lot.id,
        reason=reason,
        quantity=data.quantity,
        expires_on=data.expires_on,
        requested_signature_id=signature.id,
    )
    db.session.add(deviation)
    db.session.flush()
    record(
        "lot.deviation_requested",
        lot,
        before=before,
        after={
            **snapshot(lot, LOT_FIELDS),
            **_signed(signature),
            "quantity": data.quantity,
            "expires_on": data.expires_on.isoformat(),
        },
        actor_id=user.id,
    )
    notices.deviation_awaiting(lot, deviation, exclude=user)
    return deviation


def sign_deviation(
    lot: Lot,
    user: User,
    *,
    approve: bool,
    comment: str,
    password: str,
    version: int | None,
    address: str = "",
) -> Signature:
    """A quality manager's second signature: the lot is accepted on deviation, or the request refused."""
    _check_reviewer(user)
    _check_version(lot, version)
    deviation = awaiting_deviation(lot)
    if deviation is None or lot.state != LotState.IN_REVIEW:
        raise LotChangedError()
    if not holds(user, QUALITY_MANAGERS):
        raise RuleError(_("Only a quality manager gives the second signature of a deviation."))
    if deviation.requested.signer_id == user.id:
        raise RuleError(
            _("You signed the request; the second signature must come from another quality manager.")
        )
    comment = (
        (comment or "").strip()[:REASON_LENGTH]
        if approve
        else _required_text(comment, "comment", _("Say why the deviation is refused."))
    )
    _check_password(user, password, address)
    signature = _sign(
        lot, user, Meaning.DEVIATION_APPROVED if approve else Meaning.DEVIATION_REFUSED, comment
    )
    deviation.state = DeviationState.APPROVED if approve else DeviationState.REFUSED
    deviation.second_signature_id = signature.id
    details = {**_signed(signature), "deviation": deviation.id}
    if approve:
        move(
            lot,
            "accept_on_deviation",
            actor_id=user.id,
            changes={"decided_at": utcnow()},
            details=details,
            event={"reason": deviation.reason},
            write=_write_lot,
        )
        return signature
    # Refused: the lot stays in review, but its row changes, so that its version moves on.
    before = snapshot(lot, LOT_FIELDS)
    lot.updated_at = utcnow()
    _write_lot(lot)
    record(
        "lot.deviation_refused",
        lot,
        before=before,
        after={**snapshot(lot, LOT_FIELDS), **details},
        actor_id=user.id,
    )
    notices.deviation_refused(lot, deviation, comment)
    return signature


# --- Reading -----------------------------------------------------------------------------------


def awaiting_deviation(lot: Lot) -> Deviation | None:
    return db.session.scalars(
        select(Deviation).where(Deviation.lot_id == lot.id, Deviation.state == DeviationState.AWAITING)
    ).one_or_none()


def signatures_of(lot: Lot) -> list[Signature]:
    return list(
        db.session.scalars(select(Signature).where(Signature.lot_id == lot.id).order_by(Signature.id))
    )


def return_message(lot: Lot) -> Signature | None:
    """The reviewer's message of a lot now returned for correction."""
    if lot.state != LotState.RETURNED:
        return None
    return db.session.scalars(
        select(Signature)
        .where(Signature.lot_id == lot.id, Signature.meaning == Meaning.RETURNED)
        .order_by(Signature.id.desc())
        .limit(1)
    ).first()


def deviations_of(lot: Lot) -> list[Deviation]:
    return list(
        db.session.scalars(select(Deviation).where(Deviation.lot_id == lot.id).order_by(Deviation.id))
    )
