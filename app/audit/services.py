"""`record(...)`: the one way every change is written to the audit trail; `verify_chain()` checks it."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.clock import utcnow
from app.db import TenantScoped
from app.extensions import db
from app.suppliers.models import Supplier
from app.tenancy import current_scope

GENESIS_HASH = "0" * 64
# Any constant works; it names the lock that serialises the hash chain on PostgreSQL.
_CHAIN_LOCK_KEY = 4_242_001
# Rows fetched per round trip while verifying: memory stays flat however long the chain is.
VERIFY_BATCH = 1000


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a record, as JSON-ready values, for before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


class EventContent(Protocol):
    """What the hash covers: an `AuditEvent`, or a row of its columns read back by `verify_chain`."""

    prev_hash: str
    created_at: datetime
    actor_id: int | None
    supplier_id: int | None
    action: str
    object_type: str
    object_id: int | None
    before: Any
    after: Any
    key_id: str | None


def audit_keys() -> dict[str, bytes]:
    """Every audit key by name: the current one (AUDIT_KEY_ID) and those retired (AUDIT_OLD_KEYS)."""
    cfg = current_app.config
    keys = {}
    for pair in filter(None, (p.strip() for p in cfg.get("AUDIT_OLD_KEYS", "").split(","))):
        name, _sep, key = pair.partition("=")
        keys[name.strip()] = key.strip().encode()
    keys[cfg["AUDIT_KEY_ID"]] = cfg["AUDIT_KEY"].encode()
    return keys


class UnknownKeyError(KeyError):
    """An event names an audit key that the configuration does not hold."""


def event_hash(event: EventContent, keys: dict[str, bytes] | None = None) -> str:
    """HMAC-SHA-256, under the server's audit key named by the event, of its content and the previous
    hash (the chain link); plain SHA-256 for an event written before the chain was keyed. Without the
    key, nobody can recompute the chain after editing a row."""
    content = {
        "prev": event.prev_hash,
        # In UTC whatever the database session's time zone: PostgreSQL reads timestamptz back in its
        # TimeZone setting, which would otherwise change the text hashed (same instant, other offset).
        "at": event.created_at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "supplier": event.supplier_id,
        "action": event.action,
        "type": event.object_type,
        "id": event.object_id,
        "before": event.before,
        "after": event.after,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    if event.key_id is None:
        return hashlib.sha256(canonical).hexdigest()
    key = (keys if keys is not None else audit_keys()).get(event.key_id)
    if key is None:
        raise UnknownKeyError(event.key_id)
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def acting_user_id() -> int | None:
    """The signed-in user's id, or None outside a request (CLI, jobs)."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def api_token_named() -> dict[str, Any] | None:
    """The API token of this request, named in every audit event it causes (None: not an API call)."""
    token = g.get("api_token") if has_request_context() else None
    return None if token is None else {"id": token.id, "name": token.name}


def _owner_of(obj: Any) -> int | None:
    if isinstance(obj, Supplier):
        return obj.id
    if isinstance(obj, TenantScoped):
        return obj.supplier_id
    return None


def _last_hash() -> str:
    # The head of the one chain of every supplier: read with Core on the session's connection, not
    # through an ORM query, which a supplier user's tenancy scope would narrow to their own events
    # (the chain would fork per supplier). Only the hash is read, and it is never shown. The flush
    # is the ORM query's autoflush: on SQLite outside a request, the write it makes takes the write
    # lock, so that the head read is the latest.
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    db.session.flush()
    table = AuditEvent.__table__
    last = conn.execute(select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar()
    return last or GENESIS_HASH


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
    via = api_token_named()
    if via is not None:
        after = {**(after or {}), "api_token": via}
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
        key_id=current_app.config["AUDIT_KEY_ID"],
    )
    event.hash = event_hash(event)
    db.session.add(event)
    db.session.flush()
    return event


BreakReason = Literal["edited", "link", "truncated", "unkeyed", "unknown_key"]


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many events hold, the newest of them, the first break.

    `last_id`, `last_at` and `last_hash` describe the newest event that checked out (the head when the
    chain is intact). `reason` is "edited" (event `broken_id` no longer matches its hash), "link" (its
    prev_hash is not the hash of the event before it: an event before it was deleted, inserted or
    rewritten), "truncated" (the expected head hash is no longer in the chain), "unkeyed" (an event
    without a key after keyed ones: written behind the application's back) or "unknown_key" (it names
    a key the configuration does not hold: add it to AUDIT_OLD_KEYS).
    """

    checked: int
    last_id: int | None
    last_at: datetime | None
    last_hash: str
    broken_id: int | None = None
    reason: BreakReason | None = None

    @property
    def intact(self) -> bool:
        return self.reason is None


_CHAIN_COLUMNS = (
    AuditEvent.id,
    AuditEvent.created_at,
    AuditEvent.actor_id,
    AuditEvent.supplier_id,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.before,
    AuditEvent.after,
    AuditEvent.prev_hash,
    AuditEvent.hash,
    AuditEvent.key_id,
)


def _break_of(row: Any, head: str, keys: dict[str, bytes], keyed: bool) -> BreakReason | None:
    if row.key_id is None and keyed:
        return "unkeyed"
    try:
        if not hmac.compare_digest(event_hash(row, keys), row.hash):
            return "edited"
    except UnknownKeyError:
        return "unknown_key"
    return "link" if row.prev_hash != head else None


def verify_chain(*, expected_hash: str | None = None) -> ChainReport:
    """Walk the whole trail in id order, recomputing each hash and link; stop at the first break.

    Deleting the newest events leaves a shorter chain that is still valid: pass a head hash noted
    earlier as `expected_hash` to detect that (reason "truncated"), or compare `last_id`/`last_at`
    with what the operator expects.
    """
    if current_scope(db.session) is not None:
        raise RuntimeError("verify_chain needs a session without supplier scope")
    # Plain column rows, not ORM objects: always fresh from the database, and light to stream.
    rows = db.session.execute(
        select(*_CHAIN_COLUMNS).order_by(AuditEvent.id).execution_options(yield_per=VERIFY_BATCH)
    )
    checked, head, last_id, last_at = 0, GENESIS_HASH, None, None
    found, keyed, keys = expected_hash is None, False, audit_keys()
    for row in rows:
        reason = _break_of(row, head, keys, keyed)
        keyed = keyed or row.key_id is not None
        if reason is not None:
            rows.close()
            return ChainReport(checked, last_id, last_at, head, row.id, reason)
        checked += 1
        head, last_id, last_at = row.hash, row.id, row.created_at
        found = found or head == expected_hash
    if not found:
        return ChainReport(checked, last_id, last_at, head, None, "truncated")
    return ChainReport(checked, last_id, last_at, head)
