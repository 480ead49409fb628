"""Scorecard periods: calendar months ("2026-10") and quarters ("2026-Q4"), in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

MONTH = "month"
QUARTER = "quarter"
_KEY = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


@dataclass(frozen=True, order=True)
class Period:
    """A month (`index` 1-12) or a quarter (`index` 1-4) of a year."""

    year: int
    kind: str
    index: int

    @classmethod
    def parse(cls, key: str) -> Period | None:
        """`2026-10` or `2026-Q4`; None for anything else."""
        match = _KEY.fullmatch(key or "")
        if not match or not 2000 <= int(match[1]) <= 2999:
            return None
        year = int(match[1])
        return cls(year, MONTH, int(match[2])) if match[2] else cls(year, QUARTER, int(match[3]))

    @classmethod
    def containing(cls, day: date, kind: str = MONTH) -> Period:
        index = day.month if kind == MONTH else (day.month - 1) // 3 + 1
        return cls(day.year, kind, index)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.index:02d}" if self.kind == MONTH else f"{self.year}-Q{self.index}"

    @property
    def months(self) -> int:
        return 1 if self.kind == MONTH else 3

    @property
    def first_day(self) -> date:
        month = self.index if self.kind == MONTH else 3 * self.index - 2
        return date(self.year, month, 1)

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        month = self.first_day.month + self.months
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.end_day, time(), UTC)

    def previous(self) -> Period:
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, 12 if self.kind == MONTH else 4)

    def next(self) -> Period:
        last = 12 if self.kind == MONTH else 4
        return (
            Period(self.year, self.kind, self.index + 1)
            if self.index < last
            else Period(self.year + 1, self.kind, 1)
        )

    def recent(self, count: int) -> list[Period]:
        """The `count` periods ending with this one, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def as_of(self, now: datetime) -> datetime:
        """The moment the period's figures stand at: its end, or now while it is running."""
        return min(self.end, now)

    def has_started(self, now: datetime) -> bool:
        return self.start <= now

    def is_over(self, now: datetime) -> bool:
        return self.end <= now

    def __str__(self) -> str:
        return self.key
