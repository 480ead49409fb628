"""Demo defect catalogue, parts, approvals and released standards (idempotent)."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - keeps the limit tables readable

from sqlalchemy import select

from app.extensions import db
from app.parts import services as parts
from app.parts.models import Part, PartApproval
from app.standards import services
from app.standards.models import DefectCode
from app.standards.validation import CharacteristicData as C
from app.standards.validation import RevisionSettings
from app.suppliers.models import Site, Supplier

DEFECTS = (
    ("SCR", "Scratch", "minor"),
    ("DNT", "Dent", "major"),
    ("GAP", "Gap out of tolerance", "major"),
    ("CLR", "Colour mismatch", "minor"),
    ("DST", "Dust under glass", "major"),
    ("DPX", "Dead pixel", "critical"),
    ("BUR", "Burr on edge", "major"),
)

PARTS = (
    (
        "XQ-1001",
        "Rear glass panel",
        "B",
        [
            C(
                "T1",
                "Glass thickness",
                "variable",
                "major",
                "mm",
                D("0.55"),
                D("0.52"),
                D("0.58"),
                "Micrometer",
            ),
            C(
                "F1",
                "Flatness",
                "variable",
                "critical",
                "mm",
                None,
                None,
                D("0.05"),
                "Surface plate + feeler",
            ),
            C("S1", "No scratch visible at 30 cm", "attribute", "minor", method="Visual, 1000 lx", zone="A"),
        ],
    ),
    (
        "XQ-2040",
        "Aluminium frame",
        "D",
        [
            C("W1", "Frame width", "variable", "major", "mm", D("71.00"), D("70.95"), D("71.05"), "CMM"),
            C("G1", "Gap to display", "variable", "major", "mm", None, None, D("0.10"), "Feeler gauge"),
            C("A1", "Anodising colour", "attribute", "minor", method="Colour master, D65", zone="A"),
        ],
    ),
    (
        "XQ-3300",
        "6.5-inch OLED display module",
        "A",
        [
            C("P1", "Dead pixels", "attribute", "critical", method="Pattern test"),
            C("B1", "Luminance", "variable", "major", "cd/m²", D("600"), D("560"), None, "Luminance meter"),
        ],
    ),
)

APPROVALS = (
    ("SIAM", "Chonburi", "XQ-2040"),
    ("SIAM", "Bang Kadi", "XQ-1001"),
    ("WUXI", "Wuxi", "XQ-3300"),
    ("WUXI", "Wuxi", "XQ-1001"),
    ("HPA", "Hai Phong", "XQ-2040"),
)


def seed_demo_quality() -> None:
    """Create what is missing of the demo catalogue, parts, approvals and standards."""
    for code, description, default_class in DEFECTS:
        if db.session.scalar(select(DefectCode.id).where(DefectCode.code == code)) is None:
            services.save_defect(None, code=code, description=description, default_class=default_class)
    for number, name, drawing, characteristics in PARTS:
        part = db.session.scalars(select(Part).where(Part.part_number == number)).one_or_none()
        if part is None:
            part = parts.create_part(
                part_number=number, name=name, product_line="Xperia 1 VII", drawing_revision=drawing
            )
        if services.standard_of(part.id) is None:
            draft = services.start_standard(part)
            services.save_draft(draft, RevisionSettings(change_note="First release."), characteristics)
            services.release(draft)
    for supplier_code, site_name, number in APPROVALS:
        site = db.session.scalars(
            select(Site).join(Supplier).where(Supplier.code == supplier_code, Site.name == site_name)
        ).one()
        part = db.session.scalars(select(Part).where(Part.part_number == number)).one()
        exists = select(PartApproval.id).where(
            PartApproval.site_id == site.id, PartApproval.part_id == part.id
        )
        if db.session.scalar(exists) is None:  # an approval withdrawn by a user stays withdrawn
            parts.approve(part, site)
