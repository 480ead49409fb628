"""Who is told about a SCAR: its supplier's people, and the brand's engineer who raised it."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.scars.models import Scar
from app.tenancy import internal_users


def _params(scar: Scar, **extra: str | int) -> dict[str, str | int]:
    return {
        "scar_number": scar.number,
        "supplier_code": scar.supplier.code,
        "part_number": scar.part.part_number,
        **extra,
    }


def tell_supplier(scar: Scar, kind: NotificationKind, **extra: str | int) -> None:
    people = db.session.scalars(
        select(User).where(User.supplier_id == scar.supplier_id, User.is_active_account).order_by(User.id)
    ).all()
    notify(people, kind, _params(scar, **extra), f"/scars/{scar.id}")


def tell_brand(scar: Scar, kind: NotificationKind, **extra: str | int) -> None:
    notify(internal_users(User.id == scar.raised_by_id), kind, _params(scar, **extra), f"/scars/{scar.id}")
