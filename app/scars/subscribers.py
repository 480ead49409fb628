"""The SCAR domain's reactions: the effectiveness check counts decided lots; people are told."""

from __future__ import annotations

from app.events import subscribe
from app.lots.models import Lot
from app.notifications.models import NotificationKind
from app.scars import effectiveness, notices
from app.scars.models import Scar


@subscribe("lot.decided")
def count_for_effectiveness(lot: Lot, reason: str) -> None:
    effectiveness.lot_decided(lot)


@subscribe("scar.issued")
def tell_supplier_issued(scar: Scar) -> None:
    notices.tell_supplier(scar, NotificationKind.SCAR_ISSUED)


@subscribe("scar.reopened")
def tell_both_sides_reopened(scar: Scar, lot: Lot) -> None:
    notices.tell_supplier(scar, NotificationKind.SCAR_REOPENED, lot_number=lot.lot_number)
    notices.tell_brand(scar, NotificationKind.SCAR_REOPENED, lot_number=lot.lot_number)
