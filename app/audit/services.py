"""`record(...)`: the one way every change is written to the audit trail."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.db import TenantScoped, utcnow
from app.extensions import db
from app.suppliers.models import Supplier

GENESIS_HASH = "0" * 64
# Any constant works; it names the lock that serialises the hash chain on PostgreSQL.
_CHAIN_LOCK_KEY = 4_242_001


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a record, as JSON-ready values, for before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's content and the previous hash (the chain link)."""
    content = {
        "prev": event.prev_hash,
        "at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "supplier": event.supplier_id,
        "action": event.action,
        "type": event.object_type,
        "id": event.object_id,
        "before": event.before,
        "after": event.after,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def acting_user_id() -> int | None:
    """The signed-in user's id, or None outside a request (CLI, jobs)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def _owner_of(obj: Any) -> int | None:
    if isinstance(obj, Supplier):
        return obj.id
    if isinstance(obj, TenantScoped):
        return obj.supplier_id
    return None


def _last_hash() -> str:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = db.session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return last.first() or GENESIS_HASH


def record(
    action: str,
    obj: Any = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_id: int | None = None,
    supplier_id: int | None = None,
) -> AuditEvent:
    """Append an audit event for `obj` (flushes so that new rows have their id)."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        created_at=utcnow(),
        actor_id=actor_id if actor_id is not None else acting_user_id(),
        supplier_id=supplier_id if supplier_id is not None else _owner_of(obj),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        prev_hash=_last_hash(),
    )
    event.hash = event_hash(event)
    db.session.add(event)
    db.session.flush()
    return event
