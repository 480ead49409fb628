"""`Idempotency-Key` on POSTs: the same key and body within 24 h replays the first response, a
different body is refused (422), and a retry while the first is still running gets 409.

The key is claimed in a transaction of its own, committed before the view runs, so that a
concurrent request with the same key meets the row (the unique constraint decides a race). Only a
successful (2xx) response is kept: after a refusal the key is released, and the client may correct
the request and send it again with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Response, json, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.api.auth import current_token
from app.api.models import IdempotencyKey
from app.api.problems import problem
from app.clock import utcnow
from app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
KEPT = timedelta(hours=24)
# A claim older than this belongs to a request that died (its process was killed): it may be taken over.
STALE = timedelta(minutes=5)
REPLAYED_HEADERS = ("Location",)


def _request_hash() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def _existing(key: str) -> IdempotencyKey | None:
    return db.session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.token_id == current_token().id, IdempotencyKey.key == key)
    ).one_or_none()


def _replay(row: IdempotencyKey, fingerprint: str) -> Response | None:
    """The answer to a request whose key is known; None when the row is spent and may be reused."""
    now = utcnow()
    if row.created_at < now - KEPT or (row.status is None and row.created_at < now - STALE):
        db.session.delete(row)
        db.session.flush()
        return None
    if row.request_hash != fingerprint:
        return problem(
            422,
            "This Idempotency-Key was used with a different request; use a new key for a new request.",
            [{"pointer": "/", "detail": "The body differs from the first request with this key."}],
        )
    if row.status is None:
        return problem(409, "The first request with this Idempotency-Key is still running; retry later.")
    response = Response(row.body or "", row.status, mimetype="application/json")
    for name, value in (row.headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotency-Replayed"] = "true"
    return response


def _claim(key: str, fingerprint: str) -> IdempotencyKey | Response:
    token = current_token()
    row = IdempotencyKey(
        supplier_id=token.supplier_id,
        token_id=token.id,
        key=key,
        request_hash=fingerprint,
        created_at=utcnow(),
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(key)
        answer = _replay(existing, fingerprint) if existing else None
        return answer or problem(409, "A request with this Idempotency-Key is running; retry later.")
    return row


def idempotent(view: F) -> F:
    """Honour `Idempotency-Key` on the POST `view`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(*args, **kwargs)
        if len(key) > 255:
            return problem(422, "An Idempotency-Key has at most 255 characters.")
        fingerprint = _request_hash()
        existing = _existing(key)
        if existing is not None:
            answer = _replay(existing, fingerprint)
            if answer is not None:
                return answer
        claimed = _claim(key, fingerprint)
        if isinstance(claimed, Response):
            return claimed
        claim_id = claimed.id
        try:
            response = view(*args, **kwargs)
        except Exception:
            _release(claim_id)
            raise
        response = _as_response(response)
        if 200 <= response.status_code < 300:
            claimed.status = response.status_code
            claimed.body = response.get_data(as_text=True)
            claimed.headers = {h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}
        else:
            _release(claim_id)
        return response

    return wrapper  # type: ignore[return-value]


def _release(claim_id: int) -> None:
    """Forget the claim (the request failed): the client may send it again with the same key."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))
    db.session.commit()


def _as_response(value: Any) -> Response:
    if isinstance(value, Response):
        return value
    return Response(json.dumps(value), mimetype="application/json")  # pragma: no cover
