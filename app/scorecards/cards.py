"""A scorecard's numbers as one plain, JSON-able dict: what the page, the PDF and the hash read.

A draft is built live; publishing stores the same dict, frozen. `digest` is the SHA-256 of its
canonical JSON, printed on the page and in the PDF's footer so that a printout can be checked.
Cards are built in batches: a period's cards for all suppliers cost the same few queries as one.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.lots.models import Finding, Lot, LotDataset, LotState
from app.parts.models import Part
from app.quality import scoring
from app.quality.scoring import Kpi, Rule
from app.scars.models import Scar
from app.scorecards import kpis
from app.scorecards.kpis import Figures, Window
from app.scorecards.models import SupplierTarget
from app.scorecards.periods import Period
from app.standards.models import DefectCode
from app.suppliers.models import Supplier

SCHEMA = 1
TREND_PERIODS = 6
PARETO_CODES = 10
LISTED = 25  # rejected lots and open SCARs listed on the card (the counts are complete)


def window(period: Period, now: datetime) -> Window:
    return Window(period.start, period.as_of(now))


def digest(numbers: Mapping[str, Any]) -> str:
    """SHA-256 of the numbers' canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(numbers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def scored(
    figures: Figures, rules: Mapping[Kpi, Rule]
) -> tuple[dict[Kpi, float | None], dict[Kpi, float | None], float | None]:
    """(values, points, score) of one supplier's figures under the rules."""
    values = figures.values()
    points = {kpi: scoring.points(values[kpi], rules[kpi]) for kpi in Kpi}
    return values, points, scoring.score(points, rules)


@dataclass(frozen=True)
class Data:
    """What one supplier's card reads from the lots and SCARs of a period, at `as_of`."""

    as_of: datetime
    figures: Figures
    pareto: list[dict[str, Any]] = field(default_factory=list)
    rejected_lots: list[dict[str, Any]] = field(default_factory=list)
    open_scars: list[dict[str, Any]] = field(default_factory=list)


def suppliers_of(supplier_ids: Collection[int] | None) -> list[Supplier]:
    """The given suppliers (default: every visible one), by code."""
    query = select(Supplier).order_by(Supplier.code)
    if supplier_ids is not None:
        query = query.where(Supplier.id.in_(list(supplier_ids)))
    return list(db.session.scalars(query))


def data(period: Period, now: datetime, supplier_ids: list[int], lists: bool = True) -> dict[int, Data]:
    """Each supplier's data of the period, counted now from the lots and SCARs (five aggregate
    queries, three more for the card's lists)."""
    span = window(period, now)
    found = kpis.figures(span, supplier_ids)
    pareto, rejected, scars = (
        (_pareto(span, supplier_ids), _rejected_lots(span, supplier_ids), _open_scars(span, supplier_ids))
        if lists
        else ({}, {}, {})
    )
    return {
        supplier_id: Data(
            span.as_of,
            found.get(supplier_id, Figures()),
            pareto.get(supplier_id, []),
            rejected.get(supplier_id, []),
            scars.get(supplier_id, []),
        )
        for supplier_id in supplier_ids
    }


def build(
    period: Period,
    now: datetime,
    rules: Mapping[Kpi, Rule],
    supplier_ids: Collection[int] | None = None,
) -> dict[int, dict[str, Any]]:
    """The numbers of the cards of the given suppliers (default: every visible one) for a period,
    counted now (what a publication freezes)."""
    suppliers = suppliers_of(supplier_ids)
    ids = [supplier.id for supplier in suppliers]
    found = {p: data(p, now, ids, lists=p == period) for p in period.recent(TREND_PERIODS)}
    return assemble(period, suppliers, found, rules)


def assemble(
    period: Period,
    suppliers: list[Supplier],
    found: Mapping[Period, Mapping[int, Data]],
    rules: Mapping[Kpi, Rule],
) -> dict[int, dict[str, Any]]:
    """The cards' numbers from each supplier's data of the recent periods (`found`, oldest first,
    ending with `period`: its lists, and the trend's figures), under the rules and the suppliers'
    targets of the year."""
    current = found[period]
    trend = {p: {sid: each.figures for sid, each in by_supplier.items()} for p, by_supplier in found.items()}
    targets = targets_of([supplier.id for supplier in suppliers], period.year)
    cards = {}
    for supplier in suppliers:
        shown = current[supplier.id]
        values, points, score = scored(shown.figures, rules)
        cards[supplier.id] = {
            "schema": SCHEMA,
            "supplier": {"id": supplier.id, "code": supplier.code, "name": supplier.legal_name},
            "period": period.key,
            "as_of": shown.as_of.isoformat(),
            "figures": shown.figures.as_dict(),
            "kpis": [
                {
                    "kpi": kpi.value,
                    "value": values[kpi],
                    "points": points[kpi],
                    "weight": rules[kpi].weight,
                    "full_at": rules[kpi].full_at,
                    "zero_at": rules[kpi].zero_at,
                    "target": targets.get(supplier.id, {}).get(kpi),
                }
                for kpi in Kpi
            ],
            "score": score,
            "grade": scoring.grade(score),
            "weights": {group.value: weight for group, weight in scoring.group_weights(rules).items()},
            "trend": [
                _trend_point(p, found.get(supplier.id, Figures()), rules) for p, found in trend.items()
            ],
            "pareto": shown.pareto,
            "rejected_lots": shown.rejected_lots,
            "open_scars": shown.open_scars,
        }
    return cards


def _trend_point(period: Period, figures: Figures, rules: Mapping[Kpi, Rule]) -> dict[str, Any]:
    values, _points, score = scored(figures, rules)
    return {
        "period": period.key,
        "score": score,
        "grade": scoring.grade(score),
        "lar": values[Kpi.LAR],
        "ppm": values[Kpi.PPM],
        "lots_decided": figures.lots_decided,
    }


def targets_of(supplier_ids: list[int], year: int) -> dict[int, dict[Kpi, float]]:
    """Each supplier's targets for the year, by KPI (one query)."""
    rows = db.session.execute(
        select(SupplierTarget.supplier_id, SupplierTarget.kpi, SupplierTarget.value).where(
            SupplierTarget.supplier_id.in_(supplier_ids), SupplierTarget.year == year
        )
    )
    found: dict[int, dict[Kpi, float]] = defaultdict(dict)
    for supplier_id, kpi, value in rows:
        found[supplier_id][Kpi(kpi)] = value
    return found


def _pareto(span: Window, supplier_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Defects found in the period's decided lots, by catalogue code, most frequent first."""
    total = func.sum(Finding.count)
    rows = db.session.execute(
        select(
            Lot.supplier_id, DefectCode.code, DefectCode.description, total, func.count(func.distinct(Lot.id))
        )
        .join(LotDataset, kpis.deciding_dataset())
        .join(Finding, Finding.dataset_id == LotDataset.id)
        .join(DefectCode, DefectCode.id == Finding.defect_code_id)
        .where(kpis.decided_in(span), Lot.supplier_id.in_(supplier_ids))
        .group_by(Lot.supplier_id, DefectCode.code, DefectCode.description)
        .order_by(Lot.supplier_id, total.desc(), DefectCode.code)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for supplier_id, code, description, count, lots in rows:
        found[supplier_id].append(
            {"code": code, "description": description, "count": int(count), "lots": lots}
        )
    return {supplier_id: _with_shares(codes) for supplier_id, codes in found.items()}


def _with_shares(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The top codes with their cumulative share; the rest summed as one "other" bar."""
    total = sum(code["count"] for code in codes)
    top, rest = codes[:PARETO_CODES], codes[PARETO_CODES:]
    if rest:
        top.append({"code": "", "description": "", "count": sum(c["count"] for c in rest), "lots": None})
    running = 0
    for code in top:
        running += code["count"]
        code["cumulative"] = round(100 * running / total, 1)
    return top


def _rejected_lots(span: Window, supplier_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = db.session.execute(
        select(Lot.supplier_id, Lot.id, Lot.lot_number, Part.part_number, Lot.lot_size, Lot.decided_at)
        .join(Part, Part.id == Lot.part_id)
        .where(kpis.decided_in(span), Lot.state == LotState.REJECTED.value, Lot.supplier_id.in_(supplier_ids))
        .order_by(Lot.supplier_id, Lot.decided_at.desc(), Lot.id.desc())
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for supplier_id, lot_id, number, part_number, size, decided_at in rows:
        if len(found[supplier_id]) < LISTED:
            found[supplier_id].append(
                {
                    "id": lot_id,
                    "lot_number": number,
                    "part_number": part_number,
                    "lot_size": size,
                    "decided_on": decided_at.date().isoformat(),
                }
            )
    return found


def _open_scars(span: Window, supplier_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    overdue = kpis.overdue_at(span)
    rows = db.session.execute(
        select(Scar.supplier_id, Scar.id, Scar.number, Scar.title, Scar.severity, Scar.issued_on, overdue)
        .where(kpis.open_at(span), Scar.supplier_id.in_(supplier_ids))
        .order_by(Scar.supplier_id, Scar.issued_on, Scar.id)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for supplier_id, scar_id, number, title, severity, issued_on, is_overdue in rows:
        if len(found[supplier_id]) < LISTED:
            found[supplier_id].append(
                {
                    "id": scar_id,
                    "number": number,
                    "title": title,
                    "severity": severity,
                    "issued_on": issued_on.isoformat(),
                    "overdue": bool(is_overdue),
                }
            )
    return found
