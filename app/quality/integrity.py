"""Data-integrity checks on a supplier's self-reported lot data (SPEC 4: "data-integrity flags").

An OEM grades its own work, so Kensa looks for signs that measurements were not read from a gauge
part by part: no or implausibly little variation, values copied from an earlier lot, a preferred last
digit, values piled up just inside a limit, a capability jump against the supplier's own history.

Every check is a statistical test of "these are honest measurements of the process that produced the
history" and yields a p-value. The lot has one false-alarm budget `alpha` (default 0.001); it is split
Bonferroni-style over the tests actually run (a test runs when its characteristic has the data it
needs), and a flag is raised when a test's p-value is below alpha / (number of tests run). So an honest
lot raises any flag with probability at most about alpha, however many characteristics it has.

The model of an honest measurement: a normal value recorded at the gauge's resolution
u = 10**-decimals (the recorded value is the true one rounded to u). The tests:

* ZERO_VARIANCE: n >= 5 equal values. p = the largest chance, over where the process mean lies
  inside a resolution cell, that n rounded normal values all agree, with the process sd from the
  history (pooled within-lot sd, Sheppard-corrected: sigma**2 = s_p**2 - u**2/12) or, without
  history, an assumed 2u (a gauge that reads the process to at least half its sd). Not run when the
  history's sd is below u: a coarse gauge gives equal readings honestly.
* LOW_VARIANCE: the lot's variance against the history's pooled within-lot variance s_p**2 on d
  degrees of freedom. Because s_p**2 is itself estimated, the exact null distribution of
  s**2 / s_p**2 is F(n - 1, d), whose lower tail is the p-value (the chi-square test on
  (n - 1) s**2 / sigma**2 is its limit for d -> infinity and would over-flag lots of a supplier with
  a short history). Needs 5 history lots and s_p >= u.
* REPEATED_VALUES: positional matches with each earlier lot over the common prefix length m. Two
  independent readings agree with probability p0 = sum of f(v)**2 over the pooled recorded values
  (history plus lot), so the matches are binomial(m, p0). A lot that is an earlier lot reordered (the
  same multiset) has the multinomial chance of that multiset (shares f(v)). The smallest of these over
  the L lots compared, times 2L (Bonferroni inside the test), is the p-value. Needs m >= 5; flags need
  >= 5 matches.
* DIGIT_PREFERENCE: chi-square goodness of fit of the last recorded digit against uniform, 9 df. Needs
  n >= 50 and s >= 5u (then the last digit of a rounded normal value is uniform to within 1 %). With
  5 expected per digit the approximation is anti-conservative far out in the tail (computed exactly
  for n = 50: a true tail of 1.6 times the nominal 1e-4 and 2.5 times 1e-5); the lot's budget has room
  for that (see bench/integrity_false_alarms.py).
* PILED_AT_LIMIT: per existing limit, the count of recorded values in the band of width
  w = max(u, 0.1 s) just inside the limit, (USL - w, USL] or [LSL, LSL + w), against a Poisson count
  whose mean is n times the normal-fit (lot mean, lot s) probability of a reading in that band; the
  band's grid points g_lo..g_hi stand for true values in [g_lo - u/2, g_hi + u/2]. The Poisson tail is
  conservative for the binomial count. Flags need a count >= 3.
* CPK_JUMP: the lot's Cpk (lot s, via `capability`) against the history's within Cpk (pooled
  s_p / c4(d + 1), via `capability_subgrouped`), z = difference / SE with Bissell's (1990) variance
  1/(9n) + Cpk**2/(2(n - 1)) for the lot plus 1/(9N) + Cpk**2/(2d) for the history (N values, d df),
  so the history's own sampling error counts too. Cpk in both is the larger of the two estimates: the
  Cpk of a small lot has a long upper tail, and an error taken at a falling lot Cpk shrinks with it
  (simulated: with the lot's Cpk alone, n = 5 lots flag 10-60 times too often). Two-sided normal
  p-value. Needs n >= 5 and 5 history lots.

Means and sds are computed on the grid (values in resolution units, exact integer sums).

Degenerate data (one value, sd 0, one-sided or missing limits, short histories) never raise: the tests
that cannot run are skipped. Invalid input (non-finite values, negative decimals, LSL >= USL) raises
ValueError naming the value.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from app.quality.capability import capability, capability_subgrouped
from app.quality.distributions import binomial_sf, chi2_sf, f_cdf, normal_cdf, normal_sf, poisson_sf

MIN_N = 5  # smallest lot for any check
MIN_HISTORY_LOTS = 5  # earlier lots (with >= 2 values) for LOW_VARIANCE and CPK_JUMP
MIN_MATCHES = 5  # REPEATED_VALUES: fewest positional matches worth a flag
DIGIT_MIN_N = 50  # DIGIT_PREFERENCE: n for the chi-square approximation (expected 5 per digit)
DIGIT_MIN_SD_UNITS = 5.0  # DIGIT_PREFERENCE: s in resolution units for a uniform last digit
PILE_MIN_COUNT = 3  # PILED_AT_LIMIT: fewest values in the band worth a flag
PILE_BAND_SD = 0.1  # PILED_AT_LIMIT: band width in lot sds (at least one resolution unit)
ASSUMED_SD_UNITS = 2.0  # ZERO_VARIANCE without history: the process sd assumed, in resolution units
MAX_DECIMALS = 12
_MAX_GRID = 2**53  # grid values must be exact in a float


class FlagKind(StrEnum):
    """What a data-integrity flag says about one characteristic of a lot."""

    ZERO_VARIANCE = "zero_variance"
    LOW_VARIANCE = "low_variance"
    REPEATED_VALUES = "repeated_values"
    DIGIT_PREFERENCE = "digit_preference"
    PILED_AT_LIMIT = "piled_at_limit"
    CPK_JUMP = "cpk_jump"


@dataclass(frozen=True)
class Flag:
    """One raised flag: the kind, the characteristic code and the numbers its sentence needs."""

    kind: FlagKind
    characteristic: str  # code
    params: Mapping[str, float | int | str]  # JSON-serialisable; always includes "p_value"


@dataclass(frozen=True)
class Series:
    """One variable characteristic of the lot under check, with the supplier's earlier lots of it."""

    code: str
    values: Sequence[float]  # this lot, in sample order
    decimals: int  # recorded resolution: digits after the point (e.g. 3 for 0.001 mm)
    lsl: float | None
    usl: float | None
    history: Sequence[Sequence[float]] = ()  # earlier lots, newest first (each in sample order)


@dataclass(frozen=True)
class _Test:
    """One test that ran: its p-value, whether its result may become a flag, and the flag's params."""

    kind: FlagKind
    characteristic: str
    p_value: float
    eligible: bool  # extra conditions of the flag (e.g. >= 5 matches) hold
    params: Mapping[str, float | int | str]


@dataclass(frozen=True)
class _Prepared:
    """A validated series with the statistics that several tests share."""

    code: str
    values: tuple[float, ...]
    grid: tuple[int, ...]  # values in resolution units
    decimals: int
    unit: float
    lsl: float | None
    usl: float | None
    n: int
    mean: float
    sd: float  # n - 1 divisor; 0 for n < 2
    history: tuple[tuple[float, ...], ...]
    history_grid: tuple[tuple[int, ...], ...]
    usable: tuple[tuple[float, ...], ...]  # history lots with >= 2 values, newest first
    history_df: int  # d = sum(n_i - 1) over usable lots
    history_sd: float  # pooled within-lot sd s_p; 0 when history_df is 0


def _finite(name: str, value: object) -> float:
    """Return value as a float, or raise ValueError naming it when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} {value!r} must be a finite number")
    return float(value)


def _finite_all(name: str, values: Sequence[float]) -> tuple[float, ...]:
    """Return values as a tuple of floats, or raise ValueError naming the first that is not finite."""
    try:
        fine = all(map(math.isfinite, values))
    except TypeError:
        fine = False
    if not fine:
        for value in values:
            _finite(name, value)
    return tuple(map(float, values))


def _to_grid(name: str, values: tuple[float, ...], scale: int) -> tuple[int, ...]:
    """Return values in resolution units (integers), or raise ValueError for a value too large for that."""
    if values and max(map(abs, values)) * scale >= _MAX_GRID:
        raise ValueError(f"{name} {max(values, key=abs)!r} has too many digits at {scale} steps per unit")
    return tuple(map(round, map(float(scale).__mul__, values)))


def _squares(grid: Sequence[int]) -> int:
    """Return n times the sum of squared deviations of grid values (an exact integer)."""
    total = sum(grid)
    squares: int = sum(map(operator.mul, grid, grid))
    return len(grid) * squares - total * total


def _prepare(series: Series) -> _Prepared:
    """Validate one series and compute its shared statistics (exact integer sums on the grid)."""
    code = series.code
    decimals = series.decimals
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals {decimals!r} of {code!r} must be an integer from 0 to {MAX_DECIMALS}")
    lsl = None if series.lsl is None else _finite(f"LSL of {code!r}", series.lsl)
    usl = None if series.usl is None else _finite(f"USL of {code!r}", series.usl)
    if lsl is not None and usl is not None and lsl >= usl:
        raise ValueError(f"LSL {lsl!r} of {code!r} must be below its USL {usl!r}")
    scale = 10**decimals
    unit = 1.0 / scale
    values = _finite_all(f"value of {code!r}", series.values)
    history = tuple(_finite_all(f"history value of {code!r}", lot) for lot in series.history)
    grid = _to_grid(f"value of {code!r}", values, scale)
    history_grid = tuple(_to_grid(f"history value of {code!r}", lot, scale) for lot in history)
    n = len(grid)
    usable = tuple(lot for lot in history if len(lot) >= 2)
    history_df = sum(len(lot) - 1 for lot in usable)
    pooled = math.fsum(_squares(lot) / len(lot) for lot in history_grid if len(lot) >= 2)
    return _Prepared(
        code=code,
        values=values,
        grid=grid,
        decimals=decimals,
        unit=unit,
        lsl=lsl,
        usl=usl,
        n=n,
        mean=sum(grid) / n * unit if n else 0.0,
        sd=math.sqrt(_squares(grid) / (n * (n - 1))) * unit if n >= 2 else 0.0,
        history=history,
        history_grid=history_grid,
        usable=usable,
        history_df=history_df,
        history_sd=math.sqrt(pooled / history_df) * unit if history_df else 0.0,
    )


def _p_all_equal(n: int, sd_units: float) -> float:
    """Return the largest chance, over the mean's place in a cell, that n rounded normal values agree."""
    if sd_units > 50.0:  # bound: sum of p_b**n <= max(p_b)**(n - 1), max(p_b) = the centred cell
        return math.erf(0.5 / (sd_units * math.sqrt(2.0))) ** (n - 1)
    reach = int(8.0 * sd_units) + 2
    best = 0.0
    for step in range(11):  # the mean at 0, 0.05, ..., 0.5 units from a grid point (symmetric beyond)
        offset = step / 20.0
        edges = [normal_cdf((b - 0.5 - offset) / sd_units) for b in range(-reach, reach + 2)]
        best = max(best, math.fsum((hi - lo) ** n for lo, hi in pairwise(edges)))
    return min(1.0, best)


def _zero_variance(p: _Prepared) -> _Test | None:
    """All values equal (n >= 5): how likely is that for rounded normal readings?"""
    if p.n < MIN_N:
        return None
    if p.history_df > 0:
        if p.history_sd < p.unit:
            return None  # a coarse gauge: equal readings are honest
        sd_units = math.sqrt((p.history_sd / p.unit) ** 2 - 1.0 / 12.0)
    else:
        sd_units = ASSUMED_SD_UNITS
    equal = len(set(p.grid)) == 1
    p_value = _p_all_equal(p.n, sd_units) if equal else 1.0
    value = round(p.values[0], p.decimals)
    params = {"n": p.n, "value": value, "decimals": p.decimals, "p_value": p_value}
    return _Test(FlagKind.ZERO_VARIANCE, p.code, p_value, equal, params)


def _low_variance(p: _Prepared) -> _Test | None:
    """The lot's variance against the history's pooled within-lot variance: F lower tail."""
    if p.n < MIN_N or len(p.usable) < MIN_HISTORY_LOTS or p.history_sd < p.unit:
        return None
    eligible = p.sd > 0  # all-equal lots are ZERO_VARIANCE's case
    p_value = f_cdf((p.sd / p.history_sd) ** 2, p.n - 1, p.history_df) if eligible else 1.0
    params = {
        "sd": p.sd,
        "history_sd": p.history_sd,
        "lots": len(p.usable),
        "decimals": p.decimals,
        "p_value": p_value,
    }
    return _Test(FlagKind.LOW_VARIANCE, p.code, p_value, eligible, params)


def _multiset_probability(grid: Sequence[int], shares: Mapping[int, float]) -> float:
    """Return the chance that n readings give exactly this multiset of values (multinomial)."""
    counts = Counter(grid)
    log_p = math.lgamma(len(grid) + 1) + math.fsum(
        c * math.log(shares[v]) - math.lgamma(c + 1) for v, c in counts.items()
    )
    return math.exp(log_p)


def _repeated_values(p: _Prepared) -> _Test | None:
    """Values copied from an earlier lot: in the same order, or all of them reordered.

    In order: positional matches against binomial(m, p0). Reordered (the lot is the same multiset as
    an earlier lot of the same size, not in the same order): the multinomial chance of that multiset.
    The p-value is the least likely of these over the L lots compared, times 2L.
    """
    compared = [(index, lot) for index, lot in enumerate(p.history_grid, 1) if min(p.n, len(lot)) >= MIN_N]
    if not compared:
        return None
    counts = Counter(p.grid)
    for lot in p.history_grid:
        counts.update(lot)
    total = sum(counts.values())
    p0 = math.fsum((c / total) ** 2 for c in counts.values())
    lot_sum = sum(p.grid)
    # (tail, matches, m, lot index, reordered) of the least likely coincidence; a binomial tail is only
    # worth computing for counts that could flag (>= MIN_MATCHES, above the expected m * p0)
    best: tuple[float, int, int, int, int] = (1.0, 0, min(p.n, len(compared[0][1])), compared[0][0], 0)
    for index, lot in compared:
        m = min(p.n, len(lot))
        matches = sum(map(operator.eq, p.grid, lot))
        if matches >= MIN_MATCHES and matches > m * p0:
            tail = binomial_sf(matches, m, p0)
            if tail < best[0]:
                best = (tail, matches, m, index, 0)
        if matches < m == p.n == len(lot) and sum(lot) == lot_sum and sorted(lot) == sorted(p.grid):
            chance = _multiset_probability(p.grid, {v: c / total for v, c in counts.items()})
            if chance < best[0]:
                best = (chance, m, m, index, 1)
    tail, matches, m, index, reordered = best
    p_value = min(1.0, 2 * len(compared) * tail)
    params = {
        "matches": matches,
        "n": m,
        "lot_index": index,
        "reordered": reordered,
        "p0": p0,
        "p_value": p_value,
    }
    return _Test(FlagKind.REPEATED_VALUES, p.code, p_value, matches >= MIN_MATCHES, params)


def _digit_preference(p: _Prepared) -> _Test | None:
    """Chi-square goodness of fit of the last recorded digit against uniform (9 df)."""
    if p.n < DIGIT_MIN_N or p.sd < DIGIT_MIN_SD_UNITS * p.unit:
        return None
    counts = Counter(abs(k) % 10 for k in p.grid)
    expected = p.n / 10.0
    statistic = math.fsum((counts.get(digit, 0) - expected) ** 2 / expected for digit in range(10))
    p_value = chi2_sf(statistic, 9)
    digit = max(range(10), key=lambda d: (counts.get(d, 0), -d))
    params = {"digit": digit, "share": counts.get(digit, 0) / p.n, "n": p.n, "p_value": p_value}
    return _Test(FlagKind.DIGIT_PREFERENCE, p.code, p_value, True, params)


def _piled_at_limit(p: _Prepared, side: str, limit: float) -> _Test:
    """Count of readings in the band just inside one limit against the normal-fit Poisson mean."""
    width_units = max(1.0, PILE_BAND_SD * p.sd / p.unit)
    limit_units = limit / p.unit
    eps = 1e-9 * max(1.0, abs(limit_units))  # a limit on the grid stays on it despite float noise
    if side == "usl":  # (USL - w, USL]
        g_lo, g_hi = math.floor(limit_units - width_units + eps) + 1, math.floor(limit_units + eps)
    else:  # [LSL, LSL + w)
        g_lo, g_hi = math.ceil(limit_units - eps), math.ceil(limit_units + width_units - eps) - 1
    count = sum(1 for k in p.grid if g_lo <= k <= g_hi)
    low = ((g_lo - 0.5) * p.unit - p.mean) / p.sd
    high = ((g_hi + 0.5) * p.unit - p.mean) / p.sd
    share = normal_sf(low) - normal_sf(high) if low > 0 else normal_cdf(high) - normal_cdf(low)
    expected = p.n * max(0.0, share)
    p_value = poisson_sf(count, expected)
    params: dict[str, float | int | str] = {
        "limit": side,
        "limit_value": limit,
        "count": count,
        "expected": expected,
        "n": p.n,
        "decimals": p.decimals,
        "p_value": p_value,
    }
    return _Test(FlagKind.PILED_AT_LIMIT, p.code, p_value, count >= PILE_MIN_COUNT, params)


def _piles(p: _Prepared) -> list[_Test]:
    """PILED_AT_LIMIT for each existing limit (needs n >= 5 and s > 0)."""
    if p.n < MIN_N or p.sd <= 0:
        return []
    limits = [("lsl", p.lsl), ("usl", p.usl)]
    return [_piled_at_limit(p, side, limit) for side, limit in limits if limit is not None]


def _bissell_variance(cpk: float, n: int, df: int) -> float:
    """Return Bissell's approximate variance of a Cpk estimated from n values with df for its sigma."""
    return 1.0 / (9.0 * n) + cpk**2 / (2.0 * df)


def _cpk_jump(p: _Prepared) -> _Test | None:
    """The lot's Cpk against the history's within Cpk: two-sided z-test with Bissell's errors."""
    if p.n < MIN_N or len(p.usable) < MIN_HISTORY_LOTS or (p.lsl is None and p.usl is None) or p.sd <= 0:
        return None
    lot_cpk = capability(p.values, lsl=p.lsl, usl=p.usl).cpk
    history_cpk = capability_subgrouped(p.usable, lsl=p.lsl, usl=p.usl).cpk
    if lot_cpk is None or history_cpk is None:
        return None
    history_n = sum(len(lot) for lot in p.usable)
    scale = max(lot_cpk, history_cpk)
    lot_part = _bissell_variance(scale, p.n, p.n - 1)
    error = math.sqrt(lot_part + _bissell_variance(scale, history_n, p.history_df))
    z = (lot_cpk - history_cpk) / error
    p_value = min(1.0, 2.0 * normal_sf(abs(z)))
    params = {
        "cpk": lot_cpk,
        "history_cpk": history_cpk,
        "lots": len(p.usable),
        "direction": "up" if z > 0 else "down",
        "z": z,
        "p_value": p_value,
    }
    return _Test(FlagKind.CPK_JUMP, p.code, p_value, True, params)


def _tests(p: _Prepared) -> list[_Test]:
    """Run every test that the characteristic has the data for."""
    tests = [_zero_variance(p), _low_variance(p), _repeated_values(p), _digit_preference(p), *_piles(p)]
    return [test for test in [*tests, _cpk_jump(p)] if test is not None]


def check_lot(series: Sequence[Series], *, alpha: float = 0.001) -> list[Flag]:
    """Return the data-integrity flags of one lot, in series order, at false-alarm budget alpha.

    alpha is the chance that an honest lot raises any flag; each test that runs gets
    alpha / (number of tests run).
    """
    budget_total = _finite("alpha", alpha)
    if not 0.0 < budget_total < 1.0:
        raise ValueError(f"alpha {alpha!r} must lie strictly between 0 and 1")
    tests = [test for one in series for test in _tests(_prepare(one))]
    if not tests:
        return []
    budget = budget_total / len(tests)
    return [
        Flag(kind=test.kind, characteristic=test.characteristic, params=dict(test.params))
        for test in tests
        if test.eligible and test.p_value < budget
    ]
