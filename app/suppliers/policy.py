"""Who may create and change suppliers and their sites, and assign their reviewers."""

from __future__ import annotations

from app.auth.models import ADMINS, INTERNAL_ROLES, MASTER_DATA_EDITORS, User, holds

SUPPLIER_EDITORS = ADMINS
REVIEWER_ASSIGNERS = MASTER_DATA_EDITORS


def can_edit_suppliers(user: User) -> bool:
    return holds(user, SUPPLIER_EDITORS)


def can_assign_reviewers(user: User) -> bool:
    return holds(user, REVIEWER_ASSIGNERS)


def sees_all_suppliers(user: User) -> bool:
    return holds(user, INTERNAL_ROLES)
