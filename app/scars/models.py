"""SCARs, their 8D steps, every submission of a step, linked lots and files, and deadline policies."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.attachments.models import Attachment
from app.auth.models import User
from app.clock import utcnow
from app.db import SupplierOwned, TimestampMixin, UTCDateTime, check_in
from app.extensions import db
from app.lots.models import Lot
from app.parts.models import Part
from app.suppliers.models import Supplier

# The longest problem statement (the page's textarea says so too): a longer text made a PDF take seconds.
PROBLEM_MAX_LENGTH = 10_000


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class ScarState(StrEnum):
    """Open while the 8D is answered; verifying after D8 is accepted; closed when the next lots pass."""

    OPEN = "open"
    VERIFYING = "verifying"
    CLOSED = "closed"


class Source(StrEnum):
    """Where the problem was found."""

    LOT = "lot"
    COMPLAINT = "complaint"
    OTHER = "other"


STEPS = ("D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8")
# A step can be submitted once every step it needs is accepted; D0-D3 may go together.
REQUIRES: dict[str, tuple[str, ...]] = {
    "D0": (),
    "D1": (),
    "D2": (),
    "D3": (),
    "D4": ("D0", "D1", "D2", "D3"),
    "D5": ("D4",),
    "D6": ("D5",),
    "D7": ("D6",),
    "D8": ("D7",),
}
# The steps a reopened SCAR answers again (the root cause was not the whole story).
REOPENED_STEPS = ("D4", "D5", "D6", "D7", "D8")


class StepState(StrEnum):
    OPEN = "open"  # nothing sent yet (a draft may be saved)
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class DeadlinePolicy(db.Model):
    """Days from issue to each stage's due date, per severity; a quality manager edits them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    severity: Mapped[str] = mapped_column(String(10), unique=True)
    containment_days: Mapped[int]  # D0-D3
    root_cause_days: Mapped[int]  # D4
    actions_days: Mapped[int]  # D5-D6
    closure_days: Mapped[int]  # D7-D8
    effectiveness_lots: Mapped[int]

    __table_args__ = (
        CheckConstraint(check_in("severity", Severity), name="severity"),
        CheckConstraint(
            "0 < containment_days AND containment_days <= root_cause_days AND root_cause_days <= actions_days"
            " AND actions_days <= closure_days",
            name="days_in_order",
        ),
        CheckConstraint("effectiveness_lots > 0", name="effectiveness_lots_positive"),
    )


class Scar(SupplierOwned, TimestampMixin, db.Model):
    """A corrective action request to a supplier about one part."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=ScarState.OPEN)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    effectiveness_lots: Mapped[int]
    # When D8 was accepted: lots decided after this count for the effectiveness check.
    verifying_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    supplier: Mapped[Supplier] = relationship()
    part: Mapped[Part] = relationship()
    raised_by: Mapped[User] = relationship()
    steps: Mapped[list[ScarStep]] = relationship(back_populates="scar", order_by="ScarStep.code")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(check_in("severity", Severity), name="severity"),
        CheckConstraint(check_in("source", Source), name="source"),
        CheckConstraint(check_in("state", ScarState), name="state"),
        Index("ix_scar_supplier_state", "supplier_id", "state"),
        Index("ix_scar_part_state", "part_id", "state"),
        # The SCAR list's order (newest first): a page is read from the index, not sorted from all.
        Index("ix_scar_issued", "issued_on", "id"),
    )

    def __str__(self) -> str:
        return self.number


class ScarStep(SupplierOwned, db.Model):
    """One 8D discipline of a SCAR: its due date, its state and the supplier's working draft."""

    id: Mapped[int] = mapped_column(primary_key=True)
    scar_id: Mapped[int] = mapped_column(ForeignKey("scar.id"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    state: Mapped[str] = mapped_column(String(10), default=StepState.OPEN)
    due_on: Mapped[date] = mapped_column(Date)
    draft: Mapped[dict] = mapped_column(JSON, default=dict)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    scar: Mapped[Scar] = relationship(back_populates="steps")

    __table_args__ = (
        UniqueConstraint("scar_id", "code"),
        CheckConstraint(check_in("state", StepState), name="state"),
        CheckConstraint("code IN ('D0','D1','D2','D3','D4','D5','D6','D7','D8')", name="code"),
        Index("ix_scar_step_due", "state", "due_on"),
    )

    @property
    def is_done(self) -> bool:
        return self.state == StepState.ACCEPTED


class StepSubmission(SupplierOwned, db.Model):
    """One submission of a step, kept as sent, with the reviewer's decision on it; never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("scar_step.id"), index=True)
    number: Mapped[int]
    content: Mapped[dict] = mapped_column(JSON)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    submitted_by_name: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    step: Mapped[ScarStep] = relationship()

    __table_args__ = (
        UniqueConstraint("step_id", "number"),
        CheckConstraint("decision IS NULL OR decision IN ('accepted', 'returned')", name="decision"),
    )


class ScarLot(SupplierOwned, db.Model):
    """A lot linked to a SCAR: the one it was raised from, others affected, or one that reopened it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    scar_id: Mapped[int] = mapped_column(ForeignKey("scar.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # "raised", "affected", "reopened", "verified"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lot: Mapped[Lot] = relationship()

    __table_args__ = (
        UniqueConstraint("scar_id", "lot_id"),
        CheckConstraint("role IN ('raised', 'affected', 'reopened', 'verified')", name="role"),
    )


class ScarAttachment(SupplierOwned, db.Model):
    """Evidence on a SCAR or one of its steps (photos, PDFs, spreadsheets)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    scar_id: Mapped[int] = mapped_column(ForeignKey("scar.id"), index=True)
    step_code: Mapped[str | None] = mapped_column(String(2))
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attachment: Mapped[Attachment] = relationship()


class StepReminder(SupplierOwned, db.Model):
    """A reminder sent about a step's due date: one per (step, kind, due date), so never twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("scar_step.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "due_soon" (48 h before), "due_today", "overdue"
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("step_id", "kind", "due_on"),
        CheckConstraint("kind IN ('due_soon', 'due_today', 'overdue')", name="kind"),
    )
