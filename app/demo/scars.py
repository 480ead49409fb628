"""A demo SCAR: WUXI's copied measurements, answered up to D2, D0 and D1 accepted (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.lots.models import Lot
from app.scars import services
from app.scars.models import Scar, Severity, Source

TITLE = "Measurements of lot WX-2611-004 repeat lot WX-2611-003"
ANSWERS = {
    "D0": {
        "symptom": "Luminance values of lot WX-2611-004 are identical, in order, to lot WX-2611-003's.",
        "emergency_actions": "Lot WX-2611-004 held at Wuxi; 200 samples re-measured by another inspector.",
    },
    "D1": {
        "champion": "Zhang Min, quality manager",
        "team": [
            {"name": "Zhang Min", "role": "leader", "function": "Quality"},
            {"name": "Li Wei", "role": "member", "function": "Incoming and final inspection"},
            {"name": "Chen Jun", "role": "member", "function": "IT (MES)"},
        ],
    },
    "D2": {
        "what": "The luminance record of lot 004 is a copy of lot 003's; the real values are unknown.",
        "where": "Final inspection, Wuxi, luminance station 2",
        "when": "Found by Kensa's integrity check on submission",
        "how_many": "1000",
        "is_is_not": [{"aspect": "Lots", "is": "WX-2611-004", "is_not": "WX-2611-001 to 003"}],
    },
}


def seed_demo_scars(password: str) -> None:
    """Raise the demo SCAR and answer its first steps, signing with the demo password."""
    if db.session.scalar(select(Scar.id).where(Scar.title == TITLE)):
        return
    lot = db.session.scalars(select(Lot).where(Lot.lot_number == "WX-2611-004")).one_or_none()
    reviewer = db.session.scalars(select(User).where(User.email == "reviewer@brand.example")).one_or_none()
    if lot is None or reviewer is None:
        return
    manager = db.session.scalars(
        select(User).where(User.supplier_id == lot.supplier_id, User.role == Role.SUPPLIER_MANAGER)
    ).first()
    if manager is None:
        return
    scar = services.raise_scar(
        services.ScarInput(
            supplier_id=lot.supplier_id,
            part_id=lot.part_id,
            severity=Severity.MAJOR,
            source=Source.OTHER,
            title=TITLE,
            problem=(
                "Requirement: every lot's measurements are taken on that lot. Found: the 200 luminance "
                "values of lot WX-2611-004 equal those of lot WX-2611-003, in the same order."
            ),
            lot_ids=[lot.id],
        ),
        reviewer,
    )
    for code, answer in ANSWERS.items():
        services.submit_step(services.step_of(scar, code), answer, manager, password=password)
    for code in ("D0", "D1"):
        services.decide_step(services.step_of(scar, code), reviewer, accept=True, comment="")
    db.session.flush()
