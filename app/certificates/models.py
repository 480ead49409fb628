"""Site ISO 9001 certificates and quality managers' waivers for lapsed ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from app.attachments.models import Attachment
from app.audit.names import names_records
from app.db import SupplierOwned, TimestampMixin
from app.extensions import db
from app.suppliers.models import Site


class SiteCertificate(SupplierOwned, TimestampMixin, db.Model):
    """An ISO 9001 certificate of a site; a renewal is a new row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    number: Mapped[str] = mapped_column(String(80))
    certification_body: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    site: Mapped[Site] = relationship()
    attachment: Mapped[Attachment | None] = relationship()

    __table_args__ = (CheckConstraint("valid_from < valid_until", name="period"),)


class CertificateWaiver(SupplierOwned, TimestampMixin, db.Model):
    """A quality manager lets a site submit lots despite a lapsed certificate, until an end date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    valid_until: Mapped[date] = mapped_column(Date)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    site: Mapped[Site] = relationship()


names_records(SiteCertificate, lambda c: c.number)
names_records(CertificateWaiver, lambda w: w.site.name, lambda: (joinedload(CertificateWaiver.site),))
