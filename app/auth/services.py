"""Account operations: sign-in with lockout, passwords, e-mailed links, sessions."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import ratelimit
from app.audit.services import record
from app.auth.models import AccountToken, LoginAttempt, TokenPurpose, User, new_session_token
from app.clock import utcnow
from app.extensions import db
from app.outbox.services import absolute_url, queue_email
from app.rules import RuleError
from app.security import hash_password, needs_rehash, verify_password


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user, or why not."""

    user: User | None = None
    locked_until: datetime | None = None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and lower-cased."""
    return email.strip().lower()


def _locked_until(column, value: str, limit: int) -> datetime | None:  # type: ignore[no-untyped-def]
    """When `limit` failures fall in the window since the last success, the time the lock ends."""
    window: timedelta = current_app.config["LOGIN_FAILURE_WINDOW"]
    since = utcnow() - window
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.created_at)).where(column == value, LoginAttempt.succeeded)
    )
    if last_success is not None and last_success > since:
        since = last_success
    failures = db.session.scalars(
        select(LoginAttempt.created_at)
        .where(column == value, ~LoginAttempt.succeeded, LoginAttempt.created_at > since)
        .order_by(LoginAttempt.created_at.desc())
        .limit(limit)
    ).all()
    if len(failures) < limit:
        return None
    return failures[-1] + window


def lockout(email: str, address: str) -> datetime | None:
    """The time until which sign-in is refused for this account or address, if locked."""
    cfg = current_app.config
    times = [
        _locked_until(LoginAttempt.email, email, cfg["LOGIN_MAX_FAILURES"]),
        _locked_until(LoginAttempt.address, address, cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    ]
    locked = [t for t in times if t is not None]
    return max(locked) if locked else None


def authenticate(email: str, password: str, address: str) -> SignIn:
    """Check a sign-in; counts failures, and refuses without checking while locked."""
    email = normalise_email(email)
    locked_until = lockout(email, address)
    if locked_until is not None:
        return SignIn(locked_until=locked_until)
    user = db.session.scalars(select(User).where(User.email == email)).one_or_none()
    usable = user is not None and user.is_active_account
    ok = verify_password(user.password_hash if usable else None, password)  # type: ignore[union-attr]
    db.session.add(LoginAttempt(email=email, address=address, succeeded=ok))
    if not ok or user is None:
        db.session.flush()
        return SignIn()
    user.last_login_at = utcnow()
    if needs_rehash(user.password_hash):  # type: ignore[arg-type]
        user.password_hash = hash_password(password)
    record("user.signed_in", user, actor_id=user.id)
    return SignIn(user=user)


def check_signature_password(user: User, password: str, address: str) -> bool:
    """An electronic signature's password check: it counts towards, and respects, the sign-in lockout."""
    if lockout(user.email, address) is not None:
        return False
    ratelimit.require("RATELIMIT_SIGNATURE", f"user:{user.id}")
    ok = user.is_active_account and verify_password(user.password_hash, password)
    db.session.add(LoginAttempt(email=user.email, address=address, succeeded=ok))
    db.session.flush()
    return ok


def current_password_problem(user: User, password: str, address: str) -> str | None:
    """Why the "current password" of a change is refused, or None: a wrong guess counts towards the
    sign-in lockout, as a sign-in's would, so that it cannot be guessed without limit."""
    locked_until = lockout(user.email, address)
    try:
        if locked_until is None and check_signature_password(user, password, address):
            return None
    except RuleError as limited:
        return str(limited)
    locked_until = locked_until or lockout(user.email, address)
    if locked_until is not None:
        return _(
            "Too many wrong passwords. For your safety, this is paused until %(when)s.",
            when=format_datetime(locked_until, "short"),
        )
    return _("This is not your current password.")


def set_password(user: User, password: str) -> None:
    """Store a new password, spend every open e-mailed link, and end every other session of the user."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    _spend_tokens(user)
    record("user.password_changed", user)


def sign_out(user: User) -> None:
    """End the session on the server too: a copy of the cookie no longer works (nor any other session)."""
    user.session_token = new_session_token()
    record("user.signed_out", user)


def end_all_sessions(user: User) -> None:
    """Log the user out everywhere by rotating their session token."""
    user.session_token = new_session_token()
    record("user.sessions_ended", user)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _spend_tokens(user: User, purpose: TokenPurpose | None = None) -> None:
    """Mark the user's unused links (of one purpose, or all) as used."""
    query = select(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    if purpose is not None:
        query = query.where(AccountToken.purpose == purpose)
    now = utcnow()
    for old in db.session.scalars(query):
        old.used_at = now


def issue_token(user: User, purpose: TokenPurpose) -> str:
    """Create a single-use link token; earlier unused tokens of that purpose are spent."""
    now = utcnow()
    _spend_tokens(user, purpose)
    lifetime_key = "INVITATION_LIFETIME" if purpose == TokenPurpose.INVITATION else "PASSWORD_RESET_LIFETIME"
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_token_hash(raw),
            expires_at=now + current_app.config[lifetime_key],
        )
    )
    db.session.flush()
    return raw


def find_token(raw: str) -> AccountToken | None:
    """The unused, unexpired token for a link, or None."""
    token = db.session.scalars(
        select(AccountToken).where(AccountToken.token_hash == _token_hash(raw))
    ).one_or_none()
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.is_active_account:
        return None
    return token


def redeem_token(token: AccountToken, password: str) -> User:
    """Spend the token and set the user's password."""
    token.used_at = utcnow()
    set_password(token.user, password)
    return token.user


def send_invitation(user: User) -> None:
    """E-mail the user a link to choose their password."""
    raw = issue_token(user, TokenPurpose.INVITATION)
    link = absolute_url("auth.set_password", token=raw)
    days = current_app.config["INVITATION_LIFETIME"].days
    with force_locale(user.locale):  # the recipient's language, not the inviting admin's
        body = render_template("email/invitation.txt", user=user, link=link, days=days)
        queue_email(user.email, _("You are invited to Kensa"), body)


def request_password_reset(email: str) -> None:
    """E-mail a reset link if an active account has this address; silent otherwise. Either way it takes
    at least PASSWORD_RESET_MIN_SECONDS, so that the answer's timing does not tell which it was."""
    started = time.monotonic()
    try:
        _send_reset_link(email)
    finally:
        time.sleep(max(0.0, current_app.config["PASSWORD_RESET_MIN_SECONDS"] - (time.monotonic() - started)))


def _send_reset_link(email: str) -> None:
    user = db.session.scalars(select(User).where(User.email == normalise_email(email))).one_or_none()
    if user is None or not user.is_active_account:
        return
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET)
    link = absolute_url("auth.set_password", token=raw)
    minutes = int(current_app.config["PASSWORD_RESET_LIFETIME"].total_seconds() // 60)
    with force_locale(user.locale):
        body = render_template("email/password_reset.txt", user=user, link=link, minutes=minutes)
        queue_email(user.email, _("Reset your Kensa password"), body)
    record("user.password_reset_requested", user, actor_id=user.id)
