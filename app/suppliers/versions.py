"""A supplier's data version: one more each time something its scorecard counts changes (a lot
decided or returned, a SCAR issued, answered, decided, reopened, or a step's deadline moved), in the
same transaction as the change. What is kept from that data (the KPI snapshots) carries the version
it was computed from and is used only while the version is current, so it is never stale."""

from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.suppliers.models import Supplier


def bump(supplier_id: int) -> None:
    """The supplier's data changed (its `updated_at` stays: the supplier itself did not)."""
    db.session.execute(
        update(Supplier)
        .where(Supplier.id == supplier_id)
        .values(data_version=Supplier.data_version + 1, updated_at=Supplier.updated_at)
        .execution_options(synchronize_session=False)
    )
