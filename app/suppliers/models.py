"""Suppliers (the OEMs) and their factory sites."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.audit.names import names_records
from app.db import SupplierOwned, TimestampMixin, check_in
from app.extensions import db


class SupplierStatus(StrEnum):
    """Where a supplier stands with the brand."""

    ACTIVE = "active"
    ON_PROBATION = "on_probation"
    SUSPENDED = "suspended"


class Supplier(TimestampMixin, db.Model):
    """An OEM that makes parts for the brand."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), default=SupplierStatus.ACTIVE)
    default_language: Mapped[str] = mapped_column(String(10), default="en")
    # Set by the supplier's manager: every user of the supplier signs in with a second factor.
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A new one whenever what its scorecard counts changes (app/suppliers/versions.py).
    data_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    sites: Mapped[list[Site]] = relationship(
        back_populates="supplier", order_by="Site.name", cascade="save-update, merge"
    )

    __table_args__ = (CheckConstraint(check_in("status", SupplierStatus), name="status"),)

    def __str__(self) -> str:
        return f"{self.code} {self.legal_name}"


class Site(SupplierOwned, TimestampMixin, db.Model):
    """A factory location of a supplier (Chonburi, Wuxi, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(50), default="UTC")  # IANA; its new users start in it

    supplier: Mapped[Supplier] = relationship(back_populates="sites")

    __table_args__ = (UniqueConstraint("supplier_id", "name"),)

    def __str__(self) -> str:
        return self.name


names_records(Supplier, lambda s: s.code)
names_records(Site, lambda s: f"{s.name} ({s.supplier.code})", lambda: (joinedload(Site.supplier),))
