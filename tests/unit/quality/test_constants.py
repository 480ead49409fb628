"""Tests of app.quality.constants against tests/fixtures/reference/control_chart_constants.csv.

The fixture is a verbatim copy of the reference table (NOTES 3.2): its exact columns were computed
from the definitions and checked against MathWorks' statccconst.m and Minitab's published bases.
"""

from __future__ import annotations

import csv
import math
from dataclasses import fields
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest

from app.quality.constants import ChartConstants, c4, constants

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "control_chart_constants.csv"
NAMES = tuple(field.name for field in fields(ChartConstants) if field.name != "n")


@cache
def _rows() -> dict[int, dict[str, str]]:
    """Fixture rows keyed by subgroup size n."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        return {int(row["n"]): row for row in csv.DictReader(handle)}


def test_fixture_covers_2_to_25() -> None:
    assert sorted(_rows()) == list(range(2, 26))


@pytest.mark.parametrize("n", range(2, 26))
def test_constants_equal_exact_columns(n: int) -> None:
    row = _rows()[n]
    result = constants(n)
    assert result.n == n
    for name in NAMES:
        assert getattr(result, name) == pytest.approx(float(row[name]), abs=1e-12), name


def test_constants_five_named_values() -> None:
    """n = 5 spelled out from the fixture row (the table every X-bar/R textbook example uses)."""
    row = _rows()[5]
    result = constants(5)
    assert result.A2 == float(row["A2"]) == 0.576819334
    assert result.D3 == 0.0
    assert result.D4 == float(row["D4"]) == 2.114499145
    assert result.d2 == float(row["d2"]) == 2.325928947
    assert result.c4 == float(row["c4"]) == 0.939985603
    for name in ("A3", "B3", "B4", "B5", "B6", "D1", "D2", "E2"):
        assert getattr(result, name) == float(row[name]), name
    # the printed table values are what the exact values round to here
    assert round(result.A2, 3) == float(row["A2_table"])
    assert round(result.D4, 3) == float(row["D4_table"])


def test_exact_not_printed_columns_are_used() -> None:
    """n = 3: D4 is printed 2.574 in textbooks, the exact value is 2.574591 (NOTES 3.2)."""
    assert _rows()[3]["D4_table"] == "2.574"
    d4 = constants(3).D4
    assert d4 == pytest.approx(2.574591290, abs=1e-9)
    assert round(d4, 3) == 2.575


@pytest.mark.parametrize("n", range(2, 26))
def test_c4_from_gamma_matches_exact_column(n: int) -> None:
    assert c4(n) == pytest.approx(float(_rows()[n]["c4"]), abs=1e-9)


def test_c4_closed_forms() -> None:
    # c4(2) = sqrt(2/pi); c4(3) = sqrt(pi)/2
    assert c4(2) == pytest.approx(math.sqrt(2 / math.pi), abs=1e-15)
    assert c4(3) == pytest.approx(math.sqrt(math.pi) / 2, abs=1e-15)


def _c4_exact(n: int) -> float:
    """c4(n) from exact integer arithmetic (no gamma function), correct to about 1e-16.

    Odd n = 2m + 1: Gamma(m + 1/2) / Gamma(m) = sqrt(pi) m C(2m, m) / 4^m, so c4 = sqrt(pi m) C(2m, m) / 4^m.
    Even n = 2m: Gamma(m) / Gamma(m - 1/2) = 4^(m-1) / (sqrt(pi) C(2m-2, m-1)).
    """
    if n % 2:
        m = (n - 1) // 2
        return math.sqrt(math.pi * m) * float(Fraction(math.comb(2 * m, m), 4**m))
    m = n // 2
    return (
        math.sqrt(2 / (2 * m - 1))
        * float(Fraction(4 ** (m - 1), math.comb(2 * m - 2, m - 1)))
        / math.sqrt(math.pi)
    )


@pytest.mark.parametrize("n", [*range(2, 120), 199, 200, 501, 1_000, 4_001, 20_000, 125_001])
def test_c4_matches_exact_integer_formula(n: int) -> None:
    """Any n, including c4(d + 1) for the degrees of freedom d of a long supplier history."""
    assert c4(n) == pytest.approx(_c4_exact(n), abs=1e-14)


def test_c4_large_n_is_finite_and_below_one() -> None:
    for n in (10**6, 10**9):
        assert 1 - 1 / (4 * n) - 1e-12 < c4(n) < 1.0


@pytest.mark.parametrize("n", [0, 1, 26, -3, 2.0, True, "5", None])
def test_constants_reject_sizes_outside_the_table(n: object) -> None:
    with pytest.raises(ValueError, match="subgroup size"):
        constants(n)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, 1, -1, 3.0, False, None])
def test_c4_rejects_n_below_two(n: object) -> None:
    with pytest.raises(ValueError, match="subgroup size"):
        c4(n)  # type: ignore[arg-type]


def test_constants_are_frozen() -> None:
    with pytest.raises(AttributeError):
        constants(5).A2 = 0.0  # type: ignore[misc]
