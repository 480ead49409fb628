"""Webhooks: registering an endpoint (an https URL, checked against SSRF), queueing a delivery per
event, and sending what is due with exponential backoff. They flush, never commit, except
`deliver_due`, which runs outside any request (job worker, CLI) and commits each attempt."""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.clock import utcnow
from app.extensions import db
from app.rules import RuleError
from app.webhooks.models import DeliveryState, Webhook, WebhookDelivery
from app.webhooks.signing import headers, new_secret

log = logging.getLogger(__name__)
EVENTS = ("lot.decided", "lot.returned", "scar.issued", "scar.step_decided", "scorecard.published")
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)  # then 1, 2, 4 … minutes: the 8th try is about an hour after the first
TIMEOUT_SECONDS = 10


def check_url(url: str) -> None:
    """Refuse what is not https, and in production an address on loopback, a private or link-local
    network (the server must not be made to call its own neighbours)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise RuleError("The URL must start with https:// and name a host.", "url")
    if current_app.config["WEBHOOK_ALLOW_LOOPBACK"]:
        allowed: Callable[[Any], bool] = lambda a: a.is_loopback or a.is_global  # noqa: E731
    else:
        allowed = lambda a: a.is_global  # noqa: E731
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise RuleError("The URL's host does not resolve.", "url") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not allowed(address):
            raise RuleError("The URL points to a private, loopback or link-local address.", "url")


def create_webhook(supplier_id: int, url: str, events: Iterable[str], token_id: int | None) -> Webhook:
    wanted = sorted(set(events))
    unknown = [e for e in wanted if e not in EVENTS]
    if unknown or not wanted:
        raise RuleError(f"Choose events among {', '.join(EVENTS)}.", "events")
    check_url(url)
    webhook = Webhook(supplier_id=supplier_id, url=url, events=wanted, secret=new_secret(), token_id=token_id)
    db.session.add(webhook)
    db.session.flush()
    record("webhook.created", webhook, after={"url": url, "events": wanted})
    return webhook


def delete_webhook(webhook: Webhook) -> None:
    """Stop deliveries to it; its log stays."""
    webhook.deleted_at = utcnow()
    db.session.flush()
    record("webhook.deleted", webhook, after={"url": webhook.url})


def webhooks_of(supplier_id: int) -> list[Webhook]:
    return list(
        db.session.scalars(
            select(Webhook)
            .where(Webhook.supplier_id == supplier_id, Webhook.deleted_at.is_(None))
            .order_by(Webhook.id)
        )
    )


def deliveries_of(webhook: Webhook, limit: int = 100) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


def queue_event(supplier_id: int, event: str, data: dict[str, Any]) -> int:
    """A pending delivery of `event` to each of the supplier's webhooks that subscribed to it; sent
    after the commit by the job worker (or `flask webhooks deliver`). How many were queued."""
    from app.jobs.queue import enqueue_after_commit

    queued = 0
    now = utcnow()
    for webhook in webhooks_of(supplier_id):
        if event not in webhook.events:
            continue
        message_id = "msg_" + secrets.token_urlsafe(18)
        payload = {"type": event, "timestamp": now.isoformat(), "data": data}
        db.session.add(
            WebhookDelivery(
                supplier_id=supplier_id,
                webhook_id=webhook.id,
                message_id=message_id,
                event=event,
                payload=payload,
                next_attempt_at=now,
            )
        )
        queued += 1
    if queued:
        db.session.flush()
        enqueue_after_commit("deliver_webhooks")
    return queued


Sender = Callable[[str, bytes, dict[str, str]], int]


def _post(url: str, body: bytes, sent_headers: dict[str, str]) -> int:
    """POST the message; the status, or an exception when there was no answer."""
    check_url(url)  # again at sending time: the name may resolve elsewhere now
    request = urllib.request.Request(url, data=body, headers=sent_headers, method="POST")  # noqa: S310 - https checked
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def attempt(delivery: WebhookDelivery, send: Sender = _post) -> bool:
    """Try one delivery now; on failure schedule the next try (exponential backoff) or give up."""
    now = utcnow()
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)
    signed = headers(delivery.webhook.secret, delivery.message_id, int(now.timestamp()), body)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        status: int | None = send(delivery.webhook.url, body.encode(), signed)
        error = "" if status is not None and 200 <= status < 300 else f"HTTP {status}"
    except (OSError, RuleError) as failure:
        status, error = None, str(failure)[:500]
    delivery.last_status, delivery.last_error = status, error
    if not error:
        delivery.state, delivery.next_attempt_at = DeliveryState.DELIVERED, None
        return True
    if delivery.attempts >= MAX_ATTEMPTS or delivery.webhook.deleted_at is not None:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.next_attempt_at = now + FIRST_RETRY * 2 ** (delivery.attempts - 1)
    log.warning("webhook delivery %s to %s failed: %s", delivery.message_id, delivery.webhook.url, error)
    return False


def deliver_due(send: Sender = _post) -> tuple[int, int]:
    """Send every pending delivery that is due, committing each; (delivered, failed this round)."""
    due = db.session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.state == DeliveryState.PENDING, WebhookDelivery.next_attempt_at <= utcnow())
        .order_by(WebhookDelivery.id)
    ).all()
    delivered = failed = 0
    for delivery_id in due:
        delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update={"skip_locked": True})
        if delivery is None or delivery.state != DeliveryState.PENDING:
            db.session.rollback()
            continue
        if attempt(delivery, send):
            delivered += 1
        else:
            failed += 1
        db.session.commit()
    return delivered, failed


def next_due_in() -> timedelta | None:
    """How long until the next pending delivery is due (None: nothing pending)."""
    soonest = db.session.scalar(
        select(WebhookDelivery.next_attempt_at)
        .where(WebhookDelivery.state == DeliveryState.PENDING)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(1)
    )
    return None if soonest is None else max(soonest - utcnow(), timedelta(0))
