"""Request plumbing: one commit per request, supplier scope, security headers, error pages."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app import tenancy
from app.auth import sessions
from app.extensions import csrf, db
from app.security import FORM_CSRF_ATTR

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _before_request():  # type: ignore[no-untyped-def]
    if is_api_request():
        from app.api.auth import authenticate

        return authenticate()  # a Bearer token, never the cookie: no session gate, no CSRF
    session.permanent = True  # the idle timeout is the permanent session's lifetime
    gate = sessions.enforce()
    if gate is not None:
        return gate
    if current_user.is_authenticated and current_user.is_supplier_user:
        tenancy.set_scope(db.session, current_user.supplier_id)
    if request.method not in SAFE_METHODS:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, FORM_CSRF_ATTR, False):
            csrf.protect()
    return None


def _commit(response):  # type: ignore[no-untyped-def]
    """The one commit of a request; a server error rolls back instead."""
    if response.status_code >= 500:
        db.session.rollback()
    else:
        db.session.commit()
        if current_app.config["OUTBOX_SEND_AFTER_REQUEST"] and not current_app.config["REDIS_URL"]:
            from app.outbox.services import deliver_pending

            deliver_pending()
    return response


def _security_headers(response):  # type: ignore[no-untyped-def]
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if _private(response):
        # Shared shop-floor PCs: a signed-in page or file must not be kept by the browser or a proxy.
        headers["Cache-Control"] = "private, no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _private(response) -> bool:  # type: ignore[no-untyped-def]
    """True for what a signed-in user is shown (every page and file but the static assets)."""
    if is_api_request():
        return True  # a supplier's data, read with a token
    return request.endpoint != "static" and bool(current_user) and current_user.is_authenticated


def is_api_request() -> bool:
    """True for the JSON API (`/api/…`), which answers problem+json and authenticates by token."""
    return request.path.startswith("/api/")


def _render_error(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    if is_api_request():
        from app.api.problems import for_status

        response = for_status(code)
        if "Allow" in dict(error.get_headers()):
            response.headers["Allow"] = dict(error.get_headers())["Allow"]
        return response
    return render_template("errors/error.html", code=code, csrf_failed=isinstance(error, CSRFError)), code


def _server_error(error: Exception):  # type: ignore[no-untyped-def]
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    if is_api_request():
        from app.api.problems import for_status

        return for_status(500)
    return render_template("errors/error.html", code=500, csrf_failed=False), 500


def register_request_hooks(app: Flask) -> None:
    """Wire the per-request hooks and the error pages into the app."""
    app.before_request(_before_request)
    app.after_request(_commit)
    app.after_request(_security_headers)
    for code in (400, 401, 403, 404, 405, 413, 415, 429):
        app.register_error_handler(code, _render_error)
    app.register_error_handler(500, _server_error)


def safe_next(target: str | None, default: str) -> str:
    """`target` when it points into this site, else `default` (no open redirects)."""
    from urllib.parse import urljoin, urlsplit

    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(urljoin(request.host_url, target))
    if parts.scheme not in {"http", "https"} or parts.netloc != request.host:
        return default
    # Joining resolves dot segments: "/.//evil.example/x" becomes the path "//evil.example/x", which a
    # browser reads as another host. A path of this site starts with exactly one slash.
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")
