"""Rate limits with Flask-Limiter: per client address on the sign-in pages, per user on codes and
signatures. They work with the database lockout, not instead of it: the lockout stops guessing one
account's password (and survives a restart); the limits stop floods (25 reset e-mails in 0.4 s) and
bound every guess of a second-factor code or a signature password.

One Limiter per app, made in `init` (the test suite builds several apps, each with its own storage
and its own RATELIMIT_ENABLED): Redis in production (REDIS_URL), memory otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from limits import parse

from app.rules import RuleError

LIMITER_KEY = "kensa.limiter"


def client_address() -> str:
    """The client's address (ProxyFix makes it the real one behind the proxy)."""
    return request.remote_addr or "unknown"


def _reset_address() -> str:
    """The e-mail address a reset is asked for: one inbox gets a bounded number of links."""
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


# endpoint: (setting, key) — counted on POST only: showing the page is free.
ROUTE_LIMITS: dict[str, list[tuple[str, Callable[[], str]]]] = {
    "auth.login": [("RATELIMIT_SIGN_IN", client_address)],
    "auth.forgot_password": [
        ("RATELIMIT_FORGOT_PASSWORD", client_address),
        ("RATELIMIT_RESET_PER_EMAIL", _reset_address),
    ],
    "twofactor.verify": [("RATELIMIT_SECOND_FACTOR", client_address)],
    "twofactor.recover": [("RATELIMIT_SECOND_FACTOR", client_address)],
    "twofactor.setup": [("RATELIMIT_SECOND_FACTOR", client_address)],
}


def init(app: Flask) -> None:
    """Make the app's limiter and put the route limits on the registered views."""
    limiter = Limiter(client_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[LIMITER_KEY] = limiter
    for endpoint, limits in ROUTE_LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for setting, key in limits:
            view = limiter.limit(_setting(setting), key_func=key, methods=["POST"], scope=setting)(view)
        app.view_functions[endpoint] = view


def allow(setting: str, who: str) -> bool:
    """Count one attempt of `who` against the limit `setting` names; False once it is spent."""
    limiter: Limiter = current_app.extensions[LIMITER_KEY]
    if not limiter.enabled:
        return True
    return limiter.limiter.hit(parse(current_app.config[setting]), setting, who)


def require(setting: str, who: str) -> None:
    """Like `allow`, but refuse with a message for the user when the limit is spent."""
    if not allow(setting, who):
        raise RuleError(_("Too many attempts in a short time. Wait a minute, then try again."), "password")
