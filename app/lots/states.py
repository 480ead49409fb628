"""The lot's state machine as data: each move, the states it leaves, the state it reaches, the
permission question that guards it, its audit action and its domain event; and `move`, the one
function that changes a lot's state. The database's CHECK constraint on `lot.state` stays.

    draft ──submit──▶ submitted ──claim──▶ in_review ──accept / reject──▶ accepted / rejected
      ▲                 ▲   ◀──release──      │ ──accept_on_deviation──▶ accepted_on_deviation
      │                 └──────resubmit── returned ◀──return──┘
      (a returned lot is corrected like a draft)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.audit.services import record, snapshot
from app.events import emit
from app.extensions import db
from app.lots.models import Lot, LotState
from app.rules import RuleError

# What the audit trail keeps of a lot: its data when the supplier moves it, the review's fields when
# the brand does.
LOT_FIELDS = ("lot_number", "lot_size", "production_date", "inspection_date", "site_id", "part_id", "state")
REVIEW_FIELDS = ("state", "reviewer_id", "version")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[LotState]
    target: LotState
    guard: str  # the policy question that allows it (app/lots/policy.py, app/reviews/policy.py)
    action: str  # the audit trail's action
    event: str | None  # the domain event (app/events.py)
    audited: tuple[str, ...] = REVIEW_FIELDS


def _from(*states: LotState) -> frozenset[LotState]:
    return frozenset(states)


S = LotState
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        _from(S.DRAFT), S.SUBMITTED, "can_edit_lot", "lot.submitted", "lot.submitted", LOT_FIELDS
    ),
    "resubmit": Transition(
        _from(S.RETURNED), S.SUBMITTED, "can_edit_lot", "lot.resubmitted", "lot.submitted", LOT_FIELDS
    ),
    "claim": Transition(_from(S.SUBMITTED), S.IN_REVIEW, "can_claim", "lot.claimed", None),
    "release": Transition(_from(S.IN_REVIEW), S.SUBMITTED, "can_release", "lot.released", None),
    "accept": Transition(_from(S.IN_REVIEW), S.ACCEPTED, "can_decide", "lot.accepted", "lot.decided"),
    "reject": Transition(_from(S.IN_REVIEW), S.REJECTED, "can_decide", "lot.rejected", "lot.decided"),
    "return": Transition(_from(S.IN_REVIEW), S.RETURNED, "can_decide", "lot.returned", "lot.returned"),
    "accept_on_deviation": Transition(
        _from(S.IN_REVIEW),
        S.ACCEPTED_ON_DEVIATION,
        "can_countersign",
        "lot.deviation_approved",
        "lot.decided",
    ),
}


class LotChangedError(RuleError):
    """Someone else changed the lot since the user loaded it; nothing of this request was kept."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this lot while you were looking at it, so your action was not "
                "applied. The page now shows the lot as it is; check it and act again if still needed."
            )
        )


def _flush(lot: Lot) -> None:
    db.session.flush()


def move(
    lot: Lot,
    name: str,
    *,
    actor_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    event: Mapping[str, Any] | None = None,
    write: Callable[[Lot], None] = _flush,
) -> None:
    """Move the lot through the transition `name`: check the table, set its state and `changes`,
    `write` it (a flush; the review's optimistic lock passes its own), audit the move with
    `details`, and emit the transition's event with the lot and `event`.

    The caller has asked the guard's policy question, in words fit for its user; a lot found in
    another state here was changed meanwhile (LotChangedError)."""
    transition = TRANSITIONS[name]
    if lot.state not in transition.sources:
        raise LotChangedError()
    before = snapshot(lot, transition.audited)
    lot.state = transition.target
    for field, value in (changes or {}).items():
        setattr(lot, field, value)
    write(lot)
    record(
        transition.action,
        lot,
        before=before,
        after={**snapshot(lot, transition.audited), **(details or {})},
        actor_id=actor_id,
    )
    if transition.event:
        emit(transition.event, lot=lot, **(event or {}))
