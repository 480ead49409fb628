"""Who may publish scorecards and change their rules and targets: one answer for views and services."""

from __future__ import annotations

from app.auth.models import INTERNAL_ROLES, QUALITY_MANAGERS, User, holds

PUBLISHERS = QUALITY_MANAGERS  # publishing notifies every supplier: a quality manager signs it off
RULE_EDITORS = QUALITY_MANAGERS
TARGET_EDITORS = QUALITY_MANAGERS


def can_publish(user: User) -> bool:
    return holds(user, PUBLISHERS)


def can_edit_scoring_rules(user: User) -> bool:
    return holds(user, RULE_EDITORS)


def can_edit_targets(user: User) -> bool:
    return holds(user, TARGET_EDITORS)


def sees_drafts(user: User) -> bool:
    """The brand's staff see live drafts and every version; a supplier sees its published cards."""
    return holds(user, INTERNAL_ROLES)
