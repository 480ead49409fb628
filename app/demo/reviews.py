"""Demo reviews: the reviewer looks after SIAM and WUXI and has accepted their older lots (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot, LotState
from app.reviews import assignments, services
from app.reviews.models import ReviewerAssignment
from app.suppliers.models import Supplier

REVIEWER = "reviewer@brand.example"
SUPPLIERS = ("SIAM", "WUXI")
# The newest two submitted lots of each supplier stay in the queue (SIAM's drifting lot among them).
WAITING = 2


def seed_demo_reviews(password: str) -> None:
    """Assign the demo reviewer and accept all but the newest submitted lots, signing with `password`."""
    reviewer = db.session.scalars(select(User).where(User.email == REVIEWER)).one_or_none()
    if reviewer is None:
        return
    for code in SUPPLIERS:
        supplier = db.session.scalars(select(Supplier).where(Supplier.code == code)).one_or_none()
        if supplier is None:
            continue
        if reviewer.id not in {u.id for u in assignments.assigned_reviewers(supplier.id)}:
            db.session.add(ReviewerAssignment(supplier_id=supplier.id, user_id=reviewer.id))
        submitted = db.session.scalars(
            select(Lot).where(Lot.supplier_id == supplier.id, Lot.submissions > 0).order_by(Lot.submitted_at)
        ).all()
        for lot in submitted[:-WAITING]:
            if lot.state != LotState.SUBMITTED:
                continue
            services.claim(lot, reviewer)
            services.decide(
                lot, reviewer, services.Decision.ACCEPT, reason="", password=password, version=None
            )
    db.session.flush()
