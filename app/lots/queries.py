"""Lists of lots: filtered, paginated, with what each row shows loaded in the same query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, Select, and_, case, func, or_, select

from app import pagination
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot, LotState
from app.matching import exact_first, number_contains
from app.pagination import Page, count_up_to, page_number
from app.parts.models import Part
from app.suppliers.models import Site, Supplier

PER_PAGE = 50


@dataclass(frozen=True)
class LotFilters:
    part_id: int | None = None
    site_id: int | None = None
    state: str | None = None
    since: date | None = None
    supplier_id: int | None = None
    number: str | None = None  # a part of the lot number, in any case


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
    if filters.number and filters.number.strip():
        criteria.append(number_contains(Lot.lot_number, filters.number))
    return criteria


# What a row of a lot list shows, read as plain rows (no Lot objects): the lot, its part, site and supplier.
ROW_COLUMNS = (
    Lot.id,
    Lot.lot_number,
    Lot.state,
    Lot.recommendation,
    Lot.flag_count,
    Lot.updated_at,
    Part.part_number,
    Site.name.label("site_name"),
    Supplier.code.label("supplier_code"),
)


def _with_row_columns(query: Select[Any]) -> Select[Any]:
    return (
        query.join(Part, Part.id == Lot.part_id)
        .join(Site, Site.id == Lot.site_id)
        .join(Supplier, Supplier.id == Lot.supplier_id)
    )


def lot_page(filters: LotFilters, number: int = 1, per_page: int = PER_PAGE) -> Page[Row[Any]]:
    """One page of lots visible to the session, newest change first, as rows of ROW_COLUMNS."""
    criteria = _criteria(filters)
    cap = pagination.COUNT_CAP
    total = count_up_to(select(Lot.id).where(*criteria), cap)
    number = page_number(number, total, per_page)
    items = db.session.execute(
        _with_row_columns(select(*ROW_COLUMNS))
        .where(*criteria)
        .order_by(Lot.updated_at.desc(), Lot.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return Page(list(items), total, number, per_page, cap)


def lots_numbered(text: str, limit: int) -> list[Row[Any]]:
    """Lots visible to the session whose number contains `text`, exact matches first, as rows of
    ROW_COLUMNS (the header's search)."""
    return list(
        db.session.execute(
            _with_row_columns(select(*ROW_COLUMNS))
            .where(number_contains(Lot.lot_number, text))
            .order_by(exact_first(Lot.lot_number, text), Lot.updated_at.desc(), Lot.id.desc())
            .limit(limit)
        ).all()
    )


# The supplier home's groups of lots still in the supplier's hands or waiting for the brand, and the
# lots rejected in the last REJECTED_DAYS (decided, but the supplier has to act on them: a SCAR, a
# replacement lot).
ACTIVE_GROUPS = {
    LotState.RETURNED: "returned",
    LotState.DRAFT: "draft",
    LotState.SUBMITTED: "waiting",
    LotState.IN_REVIEW: "waiting",
    LotState.REJECTED: "rejected",
}
REJECTED_DAYS = 30


@dataclass(frozen=True)
class ActiveLots:
    """Per group of ACTIVE_GROUPS: the most recently changed lots (rows of ROW_COLUMNS) and how many."""

    latest: dict[str, list[Row[Any]]]
    counts: dict[str, int]


def active_lots(supplier_id: int, limit: int = 10) -> ActiveLots:
    """The supplier's returned, draft and waiting lots and those rejected in the last REJECTED_DAYS: the
    `limit` latest of each group with the group's total, in one query (older history is never read)."""
    rejected_since = utcnow() - timedelta(days=REJECTED_DAYS)
    still_active = [state for state in ACTIVE_GROUPS if state != LotState.REJECTED]
    group = case(*((Lot.state == state, name) for state, name in ACTIVE_GROUPS.items())).label("group")
    ranked = (
        _with_row_columns(
            select(
                *ROW_COLUMNS,
                group,
                func.row_number()
                .over(partition_by=group, order_by=(Lot.updated_at.desc(), Lot.id.desc()))
                .label("rank"),
                func.count().over(partition_by=group).label("total"),
            )
        )
        .where(
            Lot.supplier_id == supplier_id,
            or_(
                Lot.state.in_(still_active),
                and_(Lot.state == LotState.REJECTED, Lot.decided_at >= rejected_since),
            ),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.group, ranked.c.rank)
    ).all()
    latest: dict[str, list[Row[Any]]] = {name: [] for name in ACTIVE_GROUPS.values()}
    counts = dict.fromkeys(latest, 0)
    for row in rows:
        latest[row.group].append(row)
        counts[row.group] = row.total
    return ActiveLots(latest, counts)
