"""A supplier's webhook endpoints and the log of every delivery to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import SupplierOwned, UTCDateTime, check_in
from app.extensions import db


class Webhook(SupplierOwned, db.Model):
    """An https URL that receives the events it subscribed to, signed with its secret."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON)
    # Kept in clear: every delivery is signed with it (Standard Webhooks' symmetric signature).
    secret: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt failed


class WebhookDelivery(SupplierOwned, db.Model):
    """One event for one webhook: its message, and how sending it went."""

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    webhook: Mapped[Webhook] = relationship()

    __table_args__ = (
        CheckConstraint(check_in("state", DeliveryState), name="state"),
        Index(None, "state", "next_attempt_at"),
    )
