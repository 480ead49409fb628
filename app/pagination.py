"""One page of a list: the rows shown, the total, and which page of how many."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Generic, TypeVar

T = TypeVar("T")


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

    @property
    def pages(self) -> int:
        return pages_of(self.total, self.per_page)
