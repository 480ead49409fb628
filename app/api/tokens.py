"""Creating, revoking and checking API tokens: the services the token page, the CLI and each API
request call. They flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.services import record
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.rules import RuleError

TOKEN_PREFIX = "kensa_"  # noqa: S105 - a visible prefix, not a secret
# A token's last use is written at most this often, so that a busy client does not write on every call.
LAST_USE_PRECISION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    supplier_id: int, name: str, created_by: User | None, expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token of the supplier and its secret, which is shown once and never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise RuleError("Give the token a name of 1 to 80 characters.", "name")
    if expires_days is not None and expires_days < 1:
        raise RuleError("A token expires after 1 day or more.", "expires_days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        supplier_id=supplier_id,
        name=name,
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        created_by_id=created_by.id if created_by else None,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    db.session.flush()
    record("api_token.created", token, after={"name": token.name, "prefix": token.prefix})
    return token, secret


def revoke_token(token: ApiToken, by: User) -> None:
    """Stop the token from working; its row stays for the audit trail."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = by.id
        db.session.flush()
        record("api_token.revoked", token, after={"name": token.name})


def tokens_of(supplier_id: int | None) -> list[ApiToken]:
    """Every token, or the supplier's, newest first."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if supplier_id is not None:
        query = query.where(ApiToken.supplier_id == supplier_id)
    return list(db.session.scalars(query))


def token_for(secret: str) -> ApiToken | None:
    """The usable token with this secret, its last use stamped; None when wrong, expired or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
    ).one_or_none()
    now = utcnow()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        token.last_used_at = now
    return token
