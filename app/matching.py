"""How a typed number matches a record's number, alike for lots, SCARs and parts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func


def number_contains(column: Any, text: str) -> Any:
    """A case-insensitive "contains" on a record's number: `%` and `_` are literal characters."""
    return func.lower(column).contains(text.strip().lower(), autoescape=True)


def exact_first(column: Any, text: str) -> Any:
    """An ordering that puts the records whose number is exactly `text` (in any case) first."""
    return case((func.lower(column) == text.strip().lower(), 0), else_=1)
