"""Who may invite, change and deactivate users: an admin for everyone, a supplier manager for their team."""

from __future__ import annotations

from app.auth.models import ADMINS, SUPPLIER_MANAGERS, USER_ADMINS, User, holds


def can_manage_users(user: User) -> bool:
    return holds(user, USER_ADMINS)


def can_administer(user: User) -> bool:
    """The portal's administrators: every user and supplier, the outbox, the system's home page."""
    return holds(user, ADMINS)


def can_manage_team(user: User) -> bool:
    return holds(user, SUPPLIER_MANAGERS)


def can_send_password_reset(user: User, target: User) -> bool:
    """An admin sends a reset link to an active account that has a password."""
    return holds(user, ADMINS) and target.is_active_account and target.has_password
