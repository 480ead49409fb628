"""Lists of lots: filtered, paginated, with what each row shows loaded in the same query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.lots.models import Lot, LotState
from app.pagination import Page, page_number

PER_PAGE = 50


@dataclass(frozen=True)
class LotFilters:
    part_id: int | None = None
    site_id: int | None = None
    state: str | None = None
    since: date | None = None
    supplier_id: int | None = None


def _criteria(filters: LotFilters) -> list[Any]:
    criteria: list[Any] = []
    if filters.part_id:
        criteria.append(Lot.part_id == filters.part_id)
    if filters.site_id:
        criteria.append(Lot.site_id == filters.site_id)
    if filters.state in set(LotState):
        criteria.append(Lot.state == filters.state)
    if filters.since:
        criteria.append(Lot.updated_at >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.supplier_id:
        criteria.append(Lot.supplier_id == filters.supplier_id)
    return criteria


def lot_page(filters: LotFilters, number: int = 1, per_page: int = PER_PAGE) -> Page[Lot]:
    """One page of lots visible to the session, newest change first."""
    criteria = _criteria(filters)
    total = db.session.scalar(select(func.count(Lot.id)).where(*criteria)) or 0
    number = page_number(number, total, per_page)
    items = db.session.scalars(
        select(Lot)
        .options(joinedload(Lot.part), joinedload(Lot.site), joinedload(Lot.supplier))
        .where(*criteria)
        .order_by(Lot.updated_at.desc(), Lot.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return Page(list(items), total, number, per_page)


def state_counts(supplier_id: int | None = None) -> dict[str, int]:
    """Lots per state (of one supplier, or all the session may see)."""
    query = select(Lot.state, func.count(Lot.id)).group_by(Lot.state)
    if supplier_id is not None:
        query = query.where(Lot.supplier_id == supplier_id)
    return {state: count for state, count in db.session.execute(query)}


def latest_in(states: tuple[str, ...], limit: int = 10) -> list[Lot]:
    """The most recently changed lots in these states, oldest waiting first within the page."""
    return list(
        db.session.scalars(
            select(Lot)
            .options(joinedload(Lot.part), joinedload(Lot.site))
            .where(Lot.state.in_(states))
            .order_by(Lot.updated_at.desc(), Lot.id.desc())
            .limit(limit)
        )
    )
