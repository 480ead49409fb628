"""Second-factor operations: who needs one, enrolment, checking a code or a recovery code, resets.

A code is accepted for the current 30-second step and one on either side (clock drift), and only
for a step later than the last one accepted: a code seen over a shoulder cannot be used again.
Every check counts against the user's RATELIMIT_CODE_PER_USER, on top of the per-address limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
import segno
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select

from app import ratelimit
from app.audit.services import record
from app.auth.models import RecoveryCode, User, new_session_token
from app.clock import utcnow
from app.extensions import db
from app.outbox.services import queue_email
from app.rules import RuleError

STEP_SECONDS = 30
RECOVERY_CODES = 10
ISSUER = "Kensa"


def required_for(user: User) -> bool:
    """Whether the user signs in with a second factor: once enrolled always; internal roles when
    REQUIRE_2FA_INTERNAL is on; a supplier's users when their manager required it."""
    if user.has_second_factor:
        return True
    if user.is_internal:
        return bool(current_app.config["REQUIRE_2FA_INTERNAL"])
    return bool(user.supplier and user.supplier.require_two_factor)


def pending_secret(user: User) -> str:
    """The secret of an enrolment in progress, made on first use (and kept until it finishes)."""
    if user.has_second_factor:
        raise RuleError(_("Two-factor sign-in is already set up."))
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def qr_svg(user: User, secret: str) -> Markup:
    """The enrolment QR code (an otpauth:// URI) as inline SVG markup: no script, no image request."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for your authenticator app"))
    return Markup(svg)  # noqa: S704 - segno's own SVG of a URI built here


def _step_now() -> int:
    return int(utcnow().timestamp()) // STEP_SECONDS


def _matches(user: User, secret: str, code: str) -> bool:
    """Check a 6-digit code, remembering the step it was for; False for a step already used."""
    ratelimit.require("RATELIMIT_CODE_PER_USER", f"code:{user.id}")
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp, now = pyotp.TOTP(secret), _step_now()
    for step in (now - 1, now, now + 1):
        if step > (user.totp_last_step or -1) and hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.split()).lower().encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def finish_enrolment(user: User, code: str) -> list[str]:
    """Turn the second factor on with a first right code; returns the ten recovery codes (shown once)."""
    secret = pending_secret(user)
    if not _matches(user, secret, code):
        raise RuleError(_("This code is not right. Type the 6 digits your app shows now."), "code")
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    record("user.two_factor_enabled", user)
    return codes


def check_code(user: User, code: str) -> None:
    """Accept a sign-in code, or refuse it with a message for the code field."""
    if not user.has_second_factor or not _matches(user, user.totp_secret or "", code):
        raise RuleError(
            _("This code is not right, or was already used. Type the code your app shows now."), "code"
        )


def use_recovery_code(user: User, code: str) -> None:
    """Spend a recovery code instead of a sign-in code, or refuse it."""
    ratelimit.require("RATELIMIT_CODE_PER_USER", f"code:{user.id}")
    row = db.session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    ).one_or_none()
    if row is None:
        raise RuleError(_("This recovery code is not right, or was already used."), "code")
    row.used_at = utcnow()
    record("user.recovery_code_used", user)


def recovery_codes_left(user: User) -> int:
    """How many recovery codes the user has not used."""
    rows = db.session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return len(list(rows))


def reset(user: User, *, by: User) -> None:
    """An admin removes a user's second factor (a lost phone): audited, the user is told by e-mail and
    signed out everywhere, and enrols again at the next sign-in if it is required."""
    if user.id == by.id:
        raise RuleError(_("Ask another administrator to reset your own two-factor sign-in."))
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_token = new_session_token()
    with force_locale(user.locale):
        body = render_template("email/two_factor_reset.txt", user=user, by=by)
        queue_email(user.email, _("Your Kensa two-factor sign-in was reset"), body)
    record("user.two_factor_reset", user)


def require_for_team(user: User, required: bool) -> None:
    """A supplier manager requires (or stops requiring) a second factor of their whole team; members
    without one are signed out, to enrol at their next sign-in."""
    supplier = user.supplier
    if supplier is None:
        raise RuleError(_("Only a supplier's manager can require this of a team."))
    supplier.require_two_factor = required
    if required:
        team = db.session.scalars(select(User).where(User.supplier_id == supplier.id, User.id != user.id))
        for member in team:
            if not member.has_second_factor:
                member.session_token = new_session_token()
    record("supplier.two_factor_required" if required else "supplier.two_factor_optional", supplier)
