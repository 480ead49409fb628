"""Process capability indices Cp, Cpk, Cpl, Cpu, Cpm (and Pp, Ppk, Ppl, Ppu) per NOTES 2.

Formulas (NOTES 2.1), with mean mu, sigma and the specification limits LSL/USL and target T:

* Cp = (USL - LSL) / 6 sigma; Cpu = (USL - mu) / 3 sigma; Cpl = (mu - LSL) / 3 sigma;
  Cpk = the smaller of Cpu and Cpl that exist.
* Cpm = (USL - LSL) / (6 sqrt(sigma^2 + (mu - T)^2)) (Chan, Cheng & Spiring 1988).
* A one-sided specification gives only Cpu or Cpl, and Cpk equals it. Cp, Pp and Cpm need both
  limits (and Cpm a target); otherwise they are None. A missing limit is never invented.
* An index is None (undefined, not infinite) when sigma is undefined (fewer than 2 values, or no
  degrees of freedom within subgroups) or zero.

Which sigma (NOTES 2.2): `capability` uses the sample standard deviation s (n - 1 divisor) of one
set of values ("lot"). `capability_subgrouped` treats each lot as a subgroup: Cp/Cpk/Cpm use the
pooled within-subgroup sigma s_p / c4(d + 1) with s_p^2 = sum((n_i - 1) s_i^2) / d and
d = sum(n_i - 1); Pp/Ppk/Ppl/Ppu use the overall s of all values.

Observed out-of-spec counts (`share_out_of_spec`): a value equal to a limit is in spec.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.quality.constants import c4

METHOD_POOLED = "pooled"


@dataclass(frozen=True)
class Capability:
    """Capability of one set of values, on the sample standard deviation (n - 1)."""

    n: int
    mean: float
    sd: float | None  # None for n < 2
    cp: float | None
    cpk: float | None
    cpl: float | None
    cpu: float | None
    cpm: float | None


@dataclass(frozen=True)
class SubgroupCapability:
    """Capability over subgroups: Cp.. on the pooled within sigma, Pp.. on the overall sd."""

    n: int  # number of values in all subgroups
    subgroups: int
    mean: float  # grand mean of all values
    sigma_within: float | None  # s_p / c4(d + 1); None when d = 0
    sd_overall: float | None  # sample sd of all values (n - 1); None for n < 2
    cp: float | None
    cpk: float | None
    cpl: float | None
    cpu: float | None
    cpm: float | None
    pp: float | None
    ppk: float | None
    ppl: float | None
    ppu: float | None
    method: str = METHOD_POOLED


class _Indices(NamedTuple):
    """Indices for one sigma: (Cp, Cpk, Cpl, Cpu, Cpm)."""

    cp: float | None
    cpk: float | None
    cpl: float | None
    cpu: float | None
    cpm: float | None


_UNDEFINED = _Indices(None, None, None, None, None)


def _check_limit(name: str, value: object) -> float | None:
    """Return a spec limit or target as float (or None), else raise ValueError naming it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} {value!r} is not allowed; allowed: a finite number or None")
    return float(value)


def _check_spec(lsl: object, usl: object, target: object) -> tuple[float | None, float | None, float | None]:
    """Validate LSL, USL and target; LSL must be below USL when both are given."""
    low, high, nominal = _check_limit("LSL", lsl), _check_limit("USL", usl), _check_limit("target", target)
    if low is not None and high is not None and low >= high:
        raise ValueError(f"LSL {low!r} is not allowed; allowed: a value below USL {high!r}")
    return low, high, nominal


def _check_values(values: Sequence[float], what: str = "values") -> list[float]:
    """Return values as a list of floats; ValueError if empty, non-numeric or non-finite."""
    result: list[float] = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{what}[{index}] = {value!r} is not allowed; allowed: a finite number")
        result.append(float(value))
    if not result:
        raise ValueError(f"{what} is empty; allowed: at least one value")
    return result


def _mean_ss(values: list[float]) -> tuple[float, float]:
    """Return the mean and the sum of squared deviations (exactly 0.0 when all values are equal)."""
    n = len(values)
    mean = math.fsum(values) / n
    if min(values) == max(values):
        return values[0], 0.0
    return mean, math.fsum([(x - mean) ** 2 for x in values])


def _indices(
    mean: float, sigma: float | None, lsl: float | None, usl: float | None, target: float | None
) -> _Indices:
    """Compute Cp, Cpk, Cpl, Cpu and Cpm for one sigma; None where undefined."""
    if sigma is None or sigma <= 0.0:
        return _UNDEFINED
    cpu = (usl - mean) / (3.0 * sigma) if usl is not None else None
    cpl = (mean - lsl) / (3.0 * sigma) if lsl is not None else None
    sides = [index for index in (cpl, cpu) if index is not None]
    cpk = min(sides) if sides else None
    cp = cpm = None
    if lsl is not None and usl is not None:
        cp = (usl - lsl) / (6.0 * sigma)
        if target is not None:
            cpm = (usl - lsl) / (6.0 * math.sqrt(sigma * sigma + (mean - target) ** 2))
    return _Indices(cp=cp, cpk=cpk, cpl=cpl, cpu=cpu, cpm=cpm)


def capability(
    values: Sequence[float],
    *,
    lsl: float | None = None,
    usl: float | None = None,
    target: float | None = None,
) -> Capability:
    """Return mean, sample sd (n - 1) and the capability indices of one set of values."""
    low, high, nominal = _check_spec(lsl, usl, target)
    xs = _check_values(values)
    n = len(xs)
    mean, ss = _mean_ss(xs)
    sd = math.sqrt(ss / (n - 1)) if n >= 2 else None
    return Capability(n=n, mean=mean, sd=sd, **_indices(mean, sd, low, high, nominal)._asdict())


def capability_subgrouped(
    subgroups: Sequence[Sequence[float]],
    *,
    lsl: float | None = None,
    usl: float | None = None,
    target: float | None = None,
) -> SubgroupCapability:
    """Return Cp.. on the pooled within-subgroup sigma s_p / c4(d + 1) and Pp.. on the overall sd.

    Subgroups may differ in size; a subgroup of one value adds no degrees of freedom. An empty
    subgroup is a ValueError.
    """
    low, high, nominal = _check_spec(lsl, usl, target)
    if not subgroups:
        raise ValueError("subgroups is empty; allowed: at least one subgroup")
    all_values: list[float] = []
    pooled_ss = 0.0
    dof = 0
    for index, group in enumerate(subgroups):
        xs = _check_values(group, f"subgroups[{index}]")
        _, ss = _mean_ss(xs)
        pooled_ss += ss
        dof += len(xs) - 1
        all_values.extend(xs)
    n = len(all_values)
    mean, overall_ss = _mean_ss(all_values)
    sd_overall = math.sqrt(overall_ss / (n - 1)) if n >= 2 else None
    sigma_within = math.sqrt(pooled_ss / dof) / c4(dof + 1) if dof > 0 else None
    within = _indices(mean, sigma_within, low, high, nominal)
    overall = _indices(mean, sd_overall, low, high, nominal)
    return SubgroupCapability(
        n=n,
        subgroups=len(subgroups),
        mean=mean,
        sigma_within=sigma_within,
        sd_overall=sd_overall,
        **within._asdict(),
        pp=overall.cp,
        ppk=overall.cpk,
        ppl=overall.cpl,
        ppu=overall.cpu,
        method=METHOD_POOLED,
    )


def share_out_of_spec(
    values: Sequence[float], lsl: float | None = None, usl: float | None = None
) -> tuple[int, int]:
    """Return (values below LSL, values above USL); a value equal to a limit is in spec."""
    low, high, _ = _check_spec(lsl, usl, None)
    xs = _check_values(values) if values else []
    below = sum(1 for x in xs if x < low) if low is not None else 0
    above = sum(1 for x in xs if x > high) if high is not None else 0
    return below, above
