"""The demo data set of `flask seed demo`, in one package: the brand's staff and three suppliers
(people.py), their standards, certificates, lots, reviews, SCARs and scorecards, each loaded
through the real services and safe to load again. Nothing outside the CLI, the tests and the
benches imports it."""

from __future__ import annotations

from app.demo.certificates import seed_demo_certificates
from app.demo.lots import seed_demo_lots
from app.demo.people import DEMO_PASSWORD, seed_demo_people
from app.demo.reviews import seed_demo_reviews
from app.demo.scars import seed_demo_scars
from app.demo.scorecards import seed_demo_scorecards
from app.demo.standards import seed_demo_quality
from app.extensions import db


def seed_demo() -> list[tuple[str, str, str]]:
    """Load the demo data (idempotent); returns (e-mail, role, organisation) of every demo login."""
    logins = seed_demo_people()
    seed_demo_quality()
    seed_demo_certificates()
    seed_demo_lots()
    seed_demo_reviews(DEMO_PASSWORD)
    seed_demo_scars(DEMO_PASSWORD)
    seed_demo_scorecards()
    db.session.commit()
    return logins
