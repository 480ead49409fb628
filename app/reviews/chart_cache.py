"""The lot page's control charts, rendered once per data version and kept in a bounded LRU per worker.

A submitted dataset never changes (a correction is a new dataset), so a lot's charts follow from what
the key names: the lot ringed, the lots of the window (their datasets, numbers, sizes, counts and
submission times), the variable characteristics charted, the frozen baselines in force (with what their
note says: date, name, lots, limits), the language and the time zone. Any change of one of those is a
new key, so a kept chart is never stale; nothing needs invalidating, and old keys fall out of the LRU.

Kept in the worker rather than in a table: a lookup costs no statement, a GET writes nothing, and no
rendered SVG outlives a rolled-back transaction. The price is one rendering per worker and key.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_babel import get_locale, get_timezone

if TYPE_CHECKING:
    from app.reviews.charts import ChartView

EXTENSION = "kensa.lot_charts"
DEFAULT_SIZE = 256  # keys kept per worker; a lot's charts are some 20-60 KB of SVG


class ChartCache:
    """A thread-safe LRU of chart views without their ORM objects (`frozen` is attached on the way out)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[ChartView, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[ChartView, ...] | None:
        with self._lock:
            views = self._kept.get(key)
            if views is not None:
                self._kept.move_to_end(key)
            return views

    def put(self, key: Hashable, views: tuple[ChartView, ...]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._kept[key] = views
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


def forget(app: Flask) -> None:
    """Drop every chart the app keeps (tests: their rolled-back transactions free ids for reuse)."""
    found: ChartCache | None = app.extensions.get(EXTENSION)
    if found is not None:
        found.clear()


def cache() -> ChartCache:
    """The app's chart cache (one per worker process), made on first use."""
    found: ChartCache | None = current_app.extensions.get(EXTENSION)
    if found is None:
        size = int(current_app.config.get("LOT_CHART_CACHE_SIZE", DEFAULT_SIZE))
        found = current_app.extensions.setdefault(EXTENSION, ChartCache(size))
    return found


def reader() -> tuple[str, str]:
    """What of the reader the charts show: translated words, and dates in the reader's zone."""
    return str(get_locale()), str(get_timezone())


def kept(key: Hashable, render: Callable[[], list[ChartView]], frozen: dict[str, object]) -> list[ChartView]:
    """The views of `key`, rendered now if not kept; each with the baseline now frozen for its chart."""
    store = cache()
    views = store.get(key)
    if views is None:
        rendered = render()
        store.put(key, tuple(replace(v, frozen=None, violations=list(v.violations)) for v in rendered))
        return rendered
    return [replace(v, frozen=frozen.get(v.key), violations=list(v.violations)) for v in views]  # type: ignore[arg-type]
