"""The suite's one clock: every test starts at TEST_START, whatever the day it runs.

`tests/conftest.py` installs TEST_CLOCK as the app's clock before any test module is imported (so
that module-level constants such as "the current month" read it too) and sets it back to
TEST_START before each test; a test that needs time to pass takes the `clock` fixture and calls
`advance` or `set`. The browser tests' server starts at TEST_START through KENSA_CLOCK_START.

TEST_START is a Wednesday in the middle of a month, at an hour when Thailand, China, Vietnam and
Japan are on the same date as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.clock import TestClock

TEST_START = datetime(2026, 11, 18, 3, 30, tzinfo=UTC)
TEST_TODAY = TEST_START.date()
TEST_CLOCK = TestClock(TEST_START)
