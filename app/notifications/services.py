"""Notify users (an in-app row and an e-mail each), count, list and mark notifications read."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from flask import g, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import ColumnElement, func, select, update

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.notifications import texts
from app.notifications.models import Notification, NotificationKind
from app.outbox.services import absolute_path, queue_email
from app.pagination import Page, page_number

log = logging.getLogger(__name__)
PER_PAGE = 50
UNREAD = "unread_notifications"  # where a request keeps the signed-in user's unread count (`g`)
URL_LENGTH = 300  # Notification.url
SUBJECT_LENGTH = 200  # the outbox's subject column


def is_local_path(path: str) -> bool:
    """True for a path inside the app ("/lots/12"); not a URL, not "//host", no backslash."""
    return (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and path.isprintable()
        and len(path) <= URL_LENGTH
    )


def notify(
    recipients: Iterable[User], kind: NotificationKind, params: Mapping[str, str | int], path: str
) -> list[Notification]:
    """Tell each distinct active recipient: one in-app row and one e-mail each, in the caller's
    transaction (flushed, not committed); the e-mail is written in the recipient's language."""
    if not is_local_path(path):
        raise ValueError(f"a notification links to an in-app path, not {path!r}")
    kind = NotificationKind(kind)
    unique = {user.id: user for user in recipients if user.is_active_account}
    rows = []
    for user in unique.values():
        row = Notification(user_id=user.id, kind=kind, params=dict(params), url=path)
        db.session.add(row)
        rows.append(row)
        _queue_email(user, row)
    db.session.flush()
    forget_unread()
    log.info("notified users %s of %s (%s)", sorted(unique), kind, path)
    return rows


def _queue_email(user: User, row: Notification) -> None:
    with force_locale(user.locale):
        sentence = texts.sentence(row.kind, row.params)
        body = render_template(
            "email/notification.txt",
            user=user,
            sentence=sentence,
            message=row.params.get("message"),
            message_label=texts.message_label(row.kind, row.params),
            link=absolute_path(row.url),
        )
    subject = sentence if len(sentence) <= SUBJECT_LENGTH else sentence[: SUBJECT_LENGTH - 1] + "…"
    queue_email(user.email, subject, body)


def _unread(user_id: int) -> tuple[ColumnElement[bool], ...]:
    return (Notification.user_id == user_id, Notification.read_at.is_(None))


def unread_count(user_id: int) -> int:
    """How many notifications the user has not read (one COUNT on the partial index)."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(*_unread(user_id))) or 0


def unread_count_of_user() -> ColumnElement[int]:
    """`unread_count` as a column of a query of users (the nav's figure, read with the signed-in user)."""
    mine = (Notification.user_id == User.id, Notification.read_at.is_(None))
    return select(func.count()).select_from(Notification).where(*mine).scalar_subquery()


def forget_unread() -> None:
    """Drop the request's unread count read with the user (`UNREAD` in `g`): it has just changed."""
    if has_app_context():
        g.pop(UNREAD, None)


def page_of(user_id: int, number: int = 1, per_page: int = PER_PAGE) -> Page[Notification]:
    """One page of the user's notifications, newest first."""
    mine = Notification.user_id == user_id
    total = db.session.scalar(select(func.count()).select_from(Notification).where(mine)) or 0
    number = page_number(number, total, per_page)
    items = db.session.scalars(
        select(Notification)
        .where(mine)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return Page(list(items), total, number, per_page)


def mark_read(user_id: int, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read; None when the id is not theirs (or not at all)."""
    row = db.session.scalars(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    ).one_or_none()
    if row is not None and row.read_at is None:
        row.read_at = utcnow()
        db.session.flush()
        forget_unread()
    return row


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read, in one UPDATE; returns how many."""
    result = db.session.execute(update(Notification).where(*_unread(user_id)).values(read_at=utcnow()))
    forget_unread()
    return result.rowcount  # type: ignore[attr-defined,no-any-return]
