"""A notification: one event told to one user, rendered in the reader's language when read."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import UTCDateTime, check_in
from app.extensions import db


class NotificationKind(StrEnum):
    """What happened; `app.notifications.texts` holds the sentence of each."""

    LOT_SUBMITTED = "lot_submitted"
    LOT_RETURNED = "lot_returned"
    LOT_DECIDED = "lot_decided"
    DEVIATION_AWAITING_SIGNATURE = "deviation_awaiting_signature"
    DEVIATION_REFUSED = "deviation_refused"
    SCAR_ISSUED = "scar_issued"
    SCAR_REOPENED = "scar_reopened"
    SCAR_STEP_DUE = "scar_step_due"
    SCAR_OVERDUE = "scar_overdue"
    SCAR_STEP_SUBMITTED = "scar_step_submitted"
    SCAR_STEP_RETURNED = "scar_step_returned"
    SCAR_STEP_ACCEPTED = "scar_step_accepted"
    SCORECARD_PUBLISHED = "scorecard_published"


class Notification(db.Model):
    """One event for one recipient; `params` fill its sentence, `url` is an in-app path."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # The values the sentence needs, not the sentence: each reader gets it in their own language.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(300))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(check_in("kind", NotificationKind), name="kind"),
        # The list, newest first.
        Index("ix_notification_user_created", "user_id", "created_at"),
        # The unread count in the nav bar, on every page: only unread rows are indexed.
        Index(
            "ix_notification_unread",
            "user_id",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
    )

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
