"""Reminders about SCAR step due dates: 48 hours before, on the day, and once when overdue.

`flask scar remind` calls `send_reminders` every hour or so. Each reminder is a `StepReminder` row,
unique per (step, kind, due date), written before anyone is told: a second run, or two runs at
once, finds the row (or meets the unique constraint) and stays silent. Moving a step's due
date makes a new key, so the new date is reminded again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import contains_eager

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.scars.models import Scar, ScarState, ScarStep, StepReminder, StepState
from app.tenancy import internal_users

log = logging.getLogger(__name__)

DUE_SOON, DUE_TODAY, OVERDUE = "due_soon", "due_today", "overdue"
KINDS = (DUE_SOON, DUE_TODAY, OVERDUE)
SOON_DAYS = 2  # "48 hours before"
NOTICE = {
    DUE_SOON: NotificationKind.SCAR_STEP_DUE,
    DUE_TODAY: NotificationKind.SCAR_STEP_DUE,
    OVERDUE: NotificationKind.SCAR_OVERDUE,
}


def _kind_on(today: date) -> ColumnElement[str]:
    """SQL: the kind of reminder a step's due date calls for on `today`."""
    return case(
        (ScarStep.due_on < today, OVERDUE),
        (ScarStep.due_on == today, DUE_TODAY),
        else_=DUE_SOON,
    )


def steps_to_remind(today: date) -> list[tuple[ScarStep, str]]:
    """Steps of open SCARs, not accepted, due within 48 hours or overdue, not yet reminded of that.

    A step due tomorrow counts as "due soon" too, so that a run missed on the day before yesterday,
    or a critical SCAR whose containment falls due the next day, still gets its early reminder.
    """
    kind = _kind_on(today)
    reminded = exists().where(
        StepReminder.step_id == ScarStep.id,
        StepReminder.kind == kind,
        StepReminder.due_on == ScarStep.due_on,
    )
    rows = db.session.execute(
        select(ScarStep, kind)
        .join(Scar, Scar.id == ScarStep.scar_id)
        .options(
            contains_eager(ScarStep.scar).joinedload(Scar.supplier),
            contains_eager(ScarStep.scar).joinedload(Scar.part),
        )
        .where(
            Scar.state == ScarState.OPEN,
            ScarStep.state != StepState.ACCEPTED,
            ScarStep.due_on <= today + timedelta(days=SOON_DAYS),
            ~reminded,
        )
        .order_by(ScarStep.scar_id, ScarStep.due_on, ScarStep.code)
    )
    return [(step, step_kind) for step, step_kind in rows]


def _claim(step: ScarStep, kind: str) -> bool:
    """Record the reminder; False when another run (or an earlier one) already did.

    INSERT … ON CONFLICT DO NOTHING on the unique (step, kind, due date): a concurrent run's row
    makes this one wait for its commit and then insert nothing. (A SAVEPOINT would do on
    PostgreSQL, but pysqlite commits a SAVEPOINT opened outside a transaction on its own, so the
    reminder would stay recorded even if the run then failed before telling anyone.)
    """
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(StepReminder)
        .values(
            supplier_id=step.supplier_id, step_id=step.id, kind=kind, due_on=step.due_on, sent_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["step_id", "kind", "due_on"])
        .returning(StepReminder.id)
    )
    return db.session.execute(statement).scalar_one_or_none() is not None


def send_reminders(today: date) -> dict[str, int]:
    """Remind the supplier's people and the SCAR's issuer of steps falling due or overdue.

    Returns the steps reminded per kind and the notifications written ("notifications"); flushes,
    the caller commits.
    """
    counts = dict.fromkeys((*KINDS, "notifications"), 0)
    # One notice per SCAR, kind and date: D0-D3 usually fall due together, and four e-mails
    # saying the same thing would teach people to ignore them.
    groups: dict[tuple[int, str, date], list[ScarStep]] = defaultdict(list)
    for step, kind in steps_to_remind(today):
        if _claim(step, kind):
            groups[(step.scar_id, kind, step.due_on)].append(step)
            counts[kind] += 1
    people: dict[int, list[User]] = {}
    for (_scar_id, kind, due_on), steps in groups.items():
        scar = steps[0].scar
        if scar.supplier_id not in people:
            people[scar.supplier_id] = _supplier_people(scar.supplier_id)
        recipients = [*people[scar.supplier_id], *internal_users(User.id == scar.raised_by_id)]
        params: dict[str, str | int] = {
            "scar_number": scar.number,
            "supplier_code": scar.supplier.code,
            "part_number": scar.part.part_number,
            "step": ", ".join(step.code for step in steps),
            "due_date": due_on.isoformat(),
        }
        counts["notifications"] += len(notify(recipients, NOTICE[kind], params, f"/scars/{scar.id}"))
    log.info("SCAR reminders for %s: %s", today.isoformat(), counts)
    return counts


def _supplier_people(supplier_id: int) -> list[User]:
    """The supplier's active users (its managers and inspectors)."""
    return list(
        db.session.scalars(
            select(User).where(User.supplier_id == supplier_id, User.is_active_account).order_by(User.id)
        )
    )
