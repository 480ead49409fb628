"""The figures shown on the home pages, each one aggregate query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.certificates.services import CertificateWarning, expiring_certificates
from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.suppliers.models import Site, Supplier


@dataclass(frozen=True)
class UserCounts:
    """Active, invited (no password yet) and deactivated accounts."""

    active: int
    invited: int
    deactivated: int


def user_counts(supplier_id: int | None = None) -> UserCounts:
    """Account counts, for one supplier or (None) for all users visible to the session."""
    invited = User.password_hash.is_(None) & User.is_active_account
    query = select(
        func.count().filter(User.is_active_account & User.password_hash.is_not(None)),
        func.count().filter(invited),
        func.count().filter(~User.is_active_account),
    )
    if supplier_id is not None:
        query = query.where(User.supplier_id == supplier_id)
    active, pending, deactivated = db.session.execute(query).one()
    return UserCounts(active, pending, deactivated)


def suppliers_overview() -> list[tuple[Supplier, int, int]]:
    """Each visible supplier with its number of sites and active users."""
    sites = select(Site.supplier_id, func.count().label("n")).group_by(Site.supplier_id).subquery()
    users = (
        select(User.supplier_id, func.count().label("n"))
        .where(User.is_active_account)
        .group_by(User.supplier_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Supplier, func.coalesce(sites.c.n, 0), func.coalesce(users.c.n, 0))
        .outerjoin(sites, sites.c.supplier_id == Supplier.id)
        .outerjoin(users, users.c.supplier_id == Supplier.id)
        .order_by(Supplier.code)
    )
    return [(s, n_sites, n_users) for s, n_sites, n_users in rows]


def suppliers_by_status() -> dict[str, int]:
    """How many suppliers stand at each status."""
    rows = db.session.execute(select(Supplier.status, func.count()).group_by(Supplier.status))
    return {status: n for status, n in rows}


def pending_outbox() -> int:
    """E-mails waiting for delivery."""
    return db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)) or 0


def recent_events(limit: int = 10) -> list[AuditEvent]:
    """The latest audit events visible to the session."""
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))


def certificate_warnings() -> list[CertificateWarning]:
    """Visible sites whose ISO 9001 certificate ends within the warning period or has ended."""
    return expiring_certificates()
