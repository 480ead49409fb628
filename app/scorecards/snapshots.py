"""KPI snapshots: what the draft cards and the live ranking read from the lots and SCARs, kept per
(supplier, period) so that a scorecard page does not count a period's lots on every view.

A snapshot is used only while it is still what counting now would give:
- it was kept from the supplier's current data version (app/suppliers/versions.py: every lot decided,
  SCAR issued, answered, decided or reopened, and every deadline moved, adds one in its own
  transaction; the version is read before counting, so a change committed meanwhile makes it old);
- and its `as_of` is the period's end, or today (UTC) while the period runs: the counts of steps due
  and overdue SCARs change with the date alone.
Otherwise the supplier's period is counted again and kept. Published cards are never read from here:
publishing counts afresh and freezes (app/scorecards/services.py).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.scorecards.cards import Data, data
from app.scorecards.kpis import Figures
from app.scorecards.models import KpiSnapshot
from app.scorecards.periods import Period
from app.suppliers.models import Supplier

log = logging.getLogger(__name__)


def kept(
    periods: Collection[Period], supplier_ids: Collection[int] | None, now: datetime, lists: bool = True
) -> dict[Period, dict[int, Data]]:
    """Each period's data of each supplier (None: every visible one), from the snapshots that are
    current, the others counted now and kept. Without `lists`, only the figures are read (the ranking)."""
    # The supplier's version and its snapshots of the periods, in one statement (a supplier without
    # any snapshot comes once, with NULLs).
    query = (
        select(
            Supplier.id.label("owner"),
            Supplier.data_version.label("version"),
            KpiSnapshot.period,
            KpiSnapshot.data_version,
            KpiSnapshot.as_of,
            KpiSnapshot.figures,
            *([KpiSnapshot.lists] if lists else []),
        )
        .outerjoin(
            KpiSnapshot,
            (KpiSnapshot.supplier_id == Supplier.id) & KpiSnapshot.period.in_([p.key for p in periods]),
        )
        .order_by(Supplier.code)
    )
    if supplier_ids is not None:
        query = query.where(Supplier.id.in_(list(supplier_ids)))
    current: dict[int, int] = {}
    stored = {}
    for row in db.session.execute(query):
        current[row.owner] = row.version
        stored[(row.owner, row.period)] = row
    found: dict[Period, dict[int, Data]] = {}
    for period in periods:
        found[period], stale = {}, []
        for supplier_id, version in current.items():
            row = stored.get((supplier_id, period.key))
            if row is not None and _is_current(row, period, version, now):
                found[period][supplier_id] = _data(row, lists)
            else:
                stale.append(supplier_id)
        if stale:
            counted = data(period, now, stale)
            _keep(period, counted, current)
            found[period].update(counted)
    return found


def _is_current(row: Row[Any], period: Period, version: int, now: datetime) -> bool:
    if row.data_version != version or row.as_of > now:
        return False
    as_of = period.as_of(now)
    return bool(row.as_of == as_of or (as_of < period.end and row.as_of.date() == now.date()))


def _data(row: Row[Any], lists: bool) -> Data:
    figures = Figures(**row.figures)
    if not lists:
        return Data(row.as_of, figures)
    return Data(row.as_of, figures, row.lists["pareto"], row.lists["rejected_lots"], row.lists["open_scars"])


def _keep(period: Period, counted: dict[int, Data], current: dict[int, int]) -> None:
    """Store the counted data with the versions read before counting. Keeping never fails the page:
    when another page kept the same snapshot at the same moment (a unique key), or the database would
    not take the write now (SQLite: a read-only request's transaction cannot write once another writer
    committed; PostgreSQL: a deadlock), this page still shows its counts and a later view keeps them."""
    try:
        with db.session.begin_nested():
            db.session.execute(
                delete(KpiSnapshot).where(
                    KpiSnapshot.period == period.key, KpiSnapshot.supplier_id.in_(list(counted))
                )
            )
            db.session.execute(
                insert(KpiSnapshot),
                [
                    {
                        "supplier_id": supplier_id,
                        "period": period.key,
                        "data_version": current[supplier_id],
                        "as_of": each.as_of,
                        "figures": each.figures.as_dict(),
                        "lists": {
                            "pareto": each.pareto,
                            "rejected_lots": each.rejected_lots,
                            "open_scars": each.open_scars,
                        },
                    }
                    for supplier_id, each in counted.items()
                ],
            )
    except (IntegrityError, OperationalError) as error:
        log.info("KPI snapshots of %s not kept: %s", period.key, type(error.orig).__name__)
