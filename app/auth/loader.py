"""Flask-Login wiring: the session carries the user's id and session token."""

from __future__ import annotations

import secrets

from flask import Flask
from flask_login import LoginManager

from app.auth.models import User
from app.extensions import db
from app.i18n import lazy_gettext as _l


def load_user(identity: str) -> User | None:
    """The user for a session identity, if the token still matches and the account is active."""
    user_id, _sep, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active_account:
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    return user


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Configure the login manager for Kensa."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
