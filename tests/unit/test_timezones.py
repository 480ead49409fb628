"""A time as pages show it (`timezones.stamp`): to the minute in the reader's zone, which it names."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime

from app.i18n import LANGUAGES
from app.timezones import stamp

# The end of summer time in Berlin (2026-10-25, 01:00 UTC): the local 02:30 happens twice.
BERLIN_BEFORE = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
BERLIN_AFTER = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "zone", "shown"),
    [
        (datetime(2026, 12, 7, 4, 27, tzinfo=UTC), "Asia/Bangkok", "2026-12-07 11:27 ICT"),
        (datetime(2026, 12, 31, 15, 5, tzinfo=UTC), "Asia/Tokyo", "2027-01-01 00:05 JST"),
        (datetime(2026, 12, 7, 4, 27), "Asia/Ho_Chi_Minh", "2026-12-07 11:27 ICT"),  # naive: stored UTC
        (BERLIN_BEFORE, "Europe/Berlin", "2026-10-25 02:30 CEST"),
        (BERLIN_AFTER, "Europe/Berlin", "2026-10-25 02:30 CET"),
        (datetime(2026, 3, 1, 20, 0, tzinfo=UTC), "Asia/Kolkata", "2026-03-02 01:30 IST"),
        (datetime(2026, 6, 1, 12, 0, tzinfo=UTC), "UTC", "2026-06-01 12:00 UTC"),
    ],
)
def test_a_time_is_written_in_the_zone_and_names_it(moment: datetime, zone: str, shown: str) -> None:
    assert stamp(moment, zone) == shown


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("zone", ["Asia/Bangkok", "Asia/Shanghai", "Europe/Berlin", "America/New_York"])
def test_the_digits_are_babel_s_in_every_language(language: str, zone: str) -> None:
    """The pages wrote the time with Babel's "yyyy-MM-dd HH:mm" in the reader's locale: the same text."""
    for moment in (BERLIN_BEFORE, BERLIN_AFTER, datetime(2026, 7, 4, 23, 59, tzinfo=UTC)):
        babel = format_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=ZoneInfo(zone), locale=language)
        assert stamp(moment, zone).rsplit(" ", 1)[0] == babel
