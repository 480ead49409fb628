"""Craftsmanship standards with immutable released revisions, and the defect catalogue."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.audit.names import names_records
from app.db import Measure, TimestampMixin, UTCDateTime, check_in
from app.extensions import db
from app.parts.models import Part


class RevisionState(StrEnum):
    """Life of a standard revision."""

    DRAFT = "draft"
    RELEASED = "released"
    SUPERSEDED = "superseded"


class DefectClass(StrEnum):
    """Seriousness of a characteristic or defect; each class has its own AQL."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class CharacteristicKind(StrEnum):
    """A measured number or a pass/fail check."""

    VARIABLE = "variable"
    ATTRIBUTE = "attribute"


class Zone(StrEnum):
    """Surface zone for cosmetic criteria: A visible in use, B when handled, C hidden."""

    A = "A"
    B = "B"
    C = "C"


class SamplingScheme(StrEnum):
    """Which published sampling tables a revision uses."""

    ISO = "iso2859-1"
    ANSI = "ansi-z14"


class DefectCode(TimestampMixin, db.Model):
    """A catalogue entry shared by all standards (scratch, dent, dead pixel, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    default_class: Mapped[str] = mapped_column(String(10))

    __table_args__ = (CheckConstraint(check_in("default_class", DefectClass), name="default_class"),)


class Standard(TimestampMixin, db.Model):
    """The craftsmanship standard of one part."""

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), unique=True)

    part: Mapped[Part] = relationship()
    revisions: Mapped[list[StandardRevision]] = relationship(
        back_populates="standard", order_by="StandardRevision.number"
    )


class StandardRevision(TimestampMixin, db.Model):
    """One revision: sampling settings and characteristics; immutable once released."""

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(12), default=RevisionState.DRAFT)
    scheme: Mapped[str] = mapped_column(String(12), default=SamplingScheme.ISO)
    inspection_level: Mapped[str] = mapped_column(String(4), default="II")
    aql_critical: Mapped[str | None] = mapped_column(String(8))
    aql_major: Mapped[str | None] = mapped_column(String(8))
    aql_minor: Mapped[str | None] = mapped_column(String(8))
    change_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    standard: Mapped[Standard] = relationship(back_populates="revisions")
    characteristics: Mapped[list[Characteristic]] = relationship(
        back_populates="revision", order_by="Characteristic.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("standard_id", "number"),
        CheckConstraint(check_in("state", RevisionState), name="state"),
        CheckConstraint(check_in("scheme", SamplingScheme), name="scheme"),
        CheckConstraint("(state = 'draft') = (released_at IS NULL)", name="released_when_not_draft"),
        # At most one draft and one released revision per standard.
        Index(
            "uq_standard_revision_one_per_state",
            "standard_id",
            "state",
            unique=True,
            sqlite_where=text("state IN ('draft', 'released')"),
            postgresql_where=text("state IN ('draft', 'released')"),
        ),
    )

    @property
    def is_draft(self) -> bool:
        return self.state == RevisionState.DRAFT

    def aql_for(self, defect_class: str) -> str | None:
        return getattr(self, f"aql_{defect_class}")


class Characteristic(db.Model):
    """A quality characteristic of a revision: what is checked, how, and its limits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("standard_revision.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str | None] = mapped_column(String(20))
    nominal: Mapped[Decimal | None] = mapped_column(Measure())
    lsl: Mapped[Decimal | None] = mapped_column(Measure())
    usl: Mapped[Decimal | None] = mapped_column(Measure())
    defect_class: Mapped[str] = mapped_column(String(10))
    method: Mapped[str | None] = mapped_column(String(200))
    zone: Mapped[str | None] = mapped_column(String(1))

    revision: Mapped[StandardRevision] = relationship(back_populates="characteristics")

    __table_args__ = (
        UniqueConstraint("revision_id", "code"),
        CheckConstraint(check_in("kind", CharacteristicKind), name="kind"),
        CheckConstraint(check_in("defect_class", DefectClass), name="defect_class"),
        CheckConstraint("zone IS NULL OR zone IN ('A', 'B', 'C')", name="zone"),
        CheckConstraint("lsl IS NULL OR usl IS NULL OR lsl < usl", name="limits_ordered"),
        CheckConstraint("kind = 'attribute' OR unit IS NOT NULL", name="variable_has_unit"),
    )


names_records(
    StandardRevision,
    lambda r: f"{r.standard.part.part_number} rev. {r.number}",
    lambda: (joinedload(StandardRevision.standard).joinedload(Standard.part),),
)
names_records(DefectCode, lambda d: d.code)
