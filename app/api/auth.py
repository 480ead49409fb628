"""Who calls the API: a Bearer token of one supplier, never the session cookie.

Each API request is authenticated here, before the view: the token sets the supplier scope of
`app.tenancy` as a supplier user's sign-in does, and counts against its rate limit. The cookie is
ignored, so a browser cannot be tricked into writing through the API (no CSRF).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, request
from flask_limiter import Limiter
from limits import parse

from app import tenancy
from app.api.models import ApiToken
from app.api.problems import problem
from app.api.tokens import token_for
from app.extensions import db
from app.ratelimit import LIMITER_KEY
from app.security import ACCESS_ATTR, PUBLIC

F = TypeVar("F", bound=Callable[..., Any])
TOKEN = "api-token"  # noqa: S105 - the access declaration of views that need a token, not a secret


def token_required(view: F) -> F:
    """Declare a view that needs an API token (checked before the view, in `authenticate`)."""
    setattr(view, ACCESS_ATTR, TOKEN)
    return view


def current_token() -> ApiToken:
    token: ApiToken = g.api_token
    return token


def _unauthorized(detail: str) -> Response:
    return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="kensa"'})


def authenticate() -> Response | None:
    """Check the request's token before any API view; a response ends the request."""
    # The session cookie never authenticates an API request: Flask-Login sees nobody.
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, ACCESS_ATTR, None) == PUBLIC:
        return None
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthorized("Send the API token as `Authorization: Bearer <token>`.")
    token = token_for(secret.strip())
    if token is None:
        return _unauthorized("The API token is wrong, expired or revoked.")
    g.api_token = token
    tenancy.set_scope(db.session, token.supplier_id)
    return _rate_limited(token)


def _rate_limited(token: ApiToken) -> Response | None:
    limiter: Limiter = current_app.extensions[LIMITER_KEY]
    if not limiter.enabled:
        return None
    for limit in parse_many(current_app.config["RATELIMIT_API"]):
        who = f"token:{token.id}"
        if not limiter.limiter.hit(limit, "RATELIMIT_API", who):
            reset, _remaining = limiter.limiter.get_window_stats(limit, "RATELIMIT_API", who)
            # The limiter counts windows on the system clock, so the wait is measured on it too.
            wait = max(1, math.ceil(reset - time.time()))
            return problem(
                429,
                f"This token made more than {limit} requests; wait {wait} s, then try again.",
                headers={"Retry-After": str(wait)},
            )
    return None


def parse_many(text: str) -> list[Any]:
    return [parse(part) for part in text.split(";") if part.strip()]
