"""Time zones: the IANA zones a user can pick, a site's zone from its country, and a zone's short name.

Storage stays UTC; pages show each time in the user's zone and name it ("2026-12-07 11:27 ICT").
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"

# The zone a new site starts with, by its country (the countries of app.forms.COUNTRIES).
COUNTRY_ZONES = {
    "TH": "Asia/Bangkok",
    "CN": "Asia/Shanghai",
    "VN": "Asia/Ho_Chi_Minh",
    "JP": "Asia/Tokyo",
    "MY": "Asia/Kuala_Lumpur",
    "IN": "Asia/Kolkata",
    "TW": "Asia/Taipei",
    "KR": "Asia/Seoul",
    "ID": "Asia/Jakarta",
    "PH": "Asia/Manila",
    "MX": "America/Mexico_City",
    "DE": "Europe/Berlin",
    "US": "America/New_York",
}

# The tz database gives some zones only a number ("+07"); factories say these names.
ABBREVIATIONS = {
    "Asia/Bangkok": "ICT",
    "Asia/Ho_Chi_Minh": "ICT",
    "Asia/Phnom_Penh": "ICT",
    "Asia/Vientiane": "ICT",
    "Asia/Kuala_Lumpur": "MYT",
    "Asia/Singapore": "SGT",
}


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone the machine knows, sorted, the region/city ones only (no "Etc/GMT+7")."""
    names = {
        name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))
    }
    return (DEFAULT_ZONE, *sorted(names))


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in zone_names()


def zone_of_country(country: str) -> str:
    return COUNTRY_ZONES.get(country, DEFAULT_ZONE)


def stamp(moment: datetime, zone: str) -> str:
    """`moment` (aware, or naive UTC as stored) to the minute in `zone`, which it names:
    "2026-12-07 11:27 ICT". The same digits in every language (Babel's "yyyy-MM-dd HH:mm" writes
    ASCII digits in all five), so written without Babel: a list page shows fifty of them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {_short_name(local, zone)}"


def _short_name(local: datetime, zone: str) -> str:
    """The zone's short name at `local` (a time in that zone): "ICT", "JST", "CET", or "UTC+5:30"
    where the tz database has only a number."""
    if zone in ABBREVIATIONS:
        return ABBREVIATIONS[zone]
    name = local.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
