"""Who is told about a lot's review events; the rows are written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from app.auth.models import Role, User
from app.extensions import db
from app.lots.models import Lot
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.reviews.models import Deviation, ReviewerAssignment
from app.tenancy import internal_users


def _params(lot: Lot, **extra: str | int) -> dict[str, str | int]:
    return {
        "lot_number": lot.lot_number,
        "part_number": lot.part.part_number,
        "supplier_code": lot.supplier.code,
        **extra,
    }


def _path(lot: Lot) -> str:
    return f"/lots/{lot.id}"


def _active(query) -> list[User]:  # type: ignore[no-untyped-def]
    return list(db.session.scalars(query.where(User.is_active_account).order_by(User.id)))


def reviewers_of(lot: Lot) -> list[User]:
    """The reviewers assigned to the lot's supplier; every reviewer when none is assigned."""
    assigned = select(ReviewerAssignment.user_id).where(ReviewerAssignment.supplier_id == lot.supplier_id)
    active = User.is_active_account
    return internal_users(active, User.id.in_(assigned)) or internal_users(active, User.role == Role.REVIEWER)


def supplier_people(lot: Lot) -> list[User]:
    """The lot's inspector and creator, and the supplier's managers."""
    return _active(
        select(User).where(
            User.supplier_id == lot.supplier_id,
            or_(
                User.id.in_((lot.inspector_id, lot.created_by_id)),
                User.role == Role.SUPPLIER_MANAGER,
            ),
        )
    )


def quality_managers(exclude: User | None = None) -> list[User]:
    others = [User.id != exclude.id] if exclude is not None else []
    return internal_users(User.is_active_account, User.role == Role.QUALITY_MANAGER, *others)


def _send(users: Iterable[User], kind: NotificationKind, lot: Lot, **extra: str | int) -> None:
    notify(users, kind, _params(lot, **extra), _path(lot))


def lot_submitted(lot: Lot) -> None:
    _send(reviewers_of(lot), NotificationKind.LOT_SUBMITTED, lot)


def lot_returned(lot: Lot, message: str) -> None:
    _send(supplier_people(lot), NotificationKind.LOT_RETURNED, lot, message=message)


def lot_decided(lot: Lot, reason: str) -> None:
    _send(supplier_people(lot), NotificationKind.LOT_DECIDED, lot, decision=lot.state, message=reason)


def deviation_awaiting(lot: Lot, deviation: Deviation, exclude: User) -> None:
    _send(
        quality_managers(exclude),
        NotificationKind.DEVIATION_AWAITING_SIGNATURE,
        lot,
        message=deviation.reason,
        quantity=deviation.quantity,
    )


def deviation_refused(lot: Lot, deviation: Deviation, comment: str) -> None:
    _send([deviation.requested.signer], NotificationKind.DEVIATION_REFUSED, lot, message=comment)
