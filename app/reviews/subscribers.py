"""Who is told about a lot's moves: the reviewers of a submitted lot, the supplier of a decision."""

from __future__ import annotations

from app.events import subscribe
from app.lots.models import Lot
from app.reviews import notices


@subscribe("lot.submitted")
def tell_reviewers(lot: Lot, resubmission: bool) -> None:
    notices.lot_submitted(lot)


@subscribe("lot.returned")
def tell_supplier_returned(lot: Lot, reason: str) -> None:
    notices.lot_returned(lot, reason)


@subscribe("lot.decided")
def tell_supplier_decided(lot: Lot, reason: str) -> None:
    notices.lot_decided(lot, reason)
