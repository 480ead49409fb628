"""All suppliers of a period ranked by score, live (from the KPI snapshots) or as published (one query)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app import kept
from app.extensions import db
from app.quality import scoring
from app.scorecards import snapshots
from app.scorecards.cards import scored
from app.scorecards.kpis import Figures
from app.scorecards.models import Publication, Scorecard
from app.scorecards.periods import Period
from app.scorecards.services import rules_in_force
from app.suppliers.models import Supplier


@dataclass(frozen=True)
class Standing:
    """One supplier's line in the ranking; rank None without a score."""

    rank: int | None
    supplier_id: int
    code: str
    name: str
    score: float | None
    grade: str | None
    values: Mapping[str, float | None]
    figures: Mapping[str, int]


def _ranked(lines: Iterable[dict[str, Any]]) -> list[Standing]:
    """Best score first, no score last; equal scores share a rank (1, 1, 3)."""
    ordered = sorted(lines, key=lambda line: (line["score"] is None, -(line["score"] or 0), line["code"]))
    standings, rank, previous = [], 0, None
    for position, line in enumerate(ordered, start=1):
        if line["score"] != previous:
            rank, previous = position, line["score"]
        standings.append(Standing(rank=rank if line["score"] is not None else None, **line))
    return standings


def live(period: Period, now: datetime) -> list[Standing]:
    """Every visible supplier's draft standing now, from the KPI snapshots (app/scorecards/snapshots.py).
    Kept per worker (app/kept.py) by everything it is made of: the period, the day while it runs, the
    rules, and every visible supplier's id, code, name and data version."""
    rules = rules_in_force()
    suppliers = db.session.execute(
        select(Supplier.id, Supplier.code, Supplier.legal_name, Supplier.data_version).order_by(Supplier.code)
    ).all()
    key = (
        period.key,
        None if period.is_over(now) else now.date(),
        tuple((kpi.value, rule.weight, rule.full_at, rule.zero_at) for kpi, rule in rules.items()),
        tuple(tuple(row) for row in suppliers),
    )
    if (found_ranking := kept.store("ranking").get(key)) is not None:
        return found_ranking  # type: ignore[no-any-return]
    found = snapshots.kept([period], None, now, lists=False)[period]
    lines = []
    for supplier_id, code, name, _version in suppliers:
        figures = found[supplier_id].figures if supplier_id in found else Figures()
        values, _points, score = scored(figures, rules)
        lines.append(
            {
                "supplier_id": supplier_id,
                "code": code,
                "name": name,
                "score": score,
                "grade": scoring.grade(score),
                "values": {kpi.value: value for kpi, value in values.items()},
                "figures": figures.as_dict(),
            }
        )
    standings = _ranked(lines)
    kept.store("ranking").put(key, standings)
    return standings


def published(publication: Publication) -> list[Standing]:
    """The standings frozen in a publication."""
    cards = db.session.scalars(select(Scorecard).where(Scorecard.publication_id == publication.id))
    return _ranked(
        {
            "supplier_id": card.supplier_id,
            "code": card.numbers["supplier"]["code"],
            "name": card.numbers["supplier"]["name"],
            "score": card.score,
            "grade": card.grade,
            "values": {line["kpi"]: line["value"] for line in card.numbers["kpis"]},
            "figures": card.numbers["figures"],
        }
        for card in cards
    )


def rank_of(standings: Iterable[Standing], supplier_id: int) -> Standing | None:
    return next((line for line in standings if line.supplier_id == supplier_id), None)
