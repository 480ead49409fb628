"""The append-only audit trail; each entry carries the hash of the one before."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import TenantScoped, UTCDateTime
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User
    from app.suppliers.models import Supplier


class AuditEvent(TenantScoped, db.Model):
    """Who did what to which record, with the values before and after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    # The name of the HMAC key the hash was made with (AUDIT_KEY_ID); None for the events written
    # before the chain was keyed, which are plain SHA-256 and anchored by the first keyed event.
    key_id: Mapped[str | None] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor: Mapped[User | None] = relationship(viewonly=True)
    supplier: Mapped[Supplier | None] = relationship(viewonly=True)

    __table_args__ = (Index(None, "object_type", "object_id"),)
