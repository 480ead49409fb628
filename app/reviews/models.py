"""Reviewer assignments, electronic signatures on lot decisions, and deviations (concessions)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.audit.names import names_records
from app.auth.models import User
from app.clock import utcnow
from app.db import SupplierOwned, UTCDateTime, check_in
from app.extensions import db
from app.lots.models import Lot
from app.reviews.limits import ChartKind, ChartLimits
from app.standards.models import Characteristic, Standard, StandardRevision


class ReviewerAssignment(SupplierOwned, db.Model):
    """A reviewer in charge of a supplier: its lots come first in their queue and notify them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("supplier_id", "user_id"),)


class Meaning(StrEnum):
    """What a signature means (21 CFR Part 11 §11.50: the meaning is part of the record)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    DEVIATION_REQUESTED = "deviation_requested"
    DEVIATION_APPROVED = "deviation_approved"
    DEVIATION_REFUSED = "deviation_refused"


class Signature(SupplierOwned, db.Model):
    """One electronic signature on a lot: who (name and role as they were), when, what it means, why.

    Written once, never changed or deleted: the mapper refuses updates and deletes, and the
    audit trail's hash chain holds the same content.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("lot_dataset.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_role: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    meaning: Mapped[str] = mapped_column(String(24))
    # The reason of a rejection or deviation, or the message of a return; may be empty on acceptance.
    reason: Mapped[str] = mapped_column(Text, default="")
    # The signer ticked that this decision goes against the evaluation's recommendation (accepting a
    # lot it recommends rejecting, or the reverse).
    against_recommendation: Mapped[bool] = mapped_column(default=False, server_default=false())

    signer: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint(check_in("meaning", Meaning), name="meaning"),)


@event.listens_for(Signature, "before_update")
@event.listens_for(Signature, "before_delete")
def _signatures_are_final(mapper: Any, connection: Any, target: Signature) -> None:
    raise ValueError(f"signature {target.id} is final and cannot be changed or deleted")


class DeviationState(StrEnum):
    """A concession waits for a quality manager's second signature, then is approved or refused."""

    AWAITING = "awaiting"
    APPROVED = "approved"
    REFUSED = "refused"


class Deviation(SupplierOwned, db.Model):
    """Accepting a lot that does not meet its standard, for a quantity and until an expiry date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int]
    expires_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default=DeviationState.AWAITING)
    requested_signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id"))
    second_signature_id: Mapped[int | None] = mapped_column(ForeignKey("signature.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lot: Mapped[Lot] = relationship()
    requested: Mapped[Signature] = relationship(foreign_keys=[requested_signature_id])
    second: Mapped[Signature | None] = relationship(foreign_keys=[second_signature_id])

    __table_args__ = (
        CheckConstraint(check_in("state", DeviationState), name="state"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # At most one deviation of a lot waits for its second signature.
        Index(
            "uq_deviation_one_awaiting",
            "lot_id",
            unique=True,
            sqlite_where=text("state = 'awaiting'"),
            postgresql_where=text("state = 'awaiting'"),
        ),
        Index("ix_deviation_state", "state"),
    )


frozen_baseline_lot = Table(
    "frozen_baseline_lot",
    db.metadata,
    Column("baseline_id", ForeignKey("frozen_baseline.id"), primary_key=True),
    Column("lot_id", ForeignKey("lot.id"), primary_key=True, index=True),
)

ACTIVE = "unfrozen_at IS NULL"


class FrozenBaseline(SupplierOwned, db.Model):
    """Control limits a quality manager froze: a characteristic's charts (or, without a characteristic,
    the p-chart) of the supplier's lots of a standard revision use them instead of recomputing, until
    someone unfreezes them. Kept afterwards, with who unfroze them and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("standard_revision.id"), index=True)
    characteristic_id: Mapped[int | None] = mapped_column(ForeignKey("characteristic.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    n: Mapped[int | None]
    center: Mapped[float] = mapped_column(Float)
    lcl: Mapped[float | None] = mapped_column(Float)
    ucl: Mapped[float | None] = mapped_column(Float)
    sigma: Mapped[float | None] = mapped_column(Float)
    spread_center: Mapped[float | None] = mapped_column(Float)
    spread_lcl: Mapped[float | None] = mapped_column(Float)
    spread_ucl: Mapped[float | None] = mapped_column(Float)
    spread_sigma: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    frozen_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    unfrozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unfrozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unfreeze_reason: Mapped[str] = mapped_column(Text, default="")

    revision: Mapped[StandardRevision] = relationship()
    characteristic: Mapped[Characteristic | None] = relationship()
    frozen_by: Mapped[User] = relationship(foreign_keys=[frozen_by_id])
    unfrozen_by: Mapped[User | None] = relationship(foreign_keys=[unfrozen_by_id])
    lots: Mapped[list[Lot]] = relationship(secondary=frozen_baseline_lot, order_by=(Lot.submitted_at, Lot.id))

    __table_args__ = (
        CheckConstraint(check_in("kind", ChartKind), name="kind"),
        CheckConstraint("(kind = 'p') = (characteristic_id IS NULL)", name="p_chart_has_no_characteristic"),
        # At most one frozen baseline per chart: a characteristic's, or a revision's p-chart.
        Index(
            "uq_frozen_baseline_characteristic",
            "supplier_id",
            "characteristic_id",
            unique=True,
            sqlite_where=text(f"{ACTIVE} AND characteristic_id IS NOT NULL"),
            postgresql_where=text(f"{ACTIVE} AND characteristic_id IS NOT NULL"),
        ),
        Index(
            "uq_frozen_baseline_p_chart",
            "supplier_id",
            "revision_id",
            unique=True,
            sqlite_where=text(f"{ACTIVE} AND characteristic_id IS NULL"),
            postgresql_where=text(f"{ACTIVE} AND characteristic_id IS NULL"),
        ),
    )

    @property
    def limits(self) -> ChartLimits:
        return ChartLimits(
            ChartKind(self.kind), self.center, self.lcl, self.ucl, self.sigma, self.n,
            self.spread_center, self.spread_lcl, self.spread_ucl, self.spread_sigma,
        )  # fmt: skip


def _baseline_name(b: FrozenBaseline) -> str:
    chart = b.characteristic.code if b.characteristic else "p"
    return f"{b.revision.standard.part.part_number} rev. {b.revision.number} {chart}"


names_records(
    FrozenBaseline,
    _baseline_name,
    lambda: (
        joinedload(FrozenBaseline.revision).joinedload(StandardRevision.standard).joinedload(Standard.part),
        joinedload(FrozenBaseline.characteristic),
    ),
)
