"""An uploaded file's metadata; the bytes live in the instance folder under a random name."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.names import names_records
from app.db import TenantScoped, TimestampMixin
from app.extensions import db


class Attachment(TenantScoped, TimestampMixin, db.Model):
    """A stored file (photo, PDF, spreadsheet) belonging to a supplier's record or to the brand."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The file's name on disk: random, so that it says nothing about the content or the uploader.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


names_records(Attachment, lambda a: a.filename)
