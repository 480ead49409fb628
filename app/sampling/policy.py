"""Who may change a switching record (allow reduced inspection, reset the severity)."""

from __future__ import annotations

from app.auth.models import QUALITY_MANAGERS, SUPPLIER_ROLES, User, holds

SWITCHING_EDITORS = QUALITY_MANAGERS


def can_change_switching(user: User) -> bool:
    return holds(user, SWITCHING_EDITORS)


def sees_own_severity(user: User) -> bool:
    """A supplier's people have a page with the inspection severity of their parts."""
    return holds(user, SUPPLIER_ROLES)
