"""A supplier's data version: a new one each time something its scorecard counts changes (a lot
decided or returned, a SCAR issued, answered, decided, reopened, or a step's deadline moved), in the
same transaction as the change. What is kept from that data (the KPI snapshots, the live ranking)
carries the version it was computed from and is used only while the version is current, so it is
never stale. A version is a random number, not a count: a change rolled back and another one made
after it must not give two different states of the data the same version."""

from __future__ import annotations

import secrets

from sqlalchemy import update

from app.extensions import db
from app.suppliers.models import Supplier


def bump(supplier_id: int) -> None:
    """The supplier's data changed (its `updated_at` stays: the supplier itself did not)."""
    db.session.execute(
        update(Supplier)
        .where(Supplier.id == supplier_id)
        .values(data_version=secrets.randbits(62), updated_at=Supplier.updated_at)
        .execution_options(synchronize_session=False)
    )
