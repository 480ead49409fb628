"""Access declarations for views, password hashing, and the form views' CSRF marker.

Every endpoint is declared either `@public` or `@roles_required(...)`, with the role groups of
the domains' policies (app/auth/models.py, app/<domain>/policy.py); a test walks `app.url_map`
and fails on any endpoint that is neither. The session-token user loader is app/auth/loader.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app
from flask_login import current_user

from app.auth.models import INTERNAL_ROLES, SUPPLIER_ROLES, Role

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "kensa_access"
PUBLIC = "public"

ANY_ROLE = frozenset(Role)
INTERNAL = INTERNAL_ROLES
SUPPLIER = SUPPLIER_ROLES


def public(view: F) -> F:
    """Declare a view open to anonymous visitors."""
    setattr(view, ACCESS_ATTR, PUBLIC)
    return view


def roles_required(*roles: Role | frozenset[Role]) -> Callable[[F], F]:
    """Require a signed-in user holding one of `roles`; others get the login page or 403."""
    allowed = frozenset(r for group in roles for r in (group if isinstance(group, frozenset) else {group}))

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, allowed)
        return wrapper  # type: ignore[return-value]

    return decorate


def access_of(view: Callable[..., Any]) -> str | frozenset[Role] | None:
    """What a view was declared as: PUBLIC, a set of roles, or None when undeclared."""
    return getattr(view, ACCESS_ATTR, None)


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg.get("ARGON2_TIME_COST", 3),
        memory_cost=cfg.get("ARGON2_MEMORY_COST", 65536),
        parallelism=cfg.get("ARGON2_PARALLELISM", 4),
    )


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the hashing time, even without a hash."""
    hasher = _hasher()
    if password_hash is None:
        # Equalise timing so that response time does not tell which e-mails exist.
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters."""
    return _hasher().check_needs_rehash(password_hash)


FORM_CSRF_ATTR = "kensa_csrf_in_form"


def form_view(view: F) -> F:
    """Declare that the view checks CSRF through its FlaskForm and re-renders the form on failure.

    Such a view keeps what the user typed when the token has expired; every
    other unsafe request is checked before the view runs and gets a 400 page.
    """
    setattr(view, FORM_CSRF_ATTR, True)
    return view
