"""Shewhart control charts (X-bar/R, X-bar/S, individuals/MR, p) and the Nelson tests, per NOTES 3.

Limits are 3-sigma, with constants from the exact columns (`constants(n)`, `c4(n)`), never the
rounded printed ones, so results differ from textbook examples in the 4th-5th significant digit.

* `xbar_r`: equal subgroups of 2..25; X-double-bar +- A2 R-bar, R chart D3 R-bar .. D4 R-bar,
  sigma = R-bar / d2(n).
* `xbar_s`: subgroups of any sizes >= 2. Sigma is the pooled within-subgroup estimate
  s_p / c4(d + 1), s_p^2 = sum((n_i - 1) s_i^2) / d, d = sum(n_i - 1) (Kensa's capability choice,
  qcc's "RMSDF"), not Montgomery's s-bar / c4(n) nor A3(n_i) s-bar. Center X-double-bar is the grand
  mean weighted by n_i. Per subgroup: mean limits center +- 3 sigma / sqrt(n_i); s chart center
  c4(n_i) sigma, limits c4(n_i) sigma +- 3 sigma sqrt(1 - c4(n_i)^2), LCL floored at 0 (B5/B6 on sigma).
* `individuals`: X-bar +- 3 sigma with sigma = MR-bar / d2(2) (MR of span 2); MR UCL = D4(2) MR-bar,
  MR LCL is 0.
* `p_chart`: p-bar = sum D / sum n; per point p-bar +- 3 sqrt(p-bar (1 - p-bar) / n_i), clipped to [0, 1].
* `nelson`: Nelson tests 1-8 (see its docstring); `standardized` turns a chart with varying limits
  into z values for `nelson(z, 0.0, 1.0)`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from app.quality.constants import N_MAX, N_MIN, c4, constants


@dataclass(frozen=True)
class XbarR:
    """X-bar and R chart of equal subgroups."""

    center: float  # grand mean X-double-bar
    lcl: float
    ucl: float
    r_bar: float
    r_lcl: float
    r_ucl: float
    sigma: float  # R-bar / d2(n), of single values
    means: tuple[float, ...]
    ranges: tuple[float, ...]
    n: int  # subgroup size


@dataclass(frozen=True)
class XbarS:
    """X-bar and S chart of subgroups of equal or varying sizes; limits are per subgroup."""

    center: float  # grand mean, weighted by subgroup size
    sigma: float  # pooled s_p / c4(d + 1), of single values
    means: tuple[float, ...]
    sds: tuple[float, ...]  # sample standard deviations (n - 1)
    sizes: tuple[int, ...]
    lcl: tuple[float, ...]
    ucl: tuple[float, ...]
    s_center: tuple[float, ...]  # c4(n_i) sigma
    s_lcl: tuple[float, ...]
    s_ucl: tuple[float, ...]


@dataclass(frozen=True)
class IMR:
    """Individuals and moving-range chart (span 2); the MR chart's LCL is 0."""

    center: float
    lcl: float
    ucl: float
    mr_bar: float
    mr_ucl: float
    sigma: float  # MR-bar / d2(2)
    moving_ranges: tuple[float, ...]  # |x_i - x_(i-1)|, one fewer than the values


@dataclass(frozen=True)
class PChart:
    """p chart; limits are per point because subgroup sizes may vary."""

    p_bar: float
    proportions: tuple[float, ...]
    lcl: tuple[float, ...]  # floored at 0
    ucl: tuple[float, ...]  # capped at 1


@dataclass(frozen=True)
class Violation:
    """One Nelson test signal: the test number (1-8) and the index of the pattern's last point."""

    rule: int
    index: int


def _number(name: str, value: float) -> float:
    """Return value as a float, or raise ValueError naming it when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} = {value!r} is not allowed; allowed: a finite number")
    return float(value)


def _finite(values: Sequence[float], what: str) -> list[float]:
    """Return values as floats, or raise ValueError naming the first one that is not a finite number."""
    return [_number(f"{what}[{index}]", value) for index, value in enumerate(values)]


def _groups(subgroups: Sequence[Sequence[float]]) -> list[list[float]]:
    """Validate at least 2 subgroups of at least 2 finite values each."""
    if len(subgroups) < 2:
        raise ValueError(f"{len(subgroups)} subgroup(s) is not allowed; allowed: at least 2 subgroups")
    groups = [_finite(group, f"subgroups[{index}]") for index, group in enumerate(subgroups)]
    for index, group in enumerate(groups):
        if len(group) < N_MIN:
            raise ValueError(
                f"subgroups[{index}] has {len(group)} value(s); allowed: at least {N_MIN} values"
            )
    return groups


def _mean_ss(values: list[float]) -> tuple[float, float]:
    """Return the mean and the sum of squared deviations of values."""
    mean = math.fsum(values) / len(values)
    return mean, math.fsum((x - mean) ** 2 for x in values)


def xbar_r(subgroups: Sequence[Sequence[float]]) -> XbarR:
    """Return the X-bar and R chart of at least 2 equal subgroups of 2..25 values."""
    groups = _groups(subgroups)
    n = len(groups[0])
    for index, group in enumerate(groups):
        if len(group) != n:
            raise ValueError(
                f"subgroups[{index}] has {len(group)} values, subgroups[0] has {n}; "
                "allowed: equal subgroup sizes (xbar_s takes varying sizes)"
            )
    if n > N_MAX:
        raise ValueError(
            f"subgroup size {n} is not allowed; allowed: {N_MIN} to {N_MAX} (xbar_s takes larger subgroups)"
        )
    k = constants(n)
    means = tuple(math.fsum(group) / n for group in groups)
    ranges = tuple(max(group) - min(group) for group in groups)
    center = math.fsum(means) / len(means)
    r_bar = math.fsum(ranges) / len(ranges)
    return XbarR(
        center=center,
        lcl=center - k.A2 * r_bar,
        ucl=center + k.A2 * r_bar,
        r_bar=r_bar,
        r_lcl=k.D3 * r_bar,
        r_ucl=k.D4 * r_bar,
        sigma=r_bar / k.d2,
        means=means,
        ranges=ranges,
        n=n,
    )


def xbar_s(subgroups: Sequence[Sequence[float]]) -> XbarS:
    """Return the X-bar and S chart of at least 2 subgroups of any sizes >= 2 (pooled sigma)."""
    groups = _groups(subgroups)
    sizes = tuple(len(group) for group in groups)
    stats = [_mean_ss(group) for group in groups]
    means = tuple(mean for mean, _ in stats)
    sds = tuple(math.sqrt(ss / (n - 1)) for (_, ss), n in zip(stats, sizes, strict=True))
    dof = sum(sizes) - len(sizes)
    sigma = math.sqrt(math.fsum(ss for _, ss in stats) / dof) / c4(dof + 1)
    center = math.fsum(n * mean for n, mean in zip(sizes, means, strict=True)) / sum(sizes)
    half = [3.0 * sigma / math.sqrt(n) for n in sizes]
    s_center, s_lcl, s_ucl = zip(*(s_limits(sigma, n) for n in sizes), strict=True)
    return XbarS(
        center=center,
        sigma=sigma,
        means=means,
        sds=sds,
        sizes=sizes,
        lcl=tuple(center - h for h in half),
        ucl=tuple(center + h for h in half),
        s_center=s_center,
        s_lcl=s_lcl,
        s_ucl=s_ucl,
    )


def s_limits(sigma: float, n: int) -> tuple[float, float, float]:
    """The S chart's center, LCL (floored at 0) and UCL for n: c4·sigma ± 3·sigma·sqrt(1 - c4²)."""
    size = _count("n", n)
    if size < 2:
        raise ValueError(f"n = {n!r} is not allowed; allowed: a subgroup of 2 or more")
    mid = c4(size) * _number("sigma", sigma)
    half = 3.0 * sigma * math.sqrt(1.0 - c4(size) ** 2)
    return mid, max(0.0, mid - half), mid + half


def individuals(values: Sequence[float]) -> IMR:
    """Return the individuals and moving-range chart of at least 2 values."""
    xs = _finite(values, "values")
    if len(xs) < 2:
        raise ValueError(f"{len(xs)} value(s) is not allowed; allowed: at least 2 values")
    k = constants(2)
    moving_ranges = tuple(abs(b - a) for a, b in pairwise(xs))
    mr_bar = math.fsum(moving_ranges) / len(moving_ranges)
    center = math.fsum(xs) / len(xs)
    sigma = mr_bar / k.d2
    return IMR(
        center=center,
        lcl=center - 3.0 * sigma,
        ucl=center + 3.0 * sigma,
        mr_bar=mr_bar,
        mr_ucl=k.D4 * mr_bar,
        sigma=sigma,
        moving_ranges=moving_ranges,
    )


def _count(name: str, value: int) -> int:
    """Return value if it is an int (not bool), else raise ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} = {value!r} is not allowed; allowed: an integer")
    return value


def p_chart(defectives: Sequence[int], sizes: Sequence[int]) -> PChart:
    """Return the p chart of defectives out of sizes (one pair per point, sizes may vary)."""
    if len(defectives) != len(sizes):
        raise ValueError(
            f"{len(defectives)} defectives and {len(sizes)} sizes is not allowed; allowed: equal lengths"
        )
    if not sizes:
        raise ValueError("no points is not allowed; allowed: at least one point")
    for index, (d, n) in enumerate(zip(defectives, sizes, strict=True)):
        if _count(f"sizes[{index}]", n) <= 0:
            raise ValueError(f"sizes[{index}] = {n!r} is not allowed; allowed: an integer > 0")
        if not 0 <= _count(f"defectives[{index}]", d) <= n:
            raise ValueError(
                f"defectives[{index}] = {d!r} is not allowed; allowed: 0 to sizes[{index}] = {n}"
            )
    p_bar = sum(defectives) / sum(sizes)
    lcl, ucl = zip(*(p_limits(p_bar, n) for n in sizes), strict=True)
    return PChart(
        p_bar=p_bar,
        proportions=tuple(d / n for d, n in zip(defectives, sizes, strict=True)),
        lcl=lcl,
        ucl=ucl,
    )


def p_limits(p_bar: float, n: int) -> tuple[float, float]:
    """A p chart's limits for a sample of n: p-bar +- 3 sqrt(p-bar (1 - p-bar) / n), within [0, 1]."""
    half = 3.0 * math.sqrt(p_bar * (1.0 - p_bar) / n)
    return max(0.0, p_bar - half), min(1.0, p_bar + half)


def standardized(points: Sequence[float], center: float, sigmas: float | Sequence[float]) -> list[float]:
    """Return (x_i - center) / sigma_i; sigmas is one value or one per point, each > 0.

    For a chart whose limits vary per point (xbar_s: sigma / sqrt(n_i); p_chart: the half-width / 3),
    `nelson(standardized(...), 0.0, 1.0)` applies the zone tests.
    """
    xs = _finite(points, "points")
    mid = _number("center", center)
    spreads = (
        _finite(sigmas, "sigmas") if isinstance(sigmas, Sequence) else [_number("sigma", sigmas)] * len(xs)
    )
    if len(spreads) != len(xs):
        raise ValueError(f"{len(spreads)} sigmas for {len(xs)} points is not allowed; allowed: one per point")
    for index, spread in enumerate(spreads):
        if spread <= 0.0:
            raise ValueError(f"sigmas[{index}] = {spread!r} is not allowed; allowed: a number > 0")
    return [(x - mid) / spread for x, spread in zip(xs, spreads, strict=True)]


# --- Nelson tests -----------------------------------------------------------------------------------


def _beyond(points: list[float], center: float, sigma: float, k: int) -> list[int]:
    """+1 above center + k sigma, -1 below center - k sigma, 0 on or inside the lines."""
    upper, lower = center + k * sigma, center - k * sigma
    return [1 if x > upper else -1 if x < lower else 0 for x in points]


def _run_ends(flags: Sequence[bool], length: int) -> list[int]:
    """Indices where at least `length` consecutive True flags end."""
    hits: list[int] = []
    run = 0
    for index, flag in enumerate(flags):
        run = run + 1 if flag else 0
        if run >= length:
            hits.append(index)
    return hits


def _same_sign_run_ends(signs: Sequence[int], length: int) -> list[int]:
    """Indices where at least `length` consecutive equal non-zero signs end."""
    return sorted(_run_ends([s > 0 for s in signs], length) + _run_ends([s < 0 for s in signs], length))


def _k_of_m(signs: Sequence[int], k: int, m: int) -> list[int]:
    """Indices i beyond on a side, with at least k of the points i-m+1..i (those that exist) beyond on it."""
    return [
        i
        for i, side in enumerate(signs)
        if side and sum(1 for s in signs[max(0, i - m + 1) : i + 1] if s == side) >= k
    ]


def _tests(xs: list[float], center: float, sigma: float, run_length: int) -> dict[int, list[int]]:
    """Return the indices flagged by each Nelson test."""
    sides = _beyond(xs, center, sigma, 0)
    zone1, zone2, zone3 = (_beyond(xs, center, sigma, k) for k in (1, 2, 3))
    steps = [0] + [(b > a) - (b < a) for a, b in pairwise(xs)]
    alternating = [i >= 2 and steps[i] != 0 and steps[i] == -steps[i - 1] for i in range(len(xs))]
    within = [center - sigma < x < center + sigma for x in xs]
    return {
        1: [i for i, s in enumerate(zone3) if s],
        2: _same_sign_run_ends(sides, run_length),
        3: _same_sign_run_ends(steps, 5),  # 6 points, 5 steps
        4: _run_ends(alternating, 12),  # 14 points, 13 steps, 12 sign changes
        5: _k_of_m(zone2, 2, 3),
        6: _k_of_m(zone1, 4, 5),
        7: _run_ends(within, 15),
        8: [i for i in _run_ends([s != 0 for s in zone1], 8) if {1, -1} <= set(zone1[i - 7 : i + 1])],
    }


def nelson(points: Sequence[float], center: float, sigma: float, *, run_length: int = 9) -> list[Violation]:
    """Return the Nelson test signals (tests 1-8), sorted by (index, rule).

    sigma is that of the plotted statistic (sigma / sqrt(n) for subgroup means); zones are at
    center +- 1, 2, 3 sigma. Decisions (NOTES, "Decisions that Kensa takes"):

    1. one point beyond 3 sigma; 2. `run_length` (default 9) points in a row on the same side;
    3. 6 points in a row all increasing or all decreasing (5 steps); 4. 14 points in a row
    alternating up and down (13 steps); 5. 2 of 3 points in a row beyond 2 sigma on the same side;
    6. 4 of 5 beyond 1 sigma on the same side; 7. 15 in a row strictly within 1 sigma, either side;
    8. 8 in a row none within 1 sigma, with points on both sides.

    * A point exactly on a zone line is not beyond it, and not strictly within it either (test 7):
      a boundary point never helps a pattern. A point on the center line is on neither side (test 2).
    * Equal consecutive values break trends (test 3) and alternations (test 4).
    * The last point of a pattern is flagged, and so is every later point that completes one (as
      qcc's NEL rules do; Minitab and SAS report each such point): a run of 12 on one side flags
      the 9th to the 12th point (test 2).
    * Tests 5 and 6 flag a point only if it lies itself beyond the zone, on the pattern's side; the
      window is the point and the 2 (4) before it, fewer at the start of the series.
    """
    xs = _finite(points, "points")
    mid = _number("center", center)
    spread = _number("sigma", sigma)
    if spread <= 0.0:
        raise ValueError(f"sigma = {sigma!r} is not allowed; allowed: a number > 0")
    if isinstance(run_length, bool) or not isinstance(run_length, int) or run_length < 2:
        raise ValueError(f"run_length = {run_length!r} is not allowed; allowed: an integer >= 2")
    tests = _tests(xs, mid, spread, run_length)
    found = [Violation(rule=rule, index=index) for rule, indices in tests.items() for index in indices]
    return sorted(found, key=lambda v: (v.index, v.rule))
