"""Who may record ISO 9001 certificates and grant waivers."""

from __future__ import annotations

from app.auth.models import MASTER_DATA_EDITORS, QUALITY_MANAGERS, User, holds

RECORDERS = MASTER_DATA_EDITORS
WAIVER_GRANTORS = QUALITY_MANAGERS  # a waiver lets lots through without a certificate


def can_record_certificates(user: User) -> bool:
    return holds(user, RECORDERS)


def can_grant_waivers(user: User) -> bool:
    return holds(user, WAIVER_GRANTORS)
