"""The review queue: lots waiting for the brand, filtered, sorted, and counted in one aggregate query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.lots.models import WAITING_STATES, Lot, LotState
from app.pagination import Page, page_number
from app.parts.models import Part
from app.reviews.models import Deviation, DeviationState, ReviewerAssignment
from app.suppliers.models import Site, Supplier

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
    # The waiting lots that match the filters (all of them without filters).
    matching: int


def _awaiting_deviation() -> Any:
    # IN rather than a correlated EXISTS: the database reads the (few) awaiting deviations once,
    # not once per waiting lot.
    return Lot.id.in_(select(Deviation.lot_id).where(Deviation.state == DeviationState.AWAITING))


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
    filters: QueueFilters,
    user_id: int,
    assigned: set[int],
    total: int,
    number: int = 1,
    per_page: int = PER_PAGE,
) -> Page[Any]:
    """One page of the `total` waiting lots matching `filters` (`summary(...).matching`), the suppliers
    in `assigned` first: rows of what the queue shows of each lot, in one query.

    The page's ids are chosen from the lot table alone (sorting the waiting lots, not a five-table
    join) in a subquery; only those lots are joined to their supplier, part, site and reviewer, and
    sorted again. Rows rather than `Lot` objects: the list shows a dozen columns of each.
    """
    criteria = _criteria(filters, user_id)
    number = page_number(number, total, per_page)
    order = _order(filters.sort, assigned)
    ids = select(Lot.id).where(*criteria)
    if filters.sort == "supplier":
        ids = ids.join(Supplier, Supplier.id == Lot.supplier_id)
    elif filters.sort == "part":
        ids = ids.join(Part, Part.id == Lot.part_id)
    chosen = ids.order_by(*order).limit(per_page).offset((number - 1) * per_page).subquery()
    reviewer = aliased(User)
    rows = db.session.execute(
        select(
            Lot.id,
            Lot.lot_number,
            Lot.submissions,
            Lot.state,
            Lot.recommendation,
            Lot.flag_count,
            Lot.submitted_at,
            Lot.supplier_id,
            Lot.reviewer_id,
            Supplier.code.label("supplier_code"),
            Part.part_number,
            Site.name.label("site_name"),
            reviewer.name.label("reviewer_name"),
            _awaiting_deviation().label("awaiting_deviation"),
        )
        .join(chosen, chosen.c.id == Lot.id)
        .join(Supplier, Supplier.id == Lot.supplier_id)
        .join(Part, Part.id == Lot.part_id)
        .join(Site, Site.id == Lot.site_id)
        .outerjoin(reviewer, reviewer.id == Lot.reviewer_id)
        .order_by(*order)
    ).all()
    return Page(list(rows), total, number, per_page)


def assigned_supplier_ids(user_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ReviewerAssignment.supplier_id).where(ReviewerAssignment.user_id == user_id)
        )
    )


def summary(user_id: int, filters: QueueFilters | None = None) -> QueueSummary:
    """The queue's counts, its oldest waiting submission and how many lots match `filters`, in one query."""
    waiting = Lot.state.in_(WAITING_STATES)
    # Every criterion list starts with `waiting`, the WHERE of this query; the rest filter the count.
    narrower = _criteria(filters, user_id)[1:] if filters else []
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
            func.count(Lot.id).filter(and_(*narrower)) if narrower else func.count(Lot.id),
        ).where(waiting)
    ).one()
    return QueueSummary(*row)
