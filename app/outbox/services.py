"""Queueing e-mail in the outbox and delivering it (console, SMTP, or nowhere)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.jobs.queue import enqueue_after_commit
from app.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def absolute_url(endpoint: str, **values: object) -> str:
    """A link for an e-mail: PUBLIC_BASE_URL when set, else this request's host."""
    return absolute_path(url_for(endpoint, **values))


def absolute_path(path: str) -> str:
    """An in-app path ("/lots/12") as a link for an e-mail, on the same base as `absolute_url`."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base and has_request_context():
        base = request.host_url
    return (base or "http://127.0.0.1:5000/").rstrip("/") + path


def header_text(value: str, limit: int = 200) -> str:
    """A header value on one line: control characters (CR, LF, ...) become spaces, so that text from
    a user (a lot number in a subject) cannot end the header and start another (Bcc: ...)."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value).split())[:limit]


def queue_email(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Write an e-mail to the outbox, in the caller's transaction."""
    message = OutboxMessage(recipient=header_text(recipient, 254), subject=header_text(subject), body=body)
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit("deliver_outbox")
    return message


def _send(message: OutboxMessage) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "console":
        print(f"--- e-mail to {message.recipient}: {message.subject}\n{message.body}\n---", flush=True)
    elif backend == "smtp":
        cfg = current_app.config
        email = EmailMessage()  # its default policy refuses a header value with a line break
        email["From"], email["To"] = cfg["MAIL_FROM"], message.recipient
        email["Subject"] = header_text(message.subject)
        email.set_content(message.body)
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30) as smtp:
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USERNAME"]:
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
            smtp.send_message(email)
    elif backend != "null":
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` pending messages, each tried once, committing each; returns (sent, failed).

    Each message is claimed with `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer
    anyway), so two senders running at once (two workers, or a worker and `flask outbox send`)
    never send the same message twice.
    """
    sent = failed = 0
    after = 0
    for _ in range(limit):
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if message is None:
            break
        after = message.id
        message.attempts += 1
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            # The server or the network: worth another try, up to MAX_ATTEMPTS.
            log.warning("outbox message %s not delivered: %s", message.id, exc)
            message.last_error = str(exc)
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            failed += 1
        except Exception as exc:  # a message that cannot be built must not stop the queue
            log.exception("outbox message %s cannot be sent; marked failed", message.id)
            message.status, message.last_error = OutboxStatus.FAILED, f"{type(exc).__name__}: {exc}"
            failed += 1
        else:
            message.status, message.sent_at = OutboxStatus.SENT, utcnow()
            sent += 1
        db.session.commit()
    return sent, failed
