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


def can_end_sessions_of(user: User, target: User) -> bool:
    """An admin signs out everywhere an active account that has a password."""
    return holds(user, ADMINS) and target.is_active_account and target.has_password


def can_reactivate(user: User, target: User) -> bool:
    """An admin reactivates anyone; a supplier manager only a colleague whom a supplier manager
    deactivated, never one whom the brand blocked."""
    if holds(user, ADMINS):
        return True
    colleague = holds(user, SUPPLIER_MANAGERS) and user.supplier_id == target.supplier_id
    return colleague and not target.deactivated_by_internal


def can_reset_second_factor(user: User, target: User) -> bool:
    """An admin resets another user's second factor (audited, and the user is told by e-mail)."""
    return holds(user, ADMINS) and target.has_second_factor and target.id != user.id
