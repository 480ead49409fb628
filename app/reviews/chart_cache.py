"""The lot page's control charts, rendered once per data version and kept in an LRU per worker (app/kept.py).

A submitted dataset never changes (a correction is a new dataset), so a lot's charts follow from what
the key names (charts.for_lot): the lot ringed, the lots of the window (their datasets, numbers, sizes,
counts and submission times), the variable characteristics charted, the frozen baselines in force (with
what their note says: date, name, lots, limits), the language and the time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TYPE_CHECKING

from app import kept

if TYPE_CHECKING:
    from app.reviews.charts import ChartView

KIND = "charts"


def views(key: Hashable, render: Callable[[], list[ChartView]], frozen: dict[str, object]) -> list[ChartView]:
    """The views of `key`, rendered now if not kept; each with the baseline now frozen for its chart.

    The kept views hold no ORM object: the baselines are the request's own (the freeze forms use them).
    """
    store = kept.store(KIND)
    found: tuple[ChartView, ...] | None = store.get(key)
    if found is None:
        rendered = render()
        store.put(key, tuple(replace(v, frozen=None, violations=list(v.violations)) for v in rendered))
        return rendered
    return [replace(v, frozen=frozen.get(v.key), violations=list(v.violations)) for v in found]  # type: ignore[arg-type]
