"""One page of a list: the rows shown, the total, and which page of how many.

The longest lists (every lot, the audit trail) count no further than COUNT_CAP rows: past it they say
"more than 10,000", and a view of 300,000 events costs what one of 10,001 does."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from app.extensions import db

T = TypeVar("T")
COUNT_CAP = 10_000


def count_up_to(query: Select[Any], cap: int) -> int:
    """How many rows `query` selects, counted no further than `cap` + 1 (which means "more than `cap`")."""
    return db.session.scalar(select(func.count()).select_from(query.limit(cap + 1).subquery())) or 0


def pages_of(total: int, per_page: int) -> int:
    """How many pages `total` rows fill (at least one: an empty list is one empty page)."""
    return max(1, ceil(total / per_page))


def page_number(requested: int, total: int, per_page: int) -> int:
    """The requested page, brought within 1..pages (a stale link past the end shows the last page)."""
    return max(1, min(requested, pages_of(total, per_page)))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int
    cap: int | None = None  # the total was counted no further than this (and one more)

    @property
    def pages(self) -> int:
        return pages_of(self.total, self.per_page)

    @property
    def more_than(self) -> int | None:
        """The cap, when the list holds more rows than it (the total is then cap + 1)."""
        return self.cap if self.cap is not None and self.total > self.cap else None
