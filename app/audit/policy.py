"""Who reads the audit trail: the brand's staff."""

from __future__ import annotations

from app.auth.models import INTERNAL_ROLES, User, holds

AUDIT_READERS = INTERNAL_ROLES


def sees_audit_trail(user: User) -> bool:
    return holds(user, AUDIT_READERS)
