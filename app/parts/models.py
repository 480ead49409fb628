"""Parts made by the OEMs, and the approvals of (supplier, site, part)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.audit.names import names_records
from app.db import SupplierOwned, TimestampMixin, UTCDateTime
from app.extensions import db
from app.suppliers.models import Site, Supplier


class Part(TimestampMixin, db.Model):
    """A part the brand buys: part number, name, product line, drawing revision."""

    id: Mapped[int] = mapped_column(primary_key=True)
    part_number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    product_line: Mapped[str] = mapped_column(String(120))
    drawing_revision: Mapped[str] = mapped_column(String(20))

    def __str__(self) -> str:
        return f"{self.part_number} {self.name}"


class PartApproval(SupplierOwned, TimestampMixin, db.Model):
    """A supplier may make a part at one of its sites; lots exist only for approved triples."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    supplier: Mapped[Supplier] = relationship()
    site: Mapped[Site] = relationship()
    part: Mapped[Part] = relationship()

    __table_args__ = (UniqueConstraint("supplier_id", "site_id", "part_id"),)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


names_records(Part, lambda p: p.part_number)
names_records(
    PartApproval,
    lambda a: f"{a.part.part_number} · {a.site.name}",
    lambda: (joinedload(PartApproval.part), joinedload(PartApproval.site)),
)
