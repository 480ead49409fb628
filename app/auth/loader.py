"""Flask-Login wiring: the session carries the user's id and session token."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g
from flask_login import LoginManager
from sqlalchemy import ColumnElement, bindparam, select

from app.auth.models import User
from app.extensions import db
from app.i18n import lazy_gettext as _l

# app.extensions key: the figures every signed-in page shows (the nav's unread count), read in the
# statement that loads the user rather than one statement each.
WITH_USER = "kensa_with_user"
USER_STATEMENT = "kensa_user_statement"


def read_with_user(app: Flask, name: str, column: Callable[[], ColumnElement[Any]]) -> None:
    """Load `column()` (a scalar subquery correlated to `User.id`) with every signed-in user, into
    `g.<name>`: the domain that owns the figure reads it there, and drops it when it changes it."""
    app.extensions.setdefault(WITH_USER, {})[name] = column
    app.extensions.pop(USER_STATEMENT, None)


def load_user(identity: str) -> User | None:
    """The user for a session identity, if the token still matches and the account is active."""
    user_id, _sep, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user, figures = _user_and_figures(int(user_id))
    if user is None or not user.is_active_account:
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    for name, value in figures.items():
        setattr(g, name, value)
    return user


def _user_and_figures(user_id: int) -> tuple[User | None, dict[str, Any]]:
    columns = current_app.extensions.get(WITH_USER)
    if not columns:
        return db.session.get(User, user_id), {}
    statement = current_app.extensions.get(USER_STATEMENT)
    if statement is None:  # built once: constructing it was a tenth of the shell's cost
        statement = current_app.extensions[USER_STATEMENT] = select(
            User, *(column().label(name) for name, column in columns.items())
        ).where(User.id == bindparam("user_id"))
    row = db.session.execute(statement, {"user_id": user_id}).one_or_none()
    if row is None:
        return None, {}
    return row[0], dict(zip(columns, row[1:], strict=True))


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Configure the login manager for Kensa."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
