"""Stored switching state of ISO 2859-1 / Z1.4 per (supplier, part, class), and its history."""

from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.audit.names import names_records
from app.db import SupplierOwned, TimestampMixin
from app.extensions import db
from app.parts.models import Part
from app.suppliers.models import Supplier


class SwitchingRecord(SupplierOwned, TimestampMixin, db.Model):
    """The current state of one (supplier, part, class); `state` holds a quality.switching.SwitchingState."""

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    defect_class: Mapped[str] = mapped_column(String(10))
    severity: Mapped[str] = mapped_column(String(10), default="normal")
    discontinued: Mapped[bool] = mapped_column(default=False)
    reduced_allowed: Mapped[bool] = mapped_column(default=False)
    production_steady: Mapped[bool] = mapped_column(default=True)
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)

    part: Mapped[Part] = relationship()
    supplier: Mapped[Supplier] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("supplier_id", "part_id", "defect_class"),
        CheckConstraint("severity IN ('normal', 'tightened', 'reduced')", name="severity"),
        CheckConstraint("defect_class IN ('critical', 'major', 'minor')", name="defect_class"),
    )


class SwitchingEvent(SupplierOwned, TimestampMixin, db.Model):
    """One step of a switching history: a lot's effect, or a quality manager's decision."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("switching_record.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    severity_before: Mapped[str] = mapped_column(String(10))
    severity_after: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


names_records(
    SwitchingRecord,
    lambda r: f"{r.part.part_number} · {r.supplier.code} · {r.defect_class}",
    lambda: (joinedload(SwitchingRecord.part), joinedload(SwitchingRecord.supplier)),
)
