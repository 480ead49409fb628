"""Demo scorecards: this year's targets for every demo supplier, and the current month published
once, so that the suppliers' people find a card (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.quality.scoring import Kpi
from app.scorecards import services
from app.scorecards.periods import Period
from app.suppliers.models import Supplier

TARGETS = {
    Kpi.LAR: 98.0,
    Kpi.PPM: 2000.0,
    Kpi.FIRST_PASS: 95.0,
    Kpi.ON_TIME: 90.0,
    Kpi.DAYS_TO_CLOSE: 45.0,
    Kpi.CAPABILITY: 90.0,
}


def seed_demo_scorecards() -> None:
    """Set the targets (where none are set) and publish the current month (if not yet)."""
    manager = db.session.scalars(select(User).where(User.email == "qm@brand.example")).one_or_none()
    if manager is None:
        return
    year = utcnow().year
    for supplier in db.session.scalars(select(Supplier).order_by(Supplier.code)):
        if not services.targets_of(supplier.id, year):
            services.set_targets(supplier, year, TARGETS, manager)
    month = Period.containing(utcnow().date())
    if services.latest_publication(month) is None:
        services.publish(
            month,
            manager,
            note="Demo: the month so far.",
            early_reason="Demo: a card to show before month end.",
        )
