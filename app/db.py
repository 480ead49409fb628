"""Declarative base with a constraint naming convention, and shared column mixins."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, MetaData, Numeric, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from app.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones; without this, values read back naive and compare
    wrongly against aware ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; Kensa stores aware UTC datetimes")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base of every Kensa table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """Creation and update times, in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class TenantScoped:
    """A row whose `supplier_id` says which supplier may see it; `app.tenancy` scopes it.

    Rows with a NULL supplier_id (internal users, internal audit events) are
    invisible to supplier users.
    """

    @declared_attr
    def supplier_id(cls) -> Mapped[int | None]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(ForeignKey("supplier.id"), index=True)


class SupplierOwned(TenantScoped):
    """A row that always belongs to exactly one supplier."""

    @declared_attr
    def supplier_id(cls) -> Mapped[int]:  # type: ignore[override]  # noqa: N805
        return mapped_column(ForeignKey("supplier.id"), index=True, nullable=False)


def check_in(column: str, values: type[StrEnum]) -> str:
    """SQL for a CHECK that `column` holds one of an enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Measure(TypeDecorator):
    """A decimal measurement or limit, read back without padding zeros (1.2, not 1.200000)."""

    impl = Numeric(18, 6)
    cache_ok = True

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        value = Decimal(value)
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
