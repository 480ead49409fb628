"""The header's search: lots, SCARs and parts whose number contains the typed text, scoped as every read.

Each list is read through its domain's query, so a supplier user finds only its own lots and SCARs
(`app.tenancy` adds the criterion) and the parts its company is approved for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from app.lots.queries import lots_numbered
from app.parts.services import parts_numbered
from app.scars.queries import scars_numbered

# Matches listed per kind of record; the exact matches come first, so they are never cut off.
LIMIT = 20
MAX_LENGTH = 40


@dataclass(frozen=True)
class Found:
    """What the text matched: rows of each kind, exact matches first, at most LIMIT of each."""

    text: str
    lots: list[Any]
    scars: list[Any]
    parts: list[Any]

    @property
    def total(self) -> int:
        return len(self.lots) + len(self.scars) + len(self.parts)

    def single_exact_url(self) -> str | None:
        """The page of the one record whose number is exactly the text (in any case), if only one is."""
        needle = self.text.lower()
        exact = [
            *(url_for("lots.detail", lot_id=r.id) for r in self.lots if r.lot_number.lower() == needle),
            *(url_for("scars.detail", scar_id=r.id) for r in self.scars if r.number.lower() == needle),
            *(url_for("parts.detail", part_id=p.id) for p in self.parts if p.part_number.lower() == needle),
        ]
        return exact[0] if len(exact) == 1 else None


def find(text: str) -> Found:
    """The records visible to the session whose number contains `text` (three queries)."""
    return Found(text, lots_numbered(text, LIMIT), scars_numbered(text, LIMIT), parts_numbered(text, LIMIT))


def search_text(raw: str | None) -> str:
    """The typed text, trimmed to what a number can be."""
    return (raw or "").strip()[:MAX_LENGTH]
