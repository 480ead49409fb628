"""Scoring rules in force, suppliers' yearly targets, and published (frozen) scorecards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Float, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.clock import utcnow
from app.db import SupplierOwned, TimestampMixin, UTCDateTime, check_in
from app.extensions import db
from app.quality.scoring import Kpi
from app.suppliers.models import Supplier


class KpiRule(TimestampMixin, db.Model):
    """The weight and thresholds of one KPI, as a quality manager set them (defaults until then)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(20), unique=True)
    weight: Mapped[int]
    full_at: Mapped[float] = mapped_column(Float)
    zero_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        CheckConstraint(check_in("kpi", Kpi), name="kpi"),
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("full_at <> zero_at", name="thresholds_differ"),
    )


class SupplierTarget(SupplierOwned, TimestampMixin, db.Model):
    """A supplier's target for one KPI in one calendar year, shown on its cards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    kpi: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        UniqueConstraint("supplier_id", "year", "kpi"),
        CheckConstraint(check_in("kpi", Kpi), name="kpi"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )


class Publication(db.Model):
    """One publishing of a period: version 1, 2, … ; each freezes every supplier's card."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    version: Mapped[int]
    # The figures stand at this moment: the period's end, or the publishing time if earlier.
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    published_by_name: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(500), default="")
    # Why it was published before the period ended ("" when published after its end).
    early_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    published_by: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("period", "version"),
        CheckConstraint("version > 0", name="version_positive"),
    )


class Scorecard(SupplierOwned, db.Model):
    """A supplier's frozen card in a publication: the numbers as shown, and their SHA-256."""

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    numbers: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(1))

    publication: Mapped[Publication] = relationship()
    supplier: Mapped[Supplier] = relationship()

    __table_args__ = (UniqueConstraint("publication_id", "supplier_id"),)


class KpiSnapshot(SupplierOwned, db.Model):
    """What a supplier's draft card reads from its lots and SCARs in one period, kept from
    `data_version` of the supplier (app/scorecards/snapshots.py): used only while that is current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    data_version: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    figures: Mapped[dict[str, int]] = mapped_column(JSON)
    # The card's lists: {"pareto": [...], "rejected_lots": [...], "open_scars": [...]}.
    lists: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("supplier_id", "period"),)


@event.listens_for(Publication, "before_update")
@event.listens_for(Publication, "before_delete")
@event.listens_for(Scorecard, "before_update")
@event.listens_for(Scorecard, "before_delete")
def _published_cards_are_final(mapper: Any, connection: Any, target: Publication | Scorecard) -> None:
    raise ValueError(f"{type(target).__name__} {target.id} is published and cannot be changed or deleted")
