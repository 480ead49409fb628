"""The review queue: lots waiting for the brand, filtered, sorted, counted, one query per figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import joinedload

from app.db import utcnow
from app.extensions import db
from app.lots.models import WAITING_STATES, Lot, LotState
from app.pagination import Page, page_number
from app.parts.models import Part
from app.reviews.models import Deviation, DeviationState, ReviewerAssignment
from app.suppliers.models import Supplier

PER_PAGE = 50


@dataclass(frozen=True)
class QueueFilters:
    supplier_id: int | None = None
    part_id: int | None = None
    # "submitted", "in_review", "mine" (claimed by the user), "deviation" (awaiting a signature), or all.
    state: str | None = None
    recommendation: str | None = None
    flagged: bool | None = None
    older_than_days: int | None = None
    sort: str = "oldest"


@dataclass(frozen=True)
class QueueSummary:
    waiting: int
    unclaimed: int
    in_review: int
    mine: int
    flagged: int
    reject_recommended: int
    awaiting_deviation: int
    oldest_submitted_at: datetime | None


def _awaiting_deviation() -> Any:
    return exists().where(Deviation.lot_id == Lot.id, Deviation.state == DeviationState.AWAITING)


def _criteria(filters: QueueFilters, user_id: int) -> list[Any]:
    criteria: list[Any] = [Lot.state.in_(WAITING_STATES)]
    if filters.supplier_id:
        criteria.append(Lot.supplier_id == filters.supplier_id)
    if filters.part_id:
        criteria.append(Lot.part_id == filters.part_id)
    if filters.state in (LotState.SUBMITTED, LotState.IN_REVIEW):
        criteria.append(Lot.state == filters.state)
    elif filters.state == "mine":
        criteria += [Lot.state == LotState.IN_REVIEW, Lot.reviewer_id == user_id]
    elif filters.state == "deviation":
        criteria.append(_awaiting_deviation())
    if filters.recommendation in ("accept", "reject"):
        criteria.append(Lot.recommendation == filters.recommendation)
    if filters.flagged is True:
        criteria.append(Lot.flag_count > 0)
    elif filters.flagged is False:
        criteria.append(Lot.flag_count == 0)
    if filters.older_than_days:
        criteria.append(Lot.submitted_at <= utcnow() - timedelta(days=filters.older_than_days))
    return criteria


def _order(sort: str, assigned: set[int]) -> list[Any]:
    # The reviewer's own suppliers come first, whatever the sort.
    order: list[Any] = [case((Lot.supplier_id.in_(assigned), 0), else_=1)] if assigned else []
    if sort == "newest":
        order += [Lot.submitted_at.desc(), Lot.id.desc()]
    elif sort == "supplier":
        order += [Supplier.code, Lot.submitted_at, Lot.id]
    elif sort == "part":
        order += [Part.part_number, Lot.submitted_at, Lot.id]
    else:
        order += [Lot.submitted_at, Lot.id]
    return order


def queue_page(
    filters: QueueFilters, user_id: int, assigned: set[int], number: int = 1, per_page: int = PER_PAGE
) -> Page[Lot]:
    """One page of waiting lots, the suppliers in `assigned` first, with what each row shows loaded.

    The page's ids are chosen from the lot table alone (sorting the waiting lots, not a seven-table
    join), then those lots are loaded with their part, site, supplier and reviewer: two queries.
    """
    criteria = _criteria(filters, user_id)
    total = db.session.scalar(select(func.count(Lot.id)).where(*criteria)) or 0
    number = page_number(number, total, per_page)
    ids = select(Lot.id).where(*criteria)
    if filters.sort == "supplier":
        ids = ids.join(Supplier, Supplier.id == Lot.supplier_id)
    elif filters.sort == "part":
        ids = ids.join(Part, Part.id == Lot.part_id)
    chosen = list(
        db.session.scalars(
            ids.order_by(*_order(filters.sort, assigned)).limit(per_page).offset((number - 1) * per_page)
        )
    )
    lots = {
        lot.id: lot
        for lot in db.session.scalars(
            select(Lot)
            .options(
                joinedload(Lot.part), joinedload(Lot.site), joinedload(Lot.supplier), joinedload(Lot.reviewer)
            )
            .where(Lot.id.in_(chosen))
        )
    }
    return Page([lots[i] for i in chosen if i in lots], total, number, per_page)


def assigned_supplier_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ReviewerAssignment.supplier_id).where(ReviewerAssignment.user_id == user_id)
        )
    )


def lots_awaiting_deviation(lot_ids: list[int]) -> set[int]:
    """Which of these lots have a deviation waiting for its second signature (one query)."""
    if not lot_ids:
        return set()
    return set(
        db.session.scalars(
            select(Deviation.lot_id).where(
                Deviation.lot_id.in_(lot_ids), Deviation.state == DeviationState.AWAITING
            )
        )
    )


def summary(user_id: int) -> QueueSummary:
    """The queue's counts and its oldest waiting submission, in one query."""
    waiting = Lot.state.in_(WAITING_STATES)
    row = db.session.execute(
        select(
            func.count(Lot.id),
            func.count(Lot.id).filter(Lot.state == LotState.SUBMITTED),
            func.count(Lot.id).filter(Lot.state == LotState.IN_REVIEW),
            func.count(Lot.id).filter(Lot.state == LotState.IN_REVIEW, Lot.reviewer_id == user_id),
            func.count(Lot.id).filter(Lot.flag_count > 0),
            func.count(Lot.id).filter(Lot.recommendation == "reject"),
            func.count(Lot.id).filter(_awaiting_deviation()),
            func.min(Lot.submitted_at),
        ).where(waiting)
    ).one()
    return QueueSummary(*row)
