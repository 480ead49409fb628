"""The reviewers in charge of a supplier: its lots come first in their queue and notify them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.reviews import policy
from app.reviews.models import ReviewerAssignment
from app.rules import RuleError
from app.suppliers.models import Supplier


def assigned_reviewers(supplier_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ReviewerAssignment, ReviewerAssignment.user_id == User.id)
            .where(ReviewerAssignment.supplier_id == supplier_id)
            .order_by(User.name)
        )
    )


def reviewer_candidates() -> list[User]:
    """Active internal users who review lots."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(policy.REVIEWERS), User.supplier_id.is_(None), User.is_active_account)
            .order_by(User.name)
        )
    )


def set_reviewers(supplier: Supplier, user_ids: list[int]) -> None:
    """Assign exactly these reviewers to the supplier (audited)."""
    allowed = {u.id for u in reviewer_candidates()}
    if not set(user_ids) <= allowed:
        raise RuleError(_("Choose reviewers or quality managers of the brand."), "reviewers")
    current = {
        a.user_id: a
        for a in db.session.scalars(
            select(ReviewerAssignment).where(ReviewerAssignment.supplier_id == supplier.id)
        )
    }
    before = sorted(current)
    for user_id, assignment in current.items():
        if user_id not in user_ids:
            db.session.delete(assignment)
    for user_id in set(user_ids) - set(current):
        db.session.add(ReviewerAssignment(supplier_id=supplier.id, user_id=user_id))
    db.session.flush()
    if before != sorted(set(user_ids)):
        record(
            "supplier.reviewers_assigned",
            supplier,
            before={"reviewers": before},
            after={"reviewers": sorted(set(user_ids))},
        )
