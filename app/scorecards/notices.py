"""Who is told of a publication: each supplier's managers and inspectors (active accounts), in the
portal and by e-mail. The confirmation page names the same people the subscriber tells."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select

from app.auth.models import SUPPLIER_MANAGERS, SUPPLIER_ROLES, Role, User
from app.extensions import db
from app.suppliers.models import Supplier


def recipients(supplier_ids: Collection[int] | None = None) -> dict[int, list[User]]:
    """The people to tell, by supplier id (one query); every supplier when `supplier_ids` is None."""
    query = select(User).where(User.role.in_(SUPPLIER_ROLES), User.is_active_account).order_by(User.name)
    if supplier_ids is not None:
        query = query.where(User.supplier_id.in_(list(supplier_ids)))
    found: dict[int, list[User]] = {}
    for user in db.session.scalars(query):
        found.setdefault(user.supplier_id or 0, []).append(user)
    return found


@dataclass
class Told:
    """One supplier's people who will be told, by role."""

    supplier: Supplier
    managers: list[User] = field(default_factory=list)
    inspectors: list[User] = field(default_factory=list)


@dataclass
class Audience:
    """Everyone a publication will tell, supplier by supplier (the confirmation page)."""

    suppliers: list[Told]

    @property
    def managers(self) -> int:
        return sum(len(told.managers) for told in self.suppliers)

    @property
    def inspectors(self) -> int:
        return sum(len(told.inspectors) for told in self.suppliers)

    @property
    def nobody(self) -> list[Supplier]:
        """Suppliers whose card is published with nobody to tell."""
        return [told.supplier for told in self.suppliers if not told.managers and not told.inspectors]


def audience() -> Audience:
    """Every supplier (each gets a card) with the people a publication tells (two queries)."""
    people = recipients()
    suppliers = []
    for supplier in db.session.scalars(select(Supplier).order_by(Supplier.code)):
        told = Told(supplier)
        for user in people.get(supplier.id, []):
            (told.managers if Role(user.role) in SUPPLIER_MANAGERS else told.inspectors).append(user)
        suppliers.append(told)
    return Audience(suppliers)
