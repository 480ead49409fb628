"""The figures shown on the home pages, each one aggregate query."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from app.audit import queries as audit_queries
from app.audit.models import AuditEvent
from app.auth.models import User
from app.certificates.services import CertificateWarning, expiring_certificates
from app.extensions import db
from app.lots.models import Lot, LotState
from app.outbox.models import OutboxMessage, OutboxStatus
from app.reviews.models import Deviation, DeviationState
from app.scars.models import Scar, ScarState, ScarStep, StepState
from app.scars.steps import SPECS
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


def statuses_of(overview: list[tuple[Supplier, int, int]]) -> dict[str, int]:
    """How many suppliers of `suppliers_overview()` stand at each status (no query: it lists them all)."""
    return dict(Counter(supplier.status for supplier, _sites, _users in overview))


def pending_outbox() -> int:
    """E-mails waiting for delivery."""
    return db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)) or 0


def recent_events(limit: int = 10) -> list[AuditEvent]:
    """The latest audit events visible to the session, with their actors (one query)."""
    return audit_queries.recent_events(limit)


def certificate_warnings() -> list[CertificateWarning]:
    """Visible sites whose ISO 9001 certificate ends within the warning period or has ended."""
    return expiring_certificates()


def start_of_week(now: datetime) -> datetime:
    """Monday 00:00 UTC of the week of `now`."""
    monday = now.date() - timedelta(days=now.weekday())
    return datetime.combine(monday, time.min, tzinfo=UTC)


def start_of_month(now: datetime) -> datetime:
    return datetime.combine(now.date().replace(day=1), time.min, tzinfo=UTC)


def decided_since(since: datetime) -> dict[str, int]:
    """Lots decided since `since`, by final state (one query)."""
    rows = db.session.execute(
        select(Lot.state, func.count(Lot.id)).where(Lot.decided_at >= since).group_by(Lot.state)
    )
    return {state: n for state, n in rows}


def most_rejections(since: datetime, limit: int = 5) -> list[tuple[Supplier, int, int]]:
    """Suppliers with the most rejected lots since `since`: (supplier, rejected, decided)."""
    rejected = func.count(Lot.id).filter(Lot.state == LotState.REJECTED)
    rows = db.session.execute(
        select(Supplier, rejected, func.count(Lot.id))
        .join(Lot, Lot.supplier_id == Supplier.id)
        .where(Lot.decided_at >= since)
        .group_by(Supplier.id)
        .having(rejected > 0)
        .order_by(rejected.desc(), Supplier.code)
        .limit(limit)
    )
    return [(supplier, n_rejected, n_decided) for supplier, n_rejected, n_decided in rows]


def deviations_awaiting(limit: int = 10) -> list[Deviation]:
    """Deviations waiting for a quality manager's second signature, oldest first."""
    return list(
        db.session.scalars(
            select(Deviation)
            .options(
                joinedload(Deviation.lot).joinedload(Lot.part),
                joinedload(Deviation.lot).joinedload(Lot.supplier),
            )
            .where(Deviation.state == DeviationState.AWAITING)
            .order_by(Deviation.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class StepDue:
    """A SCAR step the supplier still has to answer, with its due date."""

    scar_id: int
    scar_number: str
    code: str
    state: str
    due_on: date
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def title(self) -> str:
        return str(SPECS[self.code].title)


@dataclass(frozen=True)
class OverdueScar:
    """An open SCAR with overdue steps: the first of them, how many, and the days since the earliest."""

    scar_id: int
    scar_number: str
    supplier_code: str
    first_step: str
    steps: int
    days_late: int


# "Not accepted" spelled as the other states, so that the (state, due_on) index finds the late steps.
NOT_ACCEPTED = tuple(state for state in StepState if state != StepState.ACCEPTED)


def _late(today: date) -> ColumnElement[bool]:
    """SQL: a step of an open SCAR, not accepted, past its due date."""
    return (Scar.state == ScarState.OPEN) & ScarStep.state.in_(NOT_ACCEPTED) & (ScarStep.due_on < today)


def scar_steps_due(today: date, within_days: int = 7, limit: int = 20) -> list[StepDue]:
    """Visible open or returned steps of open SCARs due within `within_days` or overdue, earliest first."""
    rows = db.session.execute(
        select(Scar.id, Scar.number, ScarStep.code, ScarStep.state, ScarStep.due_on)
        .join(ScarStep, ScarStep.scar_id == Scar.id)
        .where(
            Scar.state == ScarState.OPEN,
            ScarStep.state.in_((StepState.OPEN, StepState.RETURNED)),
            ScarStep.due_on <= today + timedelta(days=within_days),
        )
        .order_by(ScarStep.due_on, Scar.number, ScarStep.code)
        .limit(limit)
    )
    return [StepDue(i, number, code, state, due, (due - today).days) for i, number, code, state, due in rows]


@dataclass(frozen=True)
class StepToJudge:
    """A submitted 8D step of a SCAR the reviewer raised: it waits for them to accept or return it."""

    scar_id: int
    scar_number: str
    supplier_code: str
    code: str
    due_on: date


def steps_to_judge(issuer_id: int, limit: int = 10) -> tuple[int, list[StepToJudge]]:
    """How many submitted steps of open SCARs raised by `issuer_id` wait for a decision, and the
    earliest due of them: one query, the total counted over every row before the limit."""
    rows = db.session.execute(
        select(Scar.id, Scar.number, Supplier.code, ScarStep.code, ScarStep.due_on, func.count().over())
        .join(ScarStep, ScarStep.scar_id == Scar.id)
        .join(Supplier, Supplier.id == Scar.supplier_id)
        .where(
            Scar.raised_by_id == issuer_id,
            Scar.state == ScarState.OPEN,
            ScarStep.state == StepState.SUBMITTED,
        )
        .order_by(ScarStep.due_on, Scar.number, ScarStep.code)
        .limit(limit)
    ).all()
    total = int(rows[0][-1]) if rows else 0
    return total, [StepToJudge(*row[:-1]) for row in rows]


def overdue_scars(today: date, limit: int = 5) -> tuple[int, list[OverdueScar]]:
    """How many steps of open SCARs are past their due date and not accepted (submitted ones included),
    and the open SCARs whose earliest overdue step is the most overdue, one row each: one query, the
    total summed over every SCAR's group before the limit."""
    earliest = func.min(ScarStep.due_on)
    rows = db.session.execute(
        select(
            Scar.id,
            Scar.number,
            Supplier.code,
            func.min(ScarStep.code),
            func.count(),
            earliest,
            func.sum(func.count()).over(),
        )
        .join(ScarStep, ScarStep.scar_id == Scar.id)
        .join(Supplier, Supplier.id == Scar.supplier_id)
        .where(_late(today))
        .group_by(Scar.id, Scar.number, Supplier.code)
        .order_by(earliest, Scar.number)
        .limit(limit)
    ).all()
    total = int(rows[0][-1]) if rows else 0
    return total, [
        OverdueScar(i, number, code, first, n, (today - due).days)
        for i, number, code, first, n, due, _total in rows
    ]
