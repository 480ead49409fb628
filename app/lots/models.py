"""Production lots, the numbered revisions of their inspection data, and the stored evaluation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.attachments.models import Attachment
from app.audit.names import names_records
from app.auth.models import User
from app.clock import utcnow
from app.db import Measure, SupplierOwned, TimestampMixin, UTCDateTime, check_in
from app.extensions import db
from app.parts.models import Part
from app.standards.models import Characteristic, DefectCode, StandardRevision
from app.suppliers.models import Site, Supplier

# 64-bit keys on PostgreSQL for the big tables; SQLite's rowid alias must be INTEGER.
BigKey = BigInteger().with_variant(Integer(), "sqlite")


class LotState(StrEnum):
    """Where a lot stands: the supplier's part (draft, returned) and the brand's (the rest)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ACCEPTED_ON_DEVIATION = "accepted_on_deviation"


EDITABLE_STATES = frozenset({LotState.DRAFT, LotState.RETURNED})
# Waiting for the brand: in the review queue.
WAITING_STATES = frozenset({LotState.SUBMITTED, LotState.IN_REVIEW})
# Final: a decided lot never changes state again.
DECIDED_STATES = frozenset({LotState.ACCEPTED, LotState.REJECTED, LotState.ACCEPTED_ON_DEVIATION})


class Recommendation(StrEnum):
    """The evaluation's advice to the reviewer."""

    ACCEPT = "accept"
    REJECT = "reject"


class Lot(SupplierOwned, TimestampMixin, db.Model):
    """A production lot of an approved (site, part), inspected against the revision in force."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("standard_revision.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(40))
    lot_size: Mapped[int]
    production_date: Mapped[date] = mapped_column(Date)
    inspection_date: Mapped[date] = mapped_column(Date)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    state: Mapped[str] = mapped_column(String(24), default=LotState.DRAFT)
    # The plan is fixed when the lot is created: severity per class, and the lot's sample size.
    severities: Mapped[dict] = mapped_column(JSON)
    sample_size: Mapped[int]
    # Set on each submission; the latest dataset's evaluation.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recommendation: Mapped[str | None] = mapped_column(String(8))
    flag_count: Mapped[int] = mapped_column(default=0)
    submissions: Mapped[int] = mapped_column(default=0)
    # The review: who claimed the lot and when; when it was decided (accepted, rejected, on deviation).
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    supplier: Mapped[Supplier] = relationship()
    site: Mapped[Site] = relationship()
    part: Mapped[Part] = relationship()
    revision: Mapped[StandardRevision] = relationship()
    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("supplier_id", "part_id", "lot_number"),
        CheckConstraint(check_in("state", LotState), name="state"),
        CheckConstraint(
            "recommendation IS NULL OR recommendation IN ('accept', 'reject')", name="recommendation"
        ),
        CheckConstraint("lot_size > 0", name="lot_size_positive"),
        CheckConstraint("sample_size > 0", name="sample_size_positive"),
        Index("ix_lot_supplier_state_updated", "supplier_id", "state", "updated_at"),
        # The review queue: waiting lots, oldest submission first.
        Index("ix_lot_state_submitted", "state", "submitted_at"),
        # Decisions per period (home figures, scorecards).
        Index("ix_lot_decided", "decided_at"),
        # The scorecards' decided lots of a window: SQLite otherwise reads every decided lot
        # through the state index (1.4 s for 100 suppliers' cards over 100k lots, 0.14 s with it).
        Index("ix_lot_state_decided", "state", "decided_at"),
        # The lot list, newest change first: its first page read from the index, not a sort of every
        # lot the user sees (100 ms on PostgreSQL over 100k lots).
        Index("ix_lot_updated", "updated_at", "id"),
    )

    @property
    def is_editable(self) -> bool:
        """The supplier may change the data: a draft, or a lot returned for correction."""
        return self.state in EDITABLE_STATES

    def __str__(self) -> str:
        return self.lot_number


class LotDataset(SupplierOwned, db.Model):
    """One numbered revision of a lot's inspection data; frozen once submitted, never overwritten."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recommendation: Mapped[str | None] = mapped_column(String(8))
    # Samples with at least one nonconformity (any class), set on submission: the p-chart's count.
    nonconforming: Mapped[int | None]
    # How the data last came in: "grid", "upload: <file name>", "api".
    source: Mapped[str] = mapped_column(String(300), default="")

    lot: Mapped[Lot] = relationship()
    submitted_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("lot_id", "number"),
        # At most one open (unsubmitted) dataset per lot.
        Index(
            "uq_lot_dataset_one_draft",
            "lot_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Measurement(SupplierOwned, db.Model):
    """One sample's result for one characteristic: a value (variable) or pass/fail (attribute)."""

    id: Mapped[int] = mapped_column(BigKey, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lot_dataset.id"))
    characteristic_id: Mapped[int] = mapped_column(ForeignKey("characteristic.id"))
    sample: Mapped[int]
    value: Mapped[Decimal | None] = mapped_column(Measure())
    # Digits after the point as recorded (71.000 → 3): the gauge's resolution, which the stored
    # number alone loses.
    places: Mapped[int] = mapped_column(SmallInteger, default=0)
    passed: Mapped[bool | None]

    __table_args__ = (
        UniqueConstraint("dataset_id", "characteristic_id", "sample"),
        CheckConstraint("sample > 0", name="sample_positive"),
        CheckConstraint("value IS NULL OR passed IS NULL", name="value_or_passed"),
    )


class Finding(SupplierOwned, db.Model):
    """A defect found on a sample: catalogue code, surface zone, how many."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lot_dataset.id"), index=True)
    position: Mapped[int]
    defect_code_id: Mapped[int] = mapped_column(ForeignKey("defect_code.id"))
    zone: Mapped[str | None] = mapped_column(String(1))
    count: Mapped[int]
    sample: Mapped[int]

    defect_code: Mapped[DefectCode] = relationship()

    __table_args__ = (
        CheckConstraint("count > 0", name="count_positive"),
        CheckConstraint("sample > 0", name="sample_positive"),
        CheckConstraint("zone IS NULL OR zone IN ('A', 'B', 'C')", name="zone"),
    )


class CharacteristicResult(SupplierOwned, db.Model):
    """The evaluation of one characteristic in one submitted dataset (sigma: the lot's s, n-1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lot_dataset.id"), index=True)
    characteristic_id: Mapped[int] = mapped_column(ForeignKey("characteristic.id"), index=True)
    n: Mapped[int]
    failed: Mapped[int] = mapped_column(default=0)
    mean: Mapped[float | None] = mapped_column(Float)
    sd: Mapped[float | None] = mapped_column(Float)
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    below: Mapped[int] = mapped_column(default=0)
    above: Mapped[int] = mapped_column(default=0)
    out_of_spec: Mapped[float | None] = mapped_column(Float)
    cp: Mapped[float | None] = mapped_column(Float)
    cpk: Mapped[float | None] = mapped_column(Float)
    cpl: Mapped[float | None] = mapped_column(Float)
    cpu: Mapped[float | None] = mapped_column(Float)
    cpm: Mapped[float | None] = mapped_column(Float)
    sigma_method: Mapped[str] = mapped_column(String(12), default="lot")

    characteristic: Mapped[Characteristic] = relationship()

    __table_args__ = (UniqueConstraint("dataset_id", "characteristic_id"),)


class ClassResult(SupplierOwned, db.Model):
    """One defect class of a submitted dataset: nonconforming samples against Ac/Re."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lot_dataset.id"), index=True)
    defect_class: Mapped[str] = mapped_column(String(10))
    aql: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str] = mapped_column(String(10))
    sample_size: Mapped[int]
    accept: Mapped[int]
    reject: Mapped[int]
    nonconforming: Mapped[int]
    verdict: Mapped[str] = mapped_column(String(24))

    __table_args__ = (UniqueConstraint("dataset_id", "defect_class"),)

    @property
    def accepted(self) -> bool:
        return self.verdict != "reject"


class IntegrityFlag(SupplierOwned, db.Model):
    """A data-integrity warning for the reviewer; the sentence is written from `kind` and `params`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("lot_dataset.id"), index=True)
    characteristic_id: Mapped[int | None] = mapped_column(ForeignKey("characteristic.id"))
    kind: Mapped[str] = mapped_column(String(24))
    params: Mapped[dict] = mapped_column(JSON, default=dict)

    characteristic: Mapped[Characteristic | None] = relationship()


class LotAttachment(SupplierOwned, db.Model):
    """A file attached to a lot (photos, reports, the uploaded data files)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attachment: Mapped[Attachment] = relationship()


names_records(Lot, lambda lot: lot.lot_number)
