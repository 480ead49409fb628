"""Who may claim, release, decide and countersign a lot: one answer for views, templates and services."""

from __future__ import annotations

from app.auth.models import INTERNAL_ROLES, QUALITY_MANAGERS, QUALITY_STAFF, User, holds
from app.lots.models import Lot, LotState
from app.reviews.models import Deviation

REVIEWERS = QUALITY_STAFF
QUEUE_READERS = INTERNAL_ROLES


def is_reviewer(user: User) -> bool:
    """The brand's reviewers and quality managers review lots; nobody reviews their own company's."""
    return holds(user, REVIEWERS)


def sees_review_queue(user: User) -> bool:
    """The brand's staff read the queue of lots waiting for review; an admin without deciding."""
    return holds(user, QUEUE_READERS)


def can_claim(user: User, lot: Lot) -> bool:
    return is_reviewer(user) and lot.state == LotState.SUBMITTED


def is_reviewing(user: User, lot: Lot) -> bool:
    return lot.state == LotState.IN_REVIEW and lot.reviewer_id == user.id


def can_release(user: User, lot: Lot, awaiting: Deviation | None) -> bool:
    """Its reviewer, or any quality manager, gives a claimed lot back, unless a deviation waits."""
    return (
        is_reviewer(user)
        and lot.state == LotState.IN_REVIEW
        and awaiting is None
        and (lot.reviewer_id == user.id or holds(user, QUALITY_MANAGERS))
    )


def can_decide(user: User, lot: Lot, awaiting: Deviation | None) -> bool:
    """Only the reviewer who claimed the lot decides it or asks for a deviation."""
    return is_reviewer(user) and is_reviewing(user, lot) and awaiting is None


def can_countersign(user: User, awaiting: Deviation | None) -> bool:
    """A deviation's second signature: a quality manager other than the one who asked."""
    return awaiting is not None and holds(user, QUALITY_MANAGERS) and awaiting.requested.signer_id != user.id


def sees_charts(user: User) -> bool:
    """Control charts compare a supplier's lots with its history: the brand's staff read them."""
    return holds(user, INTERNAL_ROLES)


BASELINE_KEEPERS = QUALITY_MANAGERS


def can_freeze_baseline(user: User) -> bool:
    """Frozen limits judge every later lot of the supplier: a quality manager freezes and unfreezes them."""
    return holds(user, BASELINE_KEEPERS)
