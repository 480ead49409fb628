"""Bounded in-process LRUs of what a page renders once per data version (one set per worker process).

A key must name everything the kept value shows, so that any change gives a new key and nothing kept can
be stale; nothing is invalidated, old keys fall out. Kept in the worker rather than in a table: a lookup
costs no statement, a GET writes nothing, and nothing rendered outlives a rolled-back transaction.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app
from flask_babel import get_locale, get_timezone

EXTENSION = "kensa.kept"
DEFAULT_SIZE = 128  # keys kept per worker and kind: a lot's charts are some 60 KB, its evaluation 16 KB


class Kept:
    """A thread-safe LRU of at most `size` values."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)


def store(kind: str) -> Kept:
    """The app's LRU of this kind, made on first use (LOT_PAGE_KEPT_SIZE keys)."""
    stores: dict[str, Kept] = current_app.extensions.setdefault(EXTENSION, {})
    found = stores.get(kind)
    if found is None:
        found = stores.setdefault(kind, Kept(int(current_app.config.get("LOT_PAGE_KEPT_SIZE", DEFAULT_SIZE))))
    return found


def forget(app: Flask) -> None:
    """Drop everything the app keeps (tests: their rolled-back transactions free ids for reuse)."""
    for found in app.extensions.get(EXTENSION, {}).values():
        found.clear()


def reader() -> tuple[str, str]:
    """What of the reader a rendering shows: translated words and numbers, and dates in the reader's zone."""
    return str(get_locale()), str(get_timezone())
