"""Recording site certificates and waivers, and the gate that lets a site submit lots or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.attachments.storage import DOCUMENTS, AttachmentError, save_upload
from app.audit.services import record, snapshot
from app.auth.models import User
from app.certificates import policy
from app.certificates.models import CertificateWaiver, SiteCertificate
from app.clock import utcnow
from app.extensions import db
from app.rules import RuleError
from app.suppliers.models import Site, Supplier

# SPEC 2: Kensa warns this many days before a certificate expires.
EXPIRY_WARNING_DAYS = 60
CERTIFICATE_FIELDS = ("site_id", "number", "certification_body", "valid_from", "valid_until", "attachment_id")
WAIVER_FIELDS = ("site_id", "reason", "valid_until")


class CertificateError(RuleError):
    """A certificate or waiver refused by a rule; `field` names the form field at fault."""


class GateStatus(StrEnum):
    """Where a site's certificate stands on a day."""

    VALID = "valid"
    EXPIRING = "expiring"
    LAPSED = "lapsed"
    WAIVED = "waived"
    MISSING = "missing"


@dataclass(frozen=True)
class SiteGate:
    """Whether a site may submit new lots on a day, and why, in words for the user."""

    allowed: bool
    status: GateStatus
    valid_until: date | None
    waiver_until: date | None
    message: str


@dataclass(frozen=True)
class CertificateWarning:
    """A site whose current certificate ends soon or has ended; negative `days_left`: lapsed."""

    site: Site
    supplier: Supplier
    valid_until: date
    days_left: int
    waiver_until: date | None


def today() -> date:
    """Today's date in UTC, the day against which validity is judged."""
    return utcnow().date()


def current_certificate(site: Site, on: date) -> SiteCertificate | None:
    """The certificate in force on a day: the latest-ending one among those already started."""
    return db.session.scalars(
        select(SiteCertificate)
        .where(SiteCertificate.site_id == site.id, SiteCertificate.valid_from <= on)
        .order_by(SiteCertificate.valid_until.desc(), SiteCertificate.id.desc())
        .limit(1)
    ).first()


def active_waiver(site: Site, on: date) -> CertificateWaiver | None:
    """The waiver that runs longest among those still running on a day (valid through its end date)."""
    return db.session.scalars(
        select(CertificateWaiver)
        .where(CertificateWaiver.site_id == site.id, CertificateWaiver.valid_until >= on)
        .order_by(CertificateWaiver.valid_until.desc(), CertificateWaiver.id.desc())
        .limit(1)
    ).first()


def site_lot_gate(site: Site, on: date | None = None) -> SiteGate:
    """May `site` submit new lots on `on` (default today)? Not when lapsed or missing, bar a waiver."""
    on = on or today()
    certificate = current_certificate(site, on)
    until = certificate.valid_until if certificate else None
    if until is not None and until >= on:
        days_left = (until - on).days
        if days_left > EXPIRY_WARNING_DAYS:
            message = _(
                "The ISO 9001 certificate of %(site)s is valid until %(date)s.",
                site=site.name,
                date=until.isoformat(),
            )
            return SiteGate(True, GateStatus.VALID, until, None, message)
        return SiteGate(True, GateStatus.EXPIRING, until, None, _expiring_message(site, until, days_left))
    waiver = active_waiver(site, on)
    if waiver is not None:
        return SiteGate(
            True, GateStatus.WAIVED, until, waiver.valid_until, _waived_message(site, until, waiver)
        )
    if until is None:
        message = _(
            "No ISO 9001 certificate of %(site)s is recorded. New lots are refused until a certificate "
            "is recorded or a quality manager grants a waiver.",
            site=site.name,
        )
        return SiteGate(False, GateStatus.MISSING, None, None, message)
    message = _(
        "The ISO 9001 certificate of %(site)s expired on %(date)s. New lots are refused until a renewal "
        "is recorded or a quality manager grants a waiver.",
        site=site.name,
        date=until.isoformat(),
    )
    return SiteGate(False, GateStatus.LAPSED, until, None, message)


def _expiring_message(site: Site, until: date, days_left: int) -> str:
    if days_left == 0:
        return _(
            "The ISO 9001 certificate of %(site)s expires today. Record the renewal, or new lots will "
            "be refused from tomorrow.",
            site=site.name,
        )
    return ngettext(
        "The ISO 9001 certificate of %(site)s expires on %(date)s, in %(num)d day. Record the renewal "
        "before then, or new lots will be refused.",
        "The ISO 9001 certificate of %(site)s expires on %(date)s, in %(num)d days. Record the renewal "
        "before then, or new lots will be refused.",
        days_left,
        site=site.name,
        date=until.isoformat(),
    )


def _waived_message(site: Site, until: date | None, waiver: CertificateWaiver) -> str:
    if until is None:
        return _(
            "No ISO 9001 certificate of %(site)s is recorded, but a quality manager granted a waiver "
            "until %(waiver)s. New lots are accepted until then.",
            site=site.name,
            waiver=waiver.valid_until.isoformat(),
        )
    return _(
        "The ISO 9001 certificate of %(site)s expired on %(date)s, but a quality manager granted a waiver "
        "until %(waiver)s. New lots are accepted until then; record the renewal before it ends.",
        site=site.name,
        date=until.isoformat(),
        waiver=waiver.valid_until.isoformat(),
    )


def record_certificate(
    site: Site,
    *,
    number: str,
    certification_body: str,
    valid_from: date,
    valid_until: date,
    scan: FileStorage | None = None,
    recorded_by: User | None = None,
) -> SiteCertificate:
    """Record a site's certificate or its renewal (a new row), with the scanned certificate if given."""
    if valid_until <= valid_from:
        raise CertificateError(_("“Valid until” must be after “valid from”."), "valid_until")
    duplicate = select(SiteCertificate.id).where(
        SiteCertificate.site_id == site.id,
        SiteCertificate.number == number,
        SiteCertificate.valid_from == valid_from,
    )
    if db.session.scalar(duplicate) is not None:
        raise CertificateError(
            _(
                "Certificate %(number)s starting on %(date)s is already recorded.",
                number=number,
                date=valid_from.isoformat(),
            ),
            "number",
        )
    attachment = None
    if scan is not None and scan.filename:
        try:
            attachment = save_upload(
                scan,
                kinds=DOCUMENTS,
                supplier_id=site.supplier_id,
                uploaded_by_id=recorded_by.id if recorded_by else None,
            )
        except AttachmentError as error:
            raise CertificateError(str(error), "scan") from error
    certificate = SiteCertificate(
        supplier_id=site.supplier_id,
        site_id=site.id,
        number=number,
        certification_body=certification_body,
        valid_from=valid_from,
        valid_until=valid_until,
        attachment_id=attachment.id if attachment else None,
        recorded_by_id=recorded_by.id if recorded_by else None,
    )
    db.session.add(certificate)
    db.session.flush()
    record("certificate.recorded", certificate, after=snapshot(certificate, CERTIFICATE_FIELDS))
    return certificate


def grant_waiver(
    site: Site, *, reason: str, valid_until: date, granted_by: User, on: date | None = None
) -> CertificateWaiver:
    """A quality manager lets a site submit lots without a valid certificate until an end date."""
    if not policy.can_grant_waivers(granted_by):
        raise CertificateError(_("Only a quality manager can grant a waiver."))
    on = on or today()
    if valid_until < on:
        raise CertificateError(
            _(
                "The end date %(date)s is in the past. Choose today or a later date.",
                date=valid_until.isoformat(),
            ),
            "valid_until",
        )
    waiver = CertificateWaiver(
        supplier_id=site.supplier_id,
        site_id=site.id,
        reason=reason,
        valid_until=valid_until,
        granted_by_id=granted_by.id,
    )
    db.session.add(waiver)
    db.session.flush()
    record("certificate_waiver.granted", waiver, after=snapshot(waiver, WAIVER_FIELDS))
    return waiver


def site_certificates(site: Site) -> list[SiteCertificate]:
    """A site's certificates, the latest-ending first."""
    return list(
        db.session.scalars(
            select(SiteCertificate)
            .where(SiteCertificate.site_id == site.id)
            .order_by(SiteCertificate.valid_until.desc(), SiteCertificate.id.desc())
        )
    )


def site_waivers(site: Site) -> list[CertificateWaiver]:
    """A site's waivers, the latest-ending first."""
    return list(
        db.session.scalars(
            select(CertificateWaiver)
            .where(CertificateWaiver.site_id == site.id)
            .order_by(CertificateWaiver.valid_until.desc(), CertificateWaiver.id.desc())
        )
    )


def expiring_certificates(
    within_days: int = EXPIRY_WARNING_DAYS, on: date | None = None
) -> list[CertificateWarning]:
    """Visible sites whose current certificate ends within `within_days` or has ended, soonest first."""
    on = on or today()
    current = (
        select(SiteCertificate.site_id, func.max(SiteCertificate.valid_until).label("until"))
        .where(SiteCertificate.valid_from <= on)
        .group_by(SiteCertificate.site_id)
        .subquery()
    )
    waivers = (
        select(CertificateWaiver.site_id, func.max(CertificateWaiver.valid_until).label("until"))
        .where(CertificateWaiver.valid_until >= on)
        .group_by(CertificateWaiver.site_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Site, Supplier, current.c.until, waivers.c.until)
        .join(Supplier, Supplier.id == Site.supplier_id)
        .join(current, current.c.site_id == Site.id)
        .outerjoin(waivers, waivers.c.site_id == Site.id)
        .where(current.c.until <= on + timedelta(days=within_days))
        .order_by(current.c.until, Supplier.code, Site.name)
    )
    return [
        CertificateWarning(site, supplier, until, (until - on).days, waiver_until)
        for site, supplier, until, waiver_until in rows
    ]
