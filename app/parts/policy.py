"""Who may create and change parts and their approvals."""

from __future__ import annotations

from app.auth.models import MASTER_DATA_EDITORS, User, holds

PART_EDITORS = MASTER_DATA_EDITORS


def can_edit_parts(user: User) -> bool:
    return holds(user, PART_EDITORS)
