"""Who may do what with lots: the one answer that views, templates, services and the API ask."""

from __future__ import annotations

from app.auth.models import SUPPLIER_ROLES, User, holds
from app.lots.models import Lot

LOT_WRITERS = SUPPLIER_ROLES  # the supplier's inspectors and managers enter and submit their lots


def can_create_lots(user: User) -> bool:
    return holds(user, LOT_WRITERS)


def can_edit_lot(user: User, lot: Lot) -> bool:
    """The lot's own supplier changes its data while it is a draft or returned for correction."""
    return holds(user, LOT_WRITERS) and user.supplier_id == lot.supplier_id and lot.is_editable
