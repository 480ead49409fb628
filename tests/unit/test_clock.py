"""The one clock: the suite's starts at TEST_START whatever the day; only a testing app takes a start."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.clock import TestClock, install, utcnow
from config import TestingConfig
from tests.clock import TEST_CLOCK, TEST_START, TEST_TODAY

START = datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_every_test_starts_at_the_suites_instant_not_today():
    assert utcnow().date() == TEST_TODAY
    assert TEST_START <= utcnow() < TEST_START + timedelta(minutes=1)


def test_a_test_clock_runs_on_from_its_start_and_keeps_readings_in_order():
    clock = TestClock(START)
    first = clock.now()
    time.sleep(0.002)  # readings are to the microsecond, as the system clock's
    second = clock.now()
    assert START <= first < second < START + timedelta(seconds=5)
    clock.advance(timedelta(days=2))
    assert clock.now().date() == START.date() + timedelta(days=2)


def test_a_frozen_clock_stands_still_until_set():
    clock = TestClock(START)
    clock.freeze(START)
    time.sleep(0.002)
    assert clock.now() == START
    clock.set(TEST_START)
    time.sleep(0.002)
    assert clock.now() > TEST_START


def test_a_clock_refuses_a_naive_instant():
    with pytest.raises(ValueError, match="aware"):
        TestClock(datetime(2026, 1, 1))


@pytest.mark.parametrize("testing", [True, False])
def test_only_a_testing_app_starts_its_clock_from_the_config(testing):
    settings = TestingConfig()
    settings.CLOCK_START, settings.TESTING = START.isoformat(), testing  # type: ignore[misc]
    settings.SQLALCHEMY_DATABASE_URI = "sqlite://"  # type: ignore[misc]
    try:
        create_app(settings)
        assert (utcnow() >= START) is testing
    finally:
        install(TEST_CLOCK)
