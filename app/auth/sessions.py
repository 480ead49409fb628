"""The signed-in session: when it began, its absolute maximum lifetime, and the second-factor gate.

The idle timeout is the permanent session cookie's lifetime (config). On top of it a session lives
at most SESSION_MAX_HOURS from sign-in, however active: a copied cookie stops working then. A user
who needs a second factor is signed in with the gate closed; until the code is given, every page
but the second-factor pages and sign-out redirects there.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth.models import User
from app.clock import utcnow

SIGNED_IN_AT = "kensa_signed_in_at"
SECOND_FACTOR_DONE = "kensa_second_factor"
# What a user whose second factor is still due may reach.
GATE_OPEN_ENDPOINTS = frozenset(
    {"static", "auth.logout", "main.healthz", "twofactor.verify", "twofactor.recover", "twofactor.setup"}
)


def start(user: User, *, second_factor_done: bool) -> None:
    """Sign the user in to this browser, stamping the start of the session."""
    login_user(user)
    session[SIGNED_IN_AT] = utcnow().timestamp()
    session[SECOND_FACTOR_DONE] = second_factor_done


def keep(user: User) -> None:
    """Carry this session over to the user's new session token (after a password change)."""
    login_user(user)


def second_factor_given() -> None:
    """Open the gate for this session (after a right code, or on enrolment)."""
    session[SECOND_FACTOR_DONE] = True


def second_factor_due() -> bool:
    """True while the signed-in user still owes this session a second factor."""
    return bool(current_user.is_authenticated and not session.get(SECOND_FACTOR_DONE))


def end() -> None:
    """Forget the session in this browser (the caller rotates the token to end it on the server)."""
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SECOND_FACTOR_DONE, None)


def _too_old() -> bool:
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, int | float):
        return True  # a session from before the stamp existed: sign in again
    limit = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return utcnow().timestamp() - started > limit.total_seconds()


def enforce() -> Response | None:
    """Before each request: end a session past its maximum lifetime; gate a second factor still due."""
    if not current_user.is_authenticated:
        return None
    if _too_old():
        end()
        return None  # the view now sees an anonymous visitor and asks for sign-in
    if second_factor_due() and request.endpoint not in GATE_OPEN_ENDPOINTS:
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("twofactor.verify", next=target))
    return None
