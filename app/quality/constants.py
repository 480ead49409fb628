"""Control-chart constants d2, d3, c4, A, A2, A3, D1-D4, B3-B6 and E2 for subgroup sizes 2..25.

The values are read from the exact columns of `data/control_chart_constants.csv` (NOTES 3.2: d2/d3
by numerical integration of the normal range distribution, c4 from the gamma function, the others
from their definitions in NOTES 3.1). The `*_table` columns of that file only reproduce the rounded
numbers printed in textbooks and are deliberately not used.

`c4(n)` is also computed directly from the gamma function for any n >= 2: the pooled within-subgroup
sigma needs c4(d + 1) for d degrees of freedom, far beyond the table.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

N_MIN = 2
N_MAX = 25
_LGAMMA_MAX_N = 50  # c4 switches from lgamma to the asymptotic series above this n


@dataclass(frozen=True)
class ChartConstants:
    """The exact control-chart constants for one subgroup size n."""

    n: int
    d2: float  # E[range] of n standard normal values
    d3: float  # SD of that range
    c4: float  # E[s] / sigma
    A: float  # 3 / sqrt(n): X-bar limits from a known sigma
    A2: float  # 3 / (d2 sqrt(n)): X-bar limits from R-bar
    A3: float  # 3 / (c4 sqrt(n)): X-bar limits from s-bar
    D1: float  # max(0, d2 - 3 d3): R chart LCL from a known sigma
    D2: float  # d2 + 3 d3: R chart UCL from a known sigma
    D3: float  # max(0, 1 - 3 d3 / d2): R chart LCL from R-bar
    D4: float  # 1 + 3 d3 / d2: R chart UCL from R-bar
    B3: float  # S chart LCL factor from s-bar
    B4: float  # S chart UCL factor from s-bar
    B5: float  # S chart LCL factor from a known sigma
    B6: float  # S chart UCL factor from a known sigma
    E2: float  # 3 / d2: individuals limits X-bar +- E2 MR-bar (n = span of the moving range, 2 usually)


_VALUE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ChartConstants) if f.name != "n")


@cache
def _table() -> Mapping[int, ChartConstants]:
    """Parse the exact columns of the package's control_chart_constants.csv, keyed by n."""
    text = (files("app.quality") / "data" / "control_chart_constants.csv").read_text(encoding="utf-8")
    table: dict[int, ChartConstants] = {}
    for row in csv.DictReader(io.StringIO(text)):
        n = int(row["n"])
        values = {name: float(row[name]) for name in _VALUE_COLUMNS}
        table[n] = ChartConstants(n=n, **values)
    return table


def _check_n(n: object, minimum: int, maximum: int | None) -> int:
    """Return n if it is an int in [minimum, maximum], else raise ValueError naming it."""
    if isinstance(n, int) and not isinstance(n, bool) and n >= minimum and (maximum is None or n <= maximum):
        return n
    allowed = f"an integer from {minimum} to {maximum}" if maximum else f"an integer of {minimum} or more"
    raise ValueError(f"subgroup size {n!r} is not allowed; allowed: {allowed}")


def constants(n: int) -> ChartConstants:
    """Return the exact control-chart constants for subgroup size n (2..25)."""
    return _table()[_check_n(n, N_MIN, N_MAX)]


def c4(n: int) -> float:
    """Return c4(n) = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2) for any integer n >= 2.

    Up to n = 50 the gamma ratio comes from math.lgamma. Beyond that the difference of two large
    log-gamma values would lose digits (about 1e-11 at n = 125,001), so the log ratio
    ln Gamma(x + 1/2) - ln Gamma(x), x = (n - 1)/2, is taken from its asymptotic (Stirling) series
    1/2 ln x - 1/(8x) + 1/(192x^3) - 1/(640x^5) + 17/(14336x^7), accurate to a few 1e-16 there.
    """
    _check_n(n, N_MIN, None)
    if n <= _LGAMMA_MAX_N:
        log_ratio = math.lgamma(n / 2) - math.lgamma((n - 1) / 2)
    else:
        x = (n - 1) / 2
        series = (-1 / (8 * x), 1 / (192 * x**3), -1 / (640 * x**5), 17 / (14336 * x**7))
        log_ratio = 0.5 * math.log(x) + math.fsum(series)
    return math.sqrt(2.0 / (n - 1)) * math.exp(log_ratio)
