"""Phase I: the in-control lots whose limits a chart uses, per NOTES 3 and Montgomery 6.2.

Limits are computed from every candidate lot; the lots with a point strictly beyond those limits,
on the location chart or on its dispersion chart (rule 1, the rule that applies to both), are left
out; the limits are computed once more from the lots that stay. One revision, as Montgomery and
qcc print it (orange juice: samples 15 and 23 out, sample 21 stays although it lies above the
revised UCL), so a lot is left out only for a signal against limits it helped set. Fewer than two
lots left: nothing is left out.

* `xbar_r_baseline`: a lot's mean beyond the X-bar limits or its range beyond the R limits.
* `individuals_baseline`: a value beyond the I limits (an MR signal involves two lots; it leaves
  neither out).
* `means_and_sds_baseline`: large or unequal lots, charted as individuals of their means with an S
  chart of their standard deviations on the pooled sigma: a mean beyond the I limits or an s beyond
  its lot's S limits.
* `p_baseline`: a proportion beyond its lot's p limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from app.quality.spc import IMR, PChart, XbarR, individuals, p_chart, s_limits, xbar_r, xbar_s

C = TypeVar("C")


@dataclass(frozen=True)
class Baseline(Generic[C]):
    """The chart of the kept lots, and which candidates (by index) were left out."""

    chart: C
    kept: tuple[int, ...]
    left_out: tuple[int, ...]


def _beyond(value: float, lcl: float, ucl: float) -> bool:
    return value < lcl or value > ucl


def _revised(count: int, first: C, out: Sequence[int], chart_of: Callable[[list[int]], C]) -> Baseline[C]:
    kept = [i for i in range(count) if i not in set(out)]
    if not out or len(kept) < 2:
        return Baseline(first, tuple(range(count)), ())
    return Baseline(chart_of(kept), tuple(kept), tuple(sorted(out)))


def xbar_r_baseline(subgroups: Sequence[Sequence[float]]) -> Baseline[XbarR]:
    first = xbar_r(subgroups)
    out = [
        i
        for i, (mean, r) in enumerate(zip(first.means, first.ranges, strict=True))
        if _beyond(mean, first.lcl, first.ucl) or _beyond(r, first.r_lcl, first.r_ucl)
    ]
    return _revised(len(subgroups), first, out, lambda kept: xbar_r([subgroups[i] for i in kept]))


def individuals_baseline(values: Sequence[float]) -> Baseline[IMR]:
    first = individuals(values)
    out = [i for i, x in enumerate(values) if _beyond(x, first.lcl, first.ucl)]
    return _revised(len(values), first, out, lambda kept: individuals([values[i] for i in kept]))


@dataclass(frozen=True)
class MeansAndSds:
    """Individuals chart of the lot means (between lots) and the pooled sigma of the S chart (within)."""

    means: IMR
    sigma: float


def _means_and_sds(groups: Sequence[Sequence[float]]) -> MeansAndSds:
    return MeansAndSds(individuals([math.fsum(g) / len(g) for g in groups]), xbar_s(groups).sigma)


def _sd(group: Sequence[float]) -> float:
    mean = math.fsum(group) / len(group)
    return math.sqrt(math.fsum((x - mean) ** 2 for x in group) / (len(group) - 1))


def means_and_sds_baseline(groups: Sequence[Sequence[float]]) -> Baseline[MeansAndSds]:
    """Lots of 2 or more values each, of any sizes."""
    first = _means_and_sds(groups)
    out = []
    for i, group in enumerate(groups):
        _center, s_lcl, s_ucl = s_limits(first.sigma, len(group))
        mean = math.fsum(group) / len(group)
        if _beyond(mean, first.means.lcl, first.means.ucl) or _beyond(_sd(group), s_lcl, s_ucl):
            out.append(i)
    return _revised(len(groups), first, out, lambda kept: _means_and_sds([groups[i] for i in kept]))


def p_baseline(defectives: Sequence[int], sizes: Sequence[int]) -> Baseline[PChart]:
    first = p_chart(defectives, sizes)
    out = [i for i, p in enumerate(first.proportions) if _beyond(p, first.lcl[i], first.ucl[i])]
    return _revised(
        len(sizes), first, out, lambda kept: p_chart([defectives[i] for i in kept], [sizes[i] for i in kept])
    )
