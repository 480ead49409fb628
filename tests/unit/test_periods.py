"""Scorecard periods: months "2026-10" and quarters "2026-Q4", with UTC boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.scorecards.periods import MONTH, QUARTER, Period


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- Keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("2026-10", Period(2026, MONTH, 10)),
        ("2026-01", Period(2026, MONTH, 1)),
        ("2026-12", Period(2026, MONTH, 12)),
        ("2026-Q4", Period(2026, QUARTER, 4)),
        ("2026-Q1", Period(2026, QUARTER, 1)),
        ("2000-06", Period(2000, MONTH, 6)),
        ("2999-Q2", Period(2999, QUARTER, 2)),
    ],
)
def test_valid_keys_parse_and_print_back_the_same(key, expected):
    period = Period.parse(key)
    assert period == expected
    assert period is not None and period.key == key and str(period) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        None,
        "2026-13",
        "2026-00",
        "2026-1",
        "2026-Q0",
        "2026-Q5",
        "2026-q4",
        "2026Q4",
        "26-10",
        "1999-12",
        "3000-01",
        "2026-10-01",
        " 2026-10",
        "2026-10 ",
        "2026-10\n",
    ],
)
def test_anything_else_is_not_a_period(key):
    assert Period.parse(key) is None


# --- Boundaries --------------------------------------------------------------------------------


def test_a_month_runs_from_its_first_day_to_the_first_of_the_next_in_utc():
    october = Period(2026, MONTH, 10)
    assert (october.first_day, october.last_day, october.end_day) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        date(2026, 11, 1),
    )
    assert october.start == _at(2026, 10, 1)
    assert october.end == _at(2026, 11, 1)
    assert october.start.utcoffset() is not None and october.start.utcoffset().total_seconds() == 0


def test_december_ends_on_the_first_of_january_of_the_next_year():
    december = Period(2026, MONTH, 12)
    assert december.end_day == date(2027, 1, 1)
    assert december.last_day == date(2026, 12, 31)
    assert december.end == _at(2027, 1, 1)


def test_february_knows_leap_years():
    assert Period(2028, MONTH, 2).last_day == date(2028, 2, 29)
    assert Period(2026, MONTH, 2).last_day == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("index", "first", "last", "end"),
    [
        (1, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1)),
        (2, date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1)),
        (3, date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 1)),
        (4, date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_quarters_are_three_calendar_months(index, first, last, end):
    quarter = Period(2026, QUARTER, index)
    assert (quarter.first_day, quarter.last_day, quarter.end_day) == (first, last, end)
    assert quarter.months == 3


def test_the_fourth_quarter_ends_at_midnight_utc_on_new_year():
    q4 = Period.parse("2026-Q4")
    assert q4 is not None
    assert q4.start == _at(2026, 10, 1)
    assert q4.end == _at(2027, 1, 1)


def test_the_period_containing_a_day():
    assert Period.containing(date(2026, 11, 21)) == Period(2026, MONTH, 11)
    assert Period.containing(date(2026, 11, 21), QUARTER) == Period(2026, QUARTER, 4)
    assert Period.containing(date(2026, 3, 31), QUARTER) == Period(2026, QUARTER, 1)
    assert Period.containing(date(2026, 4, 1), QUARTER) == Period(2026, QUARTER, 2)


# --- Neighbours --------------------------------------------------------------------------------


def test_previous_and_next_cross_the_year():
    assert Period(2026, MONTH, 1).previous() == Period(2025, MONTH, 12)
    assert Period(2026, MONTH, 10).previous() == Period(2026, MONTH, 9)
    assert Period(2026, QUARTER, 1).previous() == Period(2025, QUARTER, 4)
    assert Period(2026, MONTH, 12).next() == Period(2027, MONTH, 1)
    assert Period(2026, QUARTER, 4).next() == Period(2027, QUARTER, 1)
    assert Period(2026, QUARTER, 2).next() == Period(2026, QUARTER, 3)


def test_recent_lists_the_periods_ending_with_this_one_oldest_first():
    keys = [p.key for p in Period(2026, MONTH, 2).recent(6)]
    assert keys == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
    quarters = [p.key for p in Period(2026, QUARTER, 2).recent(6)]
    assert quarters == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    assert Period(2026, MONTH, 10).recent(1) == [Period(2026, MONTH, 10)]


# --- As of -------------------------------------------------------------------------------------


def test_a_finished_period_stands_at_its_end():
    october = Period(2026, MONTH, 10)
    now = _at(2026, 11, 21, 18, 30)
    assert october.as_of(now) == _at(2026, 11, 1)
    assert october.is_over(now) and october.has_started(now)


def test_a_running_period_stands_at_now():
    november = Period(2026, MONTH, 11)
    now = _at(2026, 11, 21, 18, 30)
    assert november.as_of(now) == now
    assert november.has_started(now) and not november.is_over(now)


def test_a_period_is_over_exactly_at_its_end_and_started_exactly_at_its_start():
    october = Period(2026, MONTH, 10)
    assert october.is_over(_at(2026, 11, 1)) and october.as_of(_at(2026, 11, 1)) == _at(2026, 11, 1)
    assert not october.is_over(_at(2026, 10, 31, 23, 59, 59))
    assert october.has_started(_at(2026, 10, 1))
    assert not october.has_started(_at(2026, 9, 30, 23, 59, 59))
