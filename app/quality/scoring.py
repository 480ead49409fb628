"""Scorecard points, score and grade from KPI values (SPEC.md §7).

Each scored KPI maps to 0-100 points on a straight line between two thresholds: full points at
`full_at` or better, none at `zero_at` or worse. Whether higher is better follows from which
threshold is larger (LAR: full at 99 %, none at 85 %; PPM: full at 1,000, none at 20,000).

The score is the weighted mean of the points over the KPIs that have data in the period (the
weights of the others are left out and the rest renormalised), rounded to one decimal; the grade
follows from the rounded score, so a card never shows 90.0 next to a B. A period in which no
weighted KPI has data has no score and no grade: "no data" never counts as 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kpi(StrEnum):
    """The scored KPIs, in the card's order."""

    LAR = "lar"
    PPM = "ppm"
    FIRST_PASS = "first_pass"  # noqa: S105  (a KPI, not a password)
    ON_TIME = "on_time"
    DAYS_TO_CLOSE = "days_to_close"
    CAPABILITY = "capability"


class Group(StrEnum):
    QUALITY = "quality"
    RESPONSIVENESS = "responsiveness"
    CAPABILITY = "capability"


GROUPS: dict[Kpi, Group] = {
    Kpi.LAR: Group.QUALITY,
    Kpi.PPM: Group.QUALITY,
    Kpi.FIRST_PASS: Group.QUALITY,
    Kpi.ON_TIME: Group.RESPONSIVENESS,
    Kpi.DAYS_TO_CLOSE: Group.RESPONSIVENESS,
    Kpi.CAPABILITY: Group.CAPABILITY,
}

GRADES = (("A", 90.0), ("B", 80.0), ("C", 70.0))
LOWEST_GRADE = "D"
WEIGHT_TOTAL = 100


@dataclass(frozen=True)
class Rule:
    """How one KPI scores: its weight (of 100) and the thresholds of full and of zero points."""

    weight: int
    full_at: float
    zero_at: float

    @property
    def higher_is_better(self) -> bool:
        return self.full_at > self.zero_at


# Quality 50 (LAR 25, PPM 15, first pass 10), responsiveness 30 (on time 20, days to close 10),
# capability 20: SPEC.md's default split.
DEFAULT_RULES: dict[Kpi, Rule] = {
    Kpi.LAR: Rule(weight=25, full_at=99.0, zero_at=85.0),
    Kpi.PPM: Rule(weight=15, full_at=1000.0, zero_at=20000.0),
    Kpi.FIRST_PASS: Rule(weight=10, full_at=98.0, zero_at=80.0),
    Kpi.ON_TIME: Rule(weight=20, full_at=95.0, zero_at=50.0),
    Kpi.DAYS_TO_CLOSE: Rule(weight=10, full_at=30.0, zero_at=90.0),
    Kpi.CAPABILITY: Rule(weight=20, full_at=95.0, zero_at=50.0),
}


def points(value: float | None, rule: Rule) -> float | None:
    """0-100 points for a KPI value, linear between the thresholds; None when there is no value."""
    if value is None:
        return None
    span = rule.full_at - rule.zero_at
    if span == 0:
        return 100.0 if value == rule.full_at else 0.0
    share = (value - rule.zero_at) / span
    return round(100.0 * min(1.0, max(0.0, share)), 1)


def score(kpi_points: Mapping[Kpi, float | None], rules: Mapping[Kpi, Rule]) -> float | None:
    """The weighted mean of the points of the KPIs with data, renormalised; None without any."""
    weighted = [
        (rules[kpi].weight, p) for kpi, p in kpi_points.items() if p is not None and rules[kpi].weight > 0
    ]
    total = sum(weight for weight, _ in weighted)
    if total == 0:
        return None
    return round(sum(weight * p for weight, p in weighted) / total, 1)


def grade(value: float | None) -> str | None:
    """A ≥ 90, B ≥ 80, C ≥ 70, D below; None without a score."""
    if value is None:
        return None
    return next((letter for letter, floor in GRADES if value >= floor), LOWEST_GRADE)


def group_weights(rules: Mapping[Kpi, Rule]) -> dict[Group, int]:
    """The weight of each group: the sum of its KPIs' weights."""
    totals = dict.fromkeys(Group, 0)
    for kpi, rule in rules.items():
        totals[GROUPS[kpi]] += rule.weight
    return totals


def rule_problems(rules: Mapping[Kpi, Rule]) -> list[tuple[Kpi | None, str]]:
    """What is wrong with a set of rules: (KPI or None for the whole set, problem code)."""
    problems: list[tuple[Kpi | None, str]] = [(kpi, "missing") for kpi in Kpi if kpi not in rules]
    for kpi, rule in rules.items():
        if rule.weight < 0:
            problems.append((kpi, "negative_weight"))
        if rule.full_at == rule.zero_at:
            problems.append((kpi, "equal_thresholds"))
    if sum(rule.weight for rule in rules.values()) != WEIGHT_TOTAL:
        problems.append((None, "weights_total"))
    return problems
