"""Who may write craftsmanship standards and the defect code list."""

from __future__ import annotations

from app.auth.models import MASTER_DATA_EDITORS, QUALITY_MANAGERS, User, holds
from app.standards.models import StandardRevision

AUTHORS = QUALITY_MANAGERS  # a standard binds every supplier: a quality manager writes and releases it
DEFECT_CODE_EDITORS = MASTER_DATA_EDITORS


def can_author_standards(user: User) -> bool:
    return holds(user, AUTHORS)


def can_edit_revision(user: User, revision: StandardRevision) -> bool:
    return holds(user, AUTHORS) and revision.is_draft


def can_edit_defect_codes(user: User) -> bool:
    return holds(user, DEFECT_CODE_EDITORS)
