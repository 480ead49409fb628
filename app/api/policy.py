"""Who may create and revoke API tokens: an admin for any supplier, a supplier manager for their own."""

from __future__ import annotations

from app.api.models import ApiToken
from app.auth.models import ADMINS, SUPPLIER_MANAGERS, USER_ADMINS, User, holds

TOKEN_ADMINS = USER_ADMINS


def can_manage_tokens(user: User) -> bool:
    return holds(user, TOKEN_ADMINS)


def can_create_token_for(user: User, supplier_id: int) -> bool:
    return holds(user, ADMINS) or (holds(user, SUPPLIER_MANAGERS) and user.supplier_id == supplier_id)


def can_revoke(user: User, token: ApiToken) -> bool:
    return can_create_token_for(user, token.supplier_id) and token.revoked_at is None
