"""Tests of app.quality.sampling against the published tables in tests/fixtures/reference."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from app.quality.sampling import (
    AQLS,
    LEVELS,
    SCHEMES,
    SEVERITIES,
    LotPlan,
    SamplingPlan,
    Verdict,
    code_letter,
    judge,
    lot_plan,
    normalize_aql,
    plan_for,
    tighter_aql,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
ISO, ANSI = "iso2859-1", "ansi-z14"
ISO_NOTE = re.compile(r"ISO 2859-1:1999.*differs: code (\w) n=(\d+) Ac=(\d+) Re=(\d+)")


def _read(name: str) -> list[dict[str, str]]:
    """Read one reference CSV as dict rows."""
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _start(letter: str) -> tuple[int, str]:
    """Return a (lot size, level) that Table I maps to letter."""
    for row in _read("z14_code_letters.csv"):
        for level in LEVELS:
            if row[level] == letter:
                return int(row["lot_size_min"]), level
    raise LookupError(letter)


class Case(NamedTuple):
    """One published table cell and what plan_for must return for it."""

    severity: str
    scheme: str
    letter: str
    aql: str
    expected: tuple[str, int, int, int]  # plan letter, n, Ac, Re
    table_cell: str  # PLAN, DOWN or UP


def _expected(row: dict[str, str], prefix: str) -> tuple[str, int, int, int]:
    """Read (plan letter, n, Ac, Re) from the columns starting with prefix."""
    return (
        row[f"{prefix}resolved_code_letter"],
        int(row[f"{prefix}sample_size"]),
        int(row[f"{prefix}ac"]),
        int(row[f"{prefix}re"]),
    )


def _tightened_case(row: dict[str, str], scheme: str) -> Case:
    """Build a tightened case; ISO takes the plan given in the notes where ISO differs."""
    expected, cell = _expected(row, ""), row["table_cell"]
    note = ISO_NOTE.search(row["notes"])
    if scheme == ISO and note:
        letter, n, ac, re_ = note.groups()
        expected = (letter, int(n), int(ac), int(re_))
        cell = "PLAN" if letter == row["code_letter"] else "DOWN"
    return Case("tightened", scheme, row["code_letter"], row["aql"], expected, cell)


def _cases() -> list[Case]:
    """Return every cell of the three master tables for both schemes."""
    cases = []
    prefixes = {ISO: "iso1999_", ANSI: "z14_"}
    for scheme in SCHEMES:
        for row in _read("z14_normal.csv"):
            expected = _expected(row, "")
            cases.append(Case("normal", scheme, row["code_letter"], row["aql"], expected, row["table_cell"]))
        for row in _read("z14_tightened.csv"):
            if row["code_letter"] != "S":  # S is only reached through arrows
                cases.append(_tightened_case(row, scheme))
        for row in _read("z14_reduced.csv"):
            prefix = prefixes[scheme]
            expected = _expected(row, prefix)
            cell = row[f"{prefix}table_cell"]
            cases.append(Case("reduced", scheme, row["code_letter"], row["aql"], expected, cell))
    return cases


CASES = _cases()
CASE_IDS = [f"{c.severity}-{c.scheme}-{c.letter}@{c.aql}" for c in CASES]


def _plan(case: Case) -> SamplingPlan:
    """Call plan_for with a lot size and level that start at the case's code letter."""
    lot_size, level = _start(case.letter)
    return plan_for(lot_size, case.aql, level=level, severity=case.severity, scheme=case.scheme)


def test_every_cell_is_covered() -> None:
    """16 starting letters x 26 AQLs x 3 tables x 2 schemes."""
    assert len(CASES) == 16 * 26 * 3 * 2


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cell_plan(case: Case) -> None:
    """plan_for returns the published plan letter, n, Ac and Re of every cell."""
    plan = _plan(case)
    assert plan.code_letter == case.letter
    assert (plan.plan_letter, plan.sample_size, plan.accept, plan.reject) == case.expected


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cell_arrow_and_letter_sample_size(case: Case) -> None:
    """The arrow matches the table cell and the letter's own n matches the sample-size table."""
    columns = {
        ("normal", ISO): "sample_size_normal",
        ("normal", ANSI): "sample_size_normal",
        ("tightened", ISO): "sample_size_tightened",
        ("tightened", ANSI): "sample_size_tightened",
        ("reduced", ISO): "sample_size_reduced_iso2859_1999",
        ("reduced", ANSI): "sample_size_reduced_z14",
    }
    sizes = {r["code_letter"]: r for r in _read("z14_sample_size_by_code_letter.csv")}
    plan = _plan(case)
    assert plan.arrow == {"PLAN": None, "DOWN": "down", "UP": "up"}[case.table_cell]
    expected_n = int(sizes[case.letter][columns[(case.severity, case.scheme)]])
    assert plan.letter_sample_size == expected_n


def _boundaries() -> list[tuple[int, str, str]]:
    """Return (lot size, level, letter) for every min and max of every Table I range."""
    result = []
    for row in _read("z14_code_letters.csv"):
        upper = int(row["lot_size_max"]) if row["lot_size_max"] else 10**9
        for level in LEVELS:
            result += [(int(row["lot_size_min"]), level, row[level]), (upper, level, row[level])]
    return result


@pytest.mark.parametrize(("lot_size", "level", "letter"), _boundaries())
def test_table_one_boundary(lot_size: int, level: str, letter: str) -> None:
    """Every lot-size range boundary gives the published code letter."""
    assert code_letter(lot_size, level) == letter
    assert plan_for(lot_size, "1.0", level=level).code_letter == letter


@pytest.mark.parametrize(
    ("scheme", "expected"), [(ISO, ("A", 2, 0, 1, None)), (ANSI, ("D", 8, 1, 2, "down"))]
)
def test_tightened_a_at_10_differs_by_scheme(scheme: str, expected: tuple[object, ...]) -> None:
    """NOTES 1.4: ISO prints n=2 0/1 at A@10 tightened; Z1.4 arrows down to D, n=8 1/2."""
    plan = plan_for(5, "10", severity="tightened", scheme=scheme)
    assert (plan.plan_letter, plan.sample_size, plan.accept, plan.reject, plan.arrow) == expected


def test_tightened_schemes_differ_only_at_a_10() -> None:
    """Both schemes give the same tightened plan everywhere except A@10."""
    differing = set()
    for case in CASES:
        if case.severity == "tightened" and case.scheme == ISO:
            lot_size, level = _start(case.letter)
            iso = plan_for(lot_size, case.aql, level=level, severity="tightened", scheme=ISO)
            ansi = plan_for(lot_size, case.aql, level=level, severity="tightened", scheme=ANSI)
            if (iso.sample_size, iso.accept, iso.reject) != (
                ansi.sample_size,
                ansi.accept,
                ansi.reject,
            ):
                differing.add((case.letter, case.aql))
    assert differing == {("A", "10")}


@pytest.mark.parametrize(("scheme", "expected"), [(ANSI, ("G", "H", 20, 0, 2)), (ISO, ("G", "J", 32, 1, 2))])
def test_reduced_example_three_differs_by_scheme(scheme: str, expected: tuple[object, ...]) -> None:
    """NOTES 1.5 example: lot 125, level III, AQL 1.0, reduced."""
    plan = plan_for(125, "1.0", level="III", severity="reduced", scheme=scheme)
    assert (plan.code_letter, plan.plan_letter, plan.sample_size, plan.accept, plan.reject) == (expected)


@pytest.mark.parametrize(
    ("lot_size", "level", "aql", "severity", "scheme", "expected"),
    [
        (500_001, "III", "0.010", "normal", ISO, ("R", "Q", 1250, 0, 1)),
        (500_001, "III", "0.015", "normal", ISO, ("R", "P", 800, 0, 1)),
        (500_001, "II", "0.025", "normal", ISO, ("Q", "R", 2000, 1, 2)),
        (2, "II", "10", "normal", ISO, ("A", "C", 5, 1, 2)),
        (2, "II", "15", "normal", ISO, ("A", "B", 3, 1, 2)),
        (2, "II", "1000", "normal", ISO, ("A", "A", 2, 30, 31)),
        (9, "II", "1000", "normal", ISO, ("B", "B", 3, 44, 45)),
        (500_001, "III", "1000", "normal", ANSI, ("R", "B", 3, 44, 45)),
        (500_001, "II", "0.025", "tightened", ISO, ("Q", "S", 3150, 1, 2)),
        (500_001, "III", "0.025", "tightened", ANSI, ("R", "S", 3150, 1, 2)),
        (500_001, "III", "0.015", "reduced", ANSI, ("R", "P", 315, 0, 1)),
        (500_001, "II", "0.025", "reduced", ISO, ("Q", "N", 200, 0, 1)),
    ],
)
def test_published_anchor_cell(
    lot_size: int, level: str, aql: str, severity: str, scheme: str, expected: tuple[object, ...]
) -> None:
    """Anchor cells quoted in NOTES 1.3-1.5 (published worked values)."""
    plan = plan_for(lot_size, aql, level=level, severity=severity, scheme=scheme)
    got = (plan.code_letter, plan.plan_letter, plan.sample_size, plan.accept, plan.reject)
    assert got == expected


def test_z14_reduced_a_at_10_is_a_gap_plan() -> None:
    """NOTES 1.5 spot check: Z1.4 reduced A@10 is n 2, 0/2 (rows A-C letters are indicative)."""
    plan = plan_for(2, "10", severity="reduced", scheme=ANSI)
    assert (plan.sample_size, plan.accept, plan.reject) == (2, 0, 2)


@pytest.mark.parametrize(
    ("lot_size", "aql", "sample_size", "inspect_all"),
    [
        (2, "0.65", 20, True),
        (8, "1.5", 8, True),
        (9, "1.5", 8, False),
        (10_000, "0.65", 200, False),
    ],
)
def test_inspect_all_when_sample_reaches_lot(
    lot_size: int, aql: str, sample_size: int, inspect_all: bool
) -> None:
    """Sample n >= lot size means 100 % inspection; n stays the table value."""
    plan = plan_for(lot_size, aql)
    assert (plan.sample_size, plan.inspect_all) == (sample_size, inspect_all)


@pytest.mark.parametrize("aql", ["0.65", 0.65, Decimal("0.650"), "0.650", " 0.65", Decimal("0.65")])
def test_aql_forms_are_normalised(aql: str | float | Decimal) -> None:
    """Equal AQL values in any form give the same plan and the printed AQL."""
    plan = plan_for(1000, aql)
    assert (plan.aql, plan.aql_value, plan.sample_size, plan.accept) == (
        "0.65",
        Decimal("0.65"),
        80,
        1,
    )


@pytest.mark.parametrize(("aql", "printed"), [(10, "10"), ("10.0", "10"), (1000, "1000"), (0.01, "0.010")])
def test_normalize_aql(aql: str | float, printed: str) -> None:
    """Integers and extra zeros map to the printed AQL."""
    assert normalize_aql(aql) == printed


def test_aqls_follow_the_table_columns() -> None:
    """AQLS lists the 26 AQL columns in table order, as printed."""
    assert list(AQLS) == [row["aql"] for row in _read("z14_normal.csv")[:26]]


@pytest.mark.parametrize("index", range(1, 26))
def test_tighter_aql_is_previous_column(index: int) -> None:
    """The next more stringent AQL is the column to the left."""
    assert tighter_aql(AQLS[index]) == AQLS[index - 1]


def test_tighter_aql_of_most_stringent_is_none() -> None:
    """0.010 has no tighter AQL."""
    assert tighter_aql(Decimal("0.01")) is None


@pytest.mark.parametrize(
    ("kwargs", "bad", "allowed"),
    [
        ({"lot_size": 1}, "1", "2"),
        ({"lot_size": 0}, "0", "2"),
        ({"lot_size": True}, "True", "2"),
        ({"lot_size": 100.0}, "100.0", "2"),
        ({"lot_size": "100"}, "'100'", "2"),
        ({"aql": "0.7"}, "0.7", "0.010"),
        ({"aql": 0.7}, "0.7", "0.65"),
        ({"aql": "abc"}, "abc", "1000"),
        ({"aql": Decimal("NaN")}, "NaN", "0.010"),
        ({"aql": True}, "True", "0.010"),
        ({"aql": None}, "None", "0.010"),
        ({"level": "IV"}, "IV", "S-1"),
        ({"level": "ii"}, "ii", "III"),
        ({"severity": "strict"}, "strict", "tightened"),
        ({"scheme": "iso"}, "iso", "ansi-z14"),
    ],
)
def test_invalid_input_names_bad_and_allowed_values(
    kwargs: dict[str, object], bad: str, allowed: str
) -> None:
    """Each invalid argument raises ValueError naming the value and an allowed one."""
    args: dict[str, object] = {"lot_size": 100, "aql": "1.0", **kwargs}
    with pytest.raises(ValueError, match="allowed") as excinfo:
        plan_for(**args)  # type: ignore[arg-type]
    message = str(excinfo.value)
    assert bad in message
    assert allowed in message


@pytest.mark.parametrize(("d", "verdict"), [(1, Verdict.ACCEPT), (2, Verdict.REJECT), (7, Verdict.REJECT)])
def test_judge_plain_plan(d: int, verdict: Verdict) -> None:
    """Re = Ac + 1: accept up to Ac, reject from Re."""
    assert judge(plan_for(500, "1.0"), d) is verdict


@pytest.mark.parametrize(
    ("d", "verdict"),
    [(0, Verdict.ACCEPT), (1, Verdict.ACCEPT_RETURN_TO_NORMAL), (2, Verdict.REJECT)],
)
def test_judge_z14_gap_plan(d: int, verdict: Verdict) -> None:
    """Z1.4 reduced 0/2: d = 1 accepts the lot but returns to normal."""
    plan = plan_for(125, "1.0", level="III", severity="reduced", scheme=ANSI)
    assert plan.has_gap
    assert judge(plan, d) is verdict


def test_gap_verdict_counts_as_accepted() -> None:
    """The gap verdict accepts the lot."""
    assert Verdict.ACCEPT_RETURN_TO_NORMAL.accepted
    assert not Verdict.REJECT.accepted


@pytest.mark.parametrize("d", [-1, True, 1.0])
def test_judge_rejects_invalid_count(d: object) -> None:
    """A count must be a non-negative int."""
    with pytest.raises(ValueError, match="nonconforming"):
        judge(plan_for(500, "1.0"), d)  # type: ignore[arg-type]


def _lot() -> LotPlan:
    """Lot of 500 (H): major 0.65 -> J 80 1/2, minor 2.5 -> H 50 3/4, no critical AQL."""
    return lot_plan(500, {"critical": None, "major": "0.65", "minor": 2.5})


def test_lot_plan_sample_is_largest_n() -> None:
    """The lot's sample size is the largest n of its classes."""
    lot = _lot()
    assert (lot.sample_size, lot.inspect_all) == (80, False)


def test_lot_plan_keeps_each_class_ac_re() -> None:
    """Each class is judged with its own Ac/Re."""
    plans = _lot().plans
    assert {c: (p.sample_size, p.accept, p.reject) for c, p in plans.items()} == {
        "major": (80, 1, 2),
        "minor": (50, 3, 4),
    }


def test_lot_plan_per_class_severity() -> None:
    """Severities may differ per class (switching is per class)."""
    lot = lot_plan(
        500,
        {"major": "0.65", "minor": "2.5"},
        severities={"major": "tightened", "minor": "reduced"},
    )
    assert (lot.plans["major"].severity, lot.plans["major"].sample_size) == ("tightened", 125)
    assert (lot.plans["minor"].severity, lot.plans["minor"].sample_size) == ("reduced", 20)
    assert lot.sample_size == 125


def test_lot_plan_flags_inspect_all() -> None:
    """A small lot with a large class sample is inspected 100 %."""
    assert lot_plan(10, {"critical": "0.010"}).inspect_all


@pytest.mark.parametrize(
    ("aqls", "severities", "bad"),
    [
        ({"cosmetic": "1.0"}, "normal", "cosmetic"),
        ({"major": None, "minor": None}, "normal", "no class"),
        ({"major": "1.0"}, {"minor": "normal"}, "major"),
        ({"major": "1.0"}, "loose", "loose"),
    ],
)
def test_lot_plan_invalid(aqls: dict[str, str | None], severities: object, bad: str) -> None:
    """Unknown classes, no AQL at all, or missing/unknown severities raise ValueError."""
    with pytest.raises(ValueError, match=bad):
        lot_plan(500, aqls, severities=severities)  # type: ignore[arg-type]


def test_constants() -> None:
    """Public choices are exposed in table order."""
    assert (len(AQLS), LEVELS[0], SEVERITIES, SCHEMES) == (
        26,
        "S-1",
        ("normal", "tightened", "reduced"),
        (ISO, ANSI),
    )
