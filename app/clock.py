"""The one source of the current time: `utcnow()`.

The portal reads the system clock. Tests install a `TestClock` that starts at a fixed instant, so
that no test depends on the day it runs; the browser tests' server does the same through the
testing config's CLOCK_START (KENSA_CLOCK_START). Production never takes a start instant.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class TestClock:
    """A clock that starts at `start` and then runs at real speed, so that two readings in a test
    still differ and keep their order, as they do in production. `set` and `advance` move it;
    `freeze` stops it at an instant, for a test that needs an exact "now"."""

    __test__ = False  # not a pytest test class

    def __init__(self, start: datetime) -> None:
        self.set(start)

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("a clock keeps aware UTC datetimes")
        self._start, self._began, self._running = instant.astimezone(UTC), time.perf_counter(), True

    def freeze(self, instant: datetime) -> None:
        self.set(instant)
        self._running = False

    def advance(self, delta: timedelta) -> None:
        self._start += delta

    def now(self) -> datetime:
        if not self._running:
            return self._start
        return self._start + timedelta(seconds=time.perf_counter() - self._began)


_clock: Clock = SystemClock()


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (everything is stored in UTC)."""
    return _clock.now()


def install(clock: Clock) -> Clock:
    """Make `clock` the source of `utcnow()`; returns the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous
