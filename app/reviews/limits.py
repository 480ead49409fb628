"""A chart's control limits as one record: computed from the Phase I baseline of the lots shown, or
read back from a baseline a quality manager froze (app/reviews/frozen.py). The charts draw either.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.quality import baseline

MAX_TABLE_N = 25  # the constants table's largest subgroup


class ChartKind(StrEnum):
    """Which chart a characteristic's lots get (app/reviews/charts.py), or the p-chart of the lots."""

    XBAR_R = "xbar_r"  # equal subgroups of 2-25
    I_MR = "i_mr"  # single values
    I_MR_S = "i_mr_s"  # large or unequal lots: individuals of the means, S chart of the spreads
    P = "p"


@dataclass(frozen=True)
class ChartLimits:
    """The lines of a location chart and of its dispersion chart, and the sigmas the tests need.

    The S chart's and the p-chart's limits depend on each lot's size: they follow from
    `spread_sigma` and from `center` (p̄), and their fixed lines stay None.
    """

    kind: ChartKind
    center: float
    lcl: float | None = None
    ucl: float | None = None
    sigma: float | None = None  # of a plotted point, for the Nelson zones
    n: int | None = None  # the X̄-R chart's subgroup size
    spread_center: float | None = None
    spread_lcl: float | None = None
    spread_ucl: float | None = None
    spread_sigma: float | None = None  # sigma within lots, for the S chart's per-lot limits

    def fits(self, kind: ChartKind, n: int | None) -> bool:
        """Frozen limits apply to lots charted the same way (an X̄-R chart's, to the same sample size)."""
        return self.kind == kind and (kind != ChartKind.XBAR_R or self.n == n)


@dataclass(frozen=True)
class Computed:
    """The limits of the in-control candidates, and which candidates (by index) were kept or left out."""

    limits: ChartLimits
    kept: tuple[int, ...]
    left_out: tuple[int, ...]


def kind_of(groups: Sequence[Sequence[float]]) -> tuple[ChartKind, int | None]:
    """The chart of these lots' values, and the subgroup size of an X̄-R chart."""
    sizes = {len(g) for g in groups}
    if sizes == {1}:
        return ChartKind.I_MR, None
    if len(sizes) == 1 and 2 <= next(iter(sizes)) <= MAX_TABLE_N:
        return ChartKind.XBAR_R, next(iter(sizes))
    return ChartKind.I_MR_S, None


def _mean(group: Sequence[float]) -> float:
    return math.fsum(group) / len(group)


def computed(kind: ChartKind, base: Sequence[Sequence[float]], with_s: bool) -> Computed:
    """The limits from the in-control lots of `base` (app/quality/baseline.py); `with_s` when every lot
    charted has 2 values or more, so that an I-MR-S chart draws its S chart."""
    if kind == ChartKind.I_MR:
        imr = baseline.individuals_baseline([g[0] for g in base])
        c = imr.chart
        limits = ChartLimits(kind, c.center, c.lcl, c.ucl, c.sigma, None, c.mr_bar, 0.0, c.mr_ucl)
        return Computed(limits, imr.kept, imr.left_out)
    if kind == ChartKind.XBAR_R:
        xr = baseline.xbar_r_baseline(base)
        x = xr.chart
        limits = ChartLimits(
            kind, x.center, x.lcl, x.ucl, x.sigma / math.sqrt(x.n), x.n, x.r_bar, x.r_lcl, x.r_ucl
        )
        return Computed(limits, xr.kept, xr.left_out)
    if with_s:
        found = baseline.means_and_sds_baseline(base)
        m = found.chart.means
        limits = ChartLimits(kind, m.center, m.lcl, m.ucl, m.sigma, spread_sigma=found.chart.sigma)
        return Computed(limits, found.kept, found.left_out)
    means = baseline.individuals_baseline([_mean(g) for g in base])
    m = means.chart
    return Computed(ChartLimits(kind, m.center, m.lcl, m.ucl, m.sigma), means.kept, means.left_out)


def p_computed(defectives: Sequence[int], sizes: Sequence[int]) -> Computed:
    """The p-chart's p̄ from the in-control lots."""
    found = baseline.p_baseline(defectives, sizes)
    return Computed(ChartLimits(ChartKind.P, found.chart.p_bar), found.kept, found.left_out)
