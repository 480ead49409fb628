"""Tests of app.quality.spc against published worked examples (tests/fixtures/spc) and constructed series.

Expected numbers are the ones the sources printed (see the README in the fixture folder). Where a
source computed with rounded printed constants (A2 = 0.577, D4 = 2.114, d2(2) = 1.128), the
tolerance says so, and the exact-constant value is asserted as well, worked out here from the
constants table (tests/fixtures/reference/control_chart_constants.csv), never by the code under test.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from app.quality.spc import (
    IMR,
    PChart,
    Violation,
    XbarR,
    XbarS,
    individuals,
    nelson,
    p_chart,
    s_limits,
    standardized,
    xbar_r,
    xbar_s,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SPC = FIXTURES / "spc"


@cache
def _constant(n: int, name: str) -> float:
    """An exact column of the reference constants table."""
    path = FIXTURES / "reference" / "control_chart_constants.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {int(row["n"]): row for row in csv.DictReader(handle)}
    return float(rows[n][name])


def _c4(n: int) -> float:
    """c4(n) from its gamma-function definition (NOTES 3.1), for n beyond the table."""
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def _rows(name: str) -> list[dict[str, str]]:
    with (SPC / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _wide(rows: list[dict[str, str]]) -> list[list[float]]:
    """Subgroups from x1..x5 columns."""
    return [[float(row[f"x{i}"]) for i in range(1, 6)] for row in rows]


@cache
def _partgaps() -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(group) for group in _wide(_rows("sas_partgaps.csv")))


@cache
def _flow_width(table: str) -> tuple[tuple[float, ...], ...]:
    rows = [row for row in _rows("montgomery_flow_width.csv") if row["table"] == table]
    return tuple(tuple(group) for group in _wide(rows))


@cache
def _rings(drop: tuple[int, ...] = ()) -> tuple[tuple[float, ...], ...]:
    """The 25 trial piston-ring samples; `drop` holds 1-based row numbers of the 200 values to leave out."""
    groups: dict[int, list[float]] = {}
    path = FIXTURES / "capability" / "qcc_pistonrings.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            if row["trial"] == "TRUE" and number not in drop:
                groups.setdefault(int(row["sample"]), []).append(float(row["diameter"]))
    return tuple(tuple(groups[key]) for key in sorted(groups))


def _orangejuice(skip: tuple[int, ...] = ()) -> tuple[list[int], list[int]]:
    rows = [row for row in _rows("qcc_orangejuice.csv") if row["trial"] == "TRUE"]
    rows = [row for row in rows if int(row["sample"]) not in skip]
    return [int(row["D"]) for row in rows], [int(row["size"]) for row in rows]


# qcc vignette "A quick tour of qcc", viscosity data "(Montgomery, pag. 242)".
VISCOSITY = (
    33.75,
    33.05,
    34,
    33.81,
    33.46,
    34.02,
    33.68,
    33.27,
    33.49,
    33.20,
    33.62,
    33.00,
    33.54,
    33.12,
    33.84,
)


# --- the fixtures are the published data ----------------------------------------------------------


def test_partgaps_rounded_means_are_the_sas_parts_summary() -> None:
    """SAS's summary data set Parts holds the rounded means and the ranges of Partgaps."""
    parts = _rows("sas_parts.csv")
    assert [round(sum(g) / 5) for g in _partgaps()] == [int(row["mean"]) for row in parts]
    assert [max(g) - min(g) for g in _partgaps()] == [float(row["range"]) for row in parts]


def test_fixture_shapes() -> None:
    assert (len(_partgaps()), len(_flow_width("6.1")), len(_flow_width("6.2")), len(_rings())) == (
        21,
        25,
        20,
        25,
    )
    assert _orangejuice() == (
        [
            12,
            15,
            8,
            10,
            4,
            7,
            16,
            9,
            14,
            10,
            5,
            6,
            17,
            12,
            22,
            8,
            10,
            5,
            13,
            11,
            20,
            18,
            24,
            15,
            9,
            12,
            7,
            13,
            9,
            6,
        ],
        [50] * 30,
    )


# --- X-bar and R --------------------------------------------------------------------------------


def test_sas_partgaps_xbar_r() -> None:
    """SAS/QC SHEWHART, XCHART 'Computing Process Capability Indices', Output 18.37.1 (Gaplim2).

    SAS uses exact d2/D4, so the printed 6 significant digits hold (tolerance half a printed unit).
    """
    chart = xbar_r(_partgaps())
    assert isinstance(chart, XbarR)
    assert chart.n == 5
    assert chart.center == pytest.approx(259.667, abs=5e-4)
    assert chart.lcl == pytest.approx(242.087, abs=5e-4)
    assert chart.ucl == pytest.approx(277.246, abs=5e-4)
    assert chart.r_bar == pytest.approx(30.4762, abs=5e-5)
    assert chart.r_lcl == 0.0
    assert chart.r_ucl == pytest.approx(64.4419, abs=5e-5)
    assert chart.sigma == pytest.approx(13.1028, abs=5e-5)


def test_qcc_pistonrings_xbar_r() -> None:
    """qcc vignette 'A quick tour of qcc' (qcc 3.0), xbar and R charts of Montgomery's 25 trial samples.

    qcc's printed standard deviation 0.009785039 is R-bar / 2.326 (the printed d2(5)); with the exact
    d2 = 2.325928947 it is 3e-5 larger in relative terms (tolerance 5e-7), which moves the limits
    by less than 2.5e-6 and the R UCL by less than 1e-6.
    """
    chart = xbar_r(_rings())
    assert chart.center == pytest.approx(74.00118, abs=5e-6)
    assert chart.r_bar == pytest.approx(0.02276, abs=5e-9)
    assert chart.sigma == pytest.approx(0.009785039, abs=5e-7)
    assert chart.sigma == pytest.approx(0.02276 / _constant(5, "d2"), rel=1e-9)
    assert chart.lcl == pytest.approx(73.98805, abs=5e-6)
    assert chart.ucl == pytest.approx(74.0143, abs=5e-5)
    assert chart.r_ucl == pytest.approx(0.04812533, abs=1e-6)
    assert chart.r_lcl == 0.0


def test_montgomery_flow_width_xbar_r() -> None:
    """Montgomery, Introduction to SQC, Example 6.1 / Table 6.1 (data: jchester/spc-kit transcription).

    Montgomery used A2 = 0.577 and D4 = 2.114: limits agree to his 3 printed decimals; the R UCL
    0.68749 differs from the exact D4 R-bar by ~1.6e-4 (tolerance 2.5e-4). R-bar: the transcribed
    values give 0.325168, 4.2e-5 below the printed 0.32521 (see the fixture README).
    """
    chart = xbar_r(_flow_width("6.1"))
    assert chart.center == pytest.approx(1.5056, abs=5e-5)
    assert chart.r_bar == pytest.approx(0.32521, abs=5e-5)
    assert chart.ucl == pytest.approx(1.693, abs=5e-4)
    assert chart.lcl == pytest.approx(1.318, abs=5e-4)
    assert chart.r_ucl == pytest.approx(0.68749, abs=2.5e-4)
    assert chart.r_lcl == 0.0


def test_flow_width_limits_use_the_exact_constants() -> None:
    """Exact A2(5) = 0.576819334 and D4(5) = 2.114499145 from the table, not the printed 0.577 / 2.114."""
    chart = xbar_r(_flow_width("6.1"))
    assert chart.ucl == pytest.approx(chart.center + _constant(5, "A2") * chart.r_bar, rel=1e-14)
    assert chart.lcl == pytest.approx(chart.center - _constant(5, "A2") * chart.r_bar, rel=1e-14)
    assert chart.r_ucl == pytest.approx(_constant(5, "D4") * chart.r_bar, rel=1e-14)
    assert chart.sigma == pytest.approx(chart.r_bar / _constant(5, "d2"), rel=1e-14)


def test_flow_width_phase_two_signals_at_43_and_45() -> None:
    """Table 6.2 against the Phase I limits: samples 43 and 45 above the UCL.

    As in jchester/spc-kit spec/montgomery_spec.rb (x-bar R rules, out of control upper at 43, 45).
    """
    phase1 = xbar_r(_flow_width("6.1"))
    means = [sum(group) / 5 for group in _flow_width("6.2")]
    signals = nelson(means, phase1.center, phase1.sigma / math.sqrt(5))
    assert [26 + v.index for v in signals if v.rule == 1] == [43, 45]


def test_xbar_r_by_hand_at_n_2() -> None:
    """(1, 3), (2, 6): means 2, 4; ranges 2, 4; exact A2(2) = 1.879971206 (printed 1.880)."""
    chart = xbar_r([[1.0, 3.0], [2.0, 6.0]])
    assert (chart.means, chart.ranges, chart.center, chart.r_bar, chart.n) == (
        (2.0, 4.0),
        (2.0, 4.0),
        3.0,
        3.0,
        2,
    )
    assert chart.ucl == pytest.approx(3 + 3 * _constant(2, "A2"), rel=1e-15)
    assert chart.lcl == pytest.approx(3 - 3 * _constant(2, "A2"), rel=1e-15)
    assert chart.r_ucl == pytest.approx(3 * _constant(2, "D4"), rel=1e-15)
    assert chart.sigma == pytest.approx(3 / _constant(2, "d2"), rel=1e-15)


def test_xbar_r_accepts_25_and_rejects_26() -> None:
    assert xbar_r([[float(i) for i in range(25)]] * 2).n == 25
    with pytest.raises(ValueError, match="2 to 25"):
        xbar_r([[float(i) for i in range(26)]] * 2)


# --- individuals and moving range ---------------------------------------------------------------


def test_qcc_viscosity_individuals() -> None:
    """qcc vignette, xbar.one chart of the viscosity data: center 33.52333, sigma 0.4261651.

    qcc printed sigma = MR-bar / 1.128 (0.4261651 * 1.128 = 0.48071 = MR-bar); Kensa divides by the
    exact d2(2) = 1.128379167, so sigma is 0.034 % smaller and the printed limits 32.24484 / 34.80183
    hold to 5e-4 only. The exact values are checked from MR-bar recovered from qcc's print.
    """
    chart = individuals(VISCOSITY)
    assert isinstance(chart, IMR)
    mr_bar = 0.4261651 * 1.128
    assert chart.center == pytest.approx(33.52333, abs=5e-6)
    assert chart.mr_bar == pytest.approx(mr_bar, abs=1e-7)
    assert chart.sigma == pytest.approx(mr_bar / _constant(2, "d2"), abs=1e-7)
    assert chart.lcl == pytest.approx(32.24484, abs=5e-4)
    assert chart.ucl == pytest.approx(34.80183, abs=5e-4)
    assert chart.ucl == pytest.approx(chart.center + _constant(2, "E2") * chart.mr_bar, rel=1e-9)
    assert chart.mr_ucl == pytest.approx(_constant(2, "D4") * chart.mr_bar, rel=1e-9)
    assert len(chart.moving_ranges) == len(VISCOSITY) - 1


def test_individuals_by_hand() -> None:
    """1, 3, 2: MR 2, 1; MR-bar 1.5; sigma = 1.5 / d2(2)."""
    chart = individuals([1, 3, 2])
    assert (chart.moving_ranges, chart.mr_bar, chart.center) == ((2.0, 1.0), 1.5, 2.0)
    sigma = 1.5 / _constant(2, "d2")
    assert (chart.sigma, chart.lcl, chart.ucl) == pytest.approx(
        (sigma, 2 - 3 * sigma, 2 + 3 * sigma), rel=1e-15
    )


# --- p chart ------------------------------------------------------------------------------------


def test_qcc_orangejuice_p_chart() -> None:
    """qcc vignette p chart of the 30 trial samples (Montgomery 2nd ed. pp. 152-155).

    Printed: center 0.2313333, LCL 0.05242755, UCL 0.4102391 (no constants involved).
    """
    chart = p_chart(*_orangejuice())
    assert isinstance(chart, PChart)
    assert chart.p_bar == pytest.approx(0.2313333, abs=5e-8)
    assert chart.lcl == pytest.approx((0.05242755,) * 30, abs=5e-9)
    assert chart.ucl == pytest.approx((0.4102391,) * 30, abs=5e-8)
    # Montgomery's rounded p-bar 0.2313, UCL 0.4102, LCL 0.0524 (Example 7.1 in later editions)
    assert (round(chart.p_bar, 4), round(chart.ucl[0], 4), round(chart.lcl[0], 4)) == (0.2313, 0.4102, 0.0524)


def test_orangejuice_samples_15_and_23_are_above_the_ucl() -> None:
    """The two samples with assignable causes (qcc data docs) are the only points outside the limits."""
    chart = p_chart(*_orangejuice())
    signals = nelson(
        standardized(chart.proportions, chart.p_bar, [(u - chart.p_bar) / 3 for u in chart.ucl]), 0, 1
    )
    assert [v.index + 1 for v in signals if v.rule == 1] == [15, 23]
    assert [i + 1 for i, p in enumerate(chart.proportions) if p > chart.ucl[i]] == [15, 23]


def test_orangejuice_revised_limits() -> None:
    """qcc vignette, samples 15 and 23 removed: center 0.215, LCL 0.04070284, UCL 0.3892972."""
    chart = p_chart(*_orangejuice(skip=(15, 23)))
    assert chart.p_bar == pytest.approx(0.215, abs=1e-15)
    assert chart.lcl[0] == pytest.approx(0.04070284, abs=5e-9)
    assert chart.ucl[0] == pytest.approx(0.3892972, abs=5e-8)


def test_p_chart_varying_sizes_by_hand() -> None:
    """2/25 and 18/175: p-bar = sum D / sum n = 20 / 200 = 0.1 (not the mean of the proportions); limits
    0.1 +- 3 sqrt(0.09 / n_i) (NOTES 3.1)."""
    chart = p_chart([2, 18], [25, 175])
    assert chart.p_bar == pytest.approx(0.1, rel=1e-15)
    assert chart.proportions == (0.08, pytest.approx(18 / 175, rel=1e-15))
    assert chart.ucl == pytest.approx((0.1 + 3 * 0.3 / 5, 0.1 + 3 * 0.3 / math.sqrt(175)), rel=1e-14)
    assert chart.lcl == pytest.approx((0.0, 0.1 - 3 * 0.3 / math.sqrt(175)), rel=1e-14)  # 0.1 - 0.18 floored


def test_p_chart_limits_stay_in_0_to_1() -> None:
    chart = p_chart([9, 10], [10, 10])  # p-bar 0.95: 0.95 + 3 sqrt(0.0475 / 10) > 1
    assert chart.ucl == (1.0, 1.0)
    assert chart.lcl[0] == pytest.approx(0.95 - 3 * math.sqrt(0.95 * 0.05 / 10), rel=1e-14)
    assert p_chart([0, 0], [5, 7]) == PChart(
        p_bar=0.0, proportions=(0.0, 0.0), lcl=(0.0, 0.0), ucl=(0.0, 0.0)
    )


# --- X-bar and S ----------------------------------------------------------------------------------


def test_pistonrings_xbar_s_pooled_sigma() -> None:
    """Pooled s_p / c4(d + 1) = 0.009887547 (qcc, Scrucca, R News 4/1 2004; NOTES 2.2).

    Limits are center +- 3 sigma / sqrt(5).

    Montgomery (Example 6.3, X-bar and s chart) printed 74.001, UCL 74.014, LCL 73.988 from s-bar:
    the pooled limits agree to those 3 decimals.
    """
    chart = xbar_s(_rings())
    assert isinstance(chart, XbarS)
    sigma = 0.009887547
    assert chart.center == pytest.approx(74.00118, abs=5e-6)
    assert chart.sigma == pytest.approx(sigma, abs=5e-10)
    assert chart.sizes == (5,) * 25
    assert chart.ucl == pytest.approx((chart.center + 3 * sigma / math.sqrt(5),) * 25, abs=1e-9)
    assert chart.lcl == pytest.approx((chart.center - 3 * sigma / math.sqrt(5),) * 25, abs=1e-9)
    assert (round(chart.ucl[0], 3), round(chart.lcl[0], 3)) == (74.014, 73.988)


def test_pistonrings_s_chart() -> None:
    """Mean of the subgroup s: 0.009240037 (qcc vignette, S chart center).

    Kensa's s chart is centered on c4(5) sigma with B5/B6 limits on the pooled sigma.
    """
    chart = xbar_s(_rings())
    assert sum(chart.sds) / 25 == pytest.approx(0.009240037, abs=5e-10)
    sigma = 0.009887547
    assert chart.s_center[0] == pytest.approx(_constant(5, "c4") * sigma, abs=1e-9)
    assert chart.s_ucl[0] == pytest.approx(_constant(5, "B6") * sigma, abs=1e-9)
    assert chart.s_lcl == (0.0,) * 25  # B5(5) = 0


def test_qcc_rmsdf_varying_sizes() -> None:
    """qcc tests/testthat/test-spc.xbar.R: (2,4,6,8), (1,5), (3,6,9): center 44/9, RMSDF sigma 2.886142."""
    chart = xbar_s([[2, 4, 6, 8], [1, 5], [3, 6, 9]])
    assert chart.center == pytest.approx(44 / 9, rel=1e-15)
    assert chart.sigma == pytest.approx(2.886142, abs=5e-7)
    assert chart.sizes == (4, 2, 3)
    assert chart.means == (5.0, 3.0, 6.0)
    assert chart.sds == pytest.approx((math.sqrt(20 / 3), math.sqrt(8), 3.0), rel=1e-15)
    half = [3 * chart.sigma / math.sqrt(n) for n in (4, 2, 3)]
    assert chart.ucl == pytest.approx(tuple(44 / 9 + h for h in half), rel=1e-15)
    assert chart.lcl == pytest.approx(tuple(44 / 9 - h for h in half), rel=1e-15)


def test_qcc_pistonrings_varying_sizes_center() -> None:
    """qcc vignette 'Variable control limits': 12 values removed, center 74.00075, sizes 3 x4, 4 x4, 5 x17."""
    chart = xbar_s(_rings(drop=(9, 10, 30, 35, 45, 64, 65, 74, 75, 85, 99, 100)))
    assert Counter(chart.sizes) == {3: 4, 4: 4, 5: 17}
    assert chart.center == pytest.approx(74.00075, abs=5e-6)


def test_xbar_s_large_lots_by_hand() -> None:
    """Lots of 32, 50 and 80: values m +- a (half each), so (n - 1) s^2 = n a^2; c4 beyond the table."""
    spec = ((32, 10.0, 1.0), (50, 11.0, 2.0), (80, 12.0, 0.5))
    chart = xbar_s([[m + a, m - a] * (n // 2) for n, m, a in spec])
    dof = 32 + 50 + 80 - 3
    sigma = math.sqrt((32 * 1.0 + 50 * 4.0 + 80 * 0.25) / dof) / _c4(dof + 1)
    assert chart.sigma == pytest.approx(sigma, rel=1e-12)
    assert chart.center == pytest.approx((32 * 10 + 50 * 11 + 80 * 12) / 162, rel=1e-15)
    assert chart.ucl[1] == pytest.approx(chart.center + 3 * sigma / math.sqrt(50), rel=1e-12)
    c4_80 = _c4(80)
    assert chart.s_center[2] == pytest.approx(c4_80 * sigma, rel=1e-12)
    assert chart.s_lcl[2] == pytest.approx((c4_80 - 3 * math.sqrt(1 - c4_80**2)) * sigma, rel=1e-12)
    assert chart.s_ucl[2] == pytest.approx((c4_80 + 3 * math.sqrt(1 - c4_80**2)) * sigma, rel=1e-12)


def test_xbar_s_equals_b_factors_at_table_sizes() -> None:
    """At n = 10, the s limits are B5(10) sigma and B6(10) sigma of the table (B5 > 0 from n = 6)."""
    chart = xbar_s([[float(i) for i in range(10)], [float(i * i) for i in range(10)]])
    assert chart.s_lcl[0] == pytest.approx(_constant(10, "B5") * chart.sigma, rel=1e-8)
    assert chart.s_ucl[0] == pytest.approx(_constant(10, "B6") * chart.sigma, rel=1e-8)


# --- standardized ---------------------------------------------------------------------------------


def test_standardized() -> None:
    assert standardized([1.0, 4.0, -2.0], 1.0, 2.0) == [0.0, 1.5, -1.5]
    assert standardized([1.0, 4.0], 1.0, [1.0, 3.0]) == [0.0, 1.0]


def test_standardized_varying_limits_feed_nelson() -> None:
    """13.5 is beyond 3 sigma where sigma is 1.0, inside where sigma is 1.2: only the first signals."""
    z = standardized([10.0, 13.5, 13.5], 10.0, [1.0, 1.0, 1.2])
    assert z == [0.0, 3.5, pytest.approx(3.5 / 1.2, rel=1e-15)]
    assert [v for v in nelson(z, 0.0, 1.0) if v.rule == 1] == [Violation(rule=1, index=1)]


# --- Nelson tests: constructed series, center 0 and sigma 1 -------------------------------------


def _hits(points: list[float], **kwargs: int) -> list[Violation]:
    return nelson(points, 0.0, 1.0, **kwargs)


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([0.0, 0.0, 3.5], [Violation(1, 2)]),
        ([-3.01], [Violation(1, 0)]),
        ([3.0, -3.0], []),  # on the 3-sigma lines: not beyond
    ],
)
def test_rule_1(points: list[float], expected: list[Violation]) -> None:
    assert _hits(points) == expected


def test_rule_2_nine_in_a_row() -> None:
    assert _hits([0.5] * 9) == [Violation(2, 8)]
    assert _hits([-0.5] * 9) == [Violation(2, 8)]
    assert _hits([0.5] * 8) == []


def test_rule_2_center_line_point_breaks_the_run() -> None:
    assert _hits([0.5] * 4 + [0.0] + [0.5] * 4) == []


def test_rule_2_run_length_8_against_9() -> None:
    assert _hits([0.5] * 8, run_length=8) == [Violation(2, 7)]
    assert _hits([0.5] * 8, run_length=9) == []


def test_rule_2_flags_every_point_that_completes_a_run() -> None:
    assert _hits([0.5] * 12) == [Violation(2, i) for i in (8, 9, 10, 11)]


@pytest.mark.parametrize(
    "points",
    [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.5, 0.3, 0.1, -0.1, -0.3, -0.5]],
)
def test_rule_3_six_points_trend(points: list[float]) -> None:
    assert _hits(points) == [Violation(3, 5)]
    assert _hits(points[:5]) == []


def test_rule_3_equal_values_break_the_trend() -> None:
    assert _hits([0.1, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6]) == []


def test_rule_4_fourteen_alternating_points() -> None:
    points = [0.5, -1.5] * 8  # crosses zone lines, so tests 2, 6, 7 and 8 stay silent
    assert _hits(points[:14]) == [Violation(4, 13)]
    assert _hits(points[:13]) == []
    assert _hits(points[:16]) == [Violation(4, 13), Violation(4, 14), Violation(4, 15)]


def test_rule_4_equal_values_break_the_alternation() -> None:
    assert _hits([0.5, -1.5] * 3 + [0.5, 0.5] + [-1.5, 0.5] * 3 + [-1.5]) == []


def test_rule_5_two_of_three_beyond_2_sigma() -> None:
    assert _hits([0.0, 2.5, 0.0, 2.5]) == [Violation(5, 3)]
    assert _hits([0.0, -2.5, -2.1]) == [Violation(5, 2)]
    assert _hits([0.0, 2.0, 0.0, 2.5]) == []  # 2.0 is on the line, not beyond
    assert _hits([2.5, 0.0, 0.0, 2.5]) == []  # 2 of 4
    assert _hits([2.5, -2.5, 0.0]) == []  # opposite sides


def test_rule_5_last_point_back_inside_does_not_signal() -> None:
    """Window (1, 2, 3) = 2.5, 2.5, 0.5 holds 2 of 3, but its last point is inside: only index 2 signals."""
    assert _hits([0.0, 2.5, 2.5, 0.5]) == [Violation(5, 2)]


def test_rule_6_four_of_five_beyond_1_sigma() -> None:
    assert _hits([1.5, 1.5, 0.0, 1.5, 1.5]) == [Violation(6, 4)]
    assert _hits([-1.5, -1.5, -1.5, 0.0, -1.5]) == [Violation(6, 4)]
    assert _hits([1.5, 1.5, 0.0, 1.0, 1.5]) == []  # 1.0 is on the line
    assert _hits([1.5, 1.5, 0.0, 0.0, 1.5, 1.5]) == []  # 3 of 5 at most


def test_rule_6_last_point_back_inside_does_not_signal() -> None:
    assert _hits([0.0, 1.5, 1.5, 1.5, 1.5, 0.5]) == [Violation(6, 4)]


def test_rule_7_fifteen_within_1_sigma() -> None:
    points = [0.5, 0.5, -0.5, -0.5] * 4  # no trend, no alternation, no long run on one side
    assert _hits(points[:15]) == [Violation(7, 14)]
    assert _hits(points[:14]) == []
    assert _hits([0.0] * 15) == [Violation(7, 14)]  # the center line is in zone C (but on no side)


def test_rule_7_point_on_the_1_sigma_line_is_not_within() -> None:
    points = [0.5, 0.5, -0.5, -0.5] * 4
    points[7] = -1.0
    assert _hits(points[:15]) == []


def test_rule_8_eight_beyond_1_sigma_on_both_sides() -> None:
    points = [1.5, -1.5] * 4
    assert _hits(points) == [Violation(8, 7)]
    assert _hits(points[:7]) == []


def test_rule_8_needs_both_sides() -> None:
    assert all(v.rule != 8 for v in _hits([1.5] * 8))


def test_rule_8_point_on_the_1_sigma_line_is_not_beyond() -> None:
    assert _hits([1.5, -1.5, 1.5, -1.0, 1.5, -1.5, 1.5, -1.5]) == []


def test_signals_sorted_by_index_then_rule() -> None:
    assert _hits([0.0, 2.5, 3.5]) == [Violation(1, 2), Violation(5, 2)]
    assert _hits([]) == []


def test_sas_parts_test_5_at_sample_14() -> None:
    """SAS/QC SHEWHART, 'Applying Tests for Special Causes' (Parts, TESTS=1 to 5): test 5 at sample 14.

    Center and sigma as SAS estimates them: the mean of the subgroup means and R-bar / d2(5).
    """
    parts = _rows("sas_parts.csv")
    means = [float(row["mean"]) for row in parts]
    r_bar = sum(float(row["range"]) for row in parts) / len(parts)
    sigma_of_mean = r_bar / _constant(5, "d2") / math.sqrt(5)
    signals = nelson(means, sum(means) / len(means), sigma_of_mean)
    assert [v for v in signals if v.rule <= 5] == [Violation(rule=5, index=13)]


# qcc tests/testthat/test-rules.R: (rule, series, 1-based indices qcc's NEL rule flags).
QCC_RULES = [
    (1, [0, 3.2, -3.4, 3], [2, 3]),
    (2, [0.5] * 10 + [-0.5] + [-0.5] * 9, [9, 10, 19, 20]),
    (3, [1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1], [6, 7, 13, 14]),
    (4, [1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8], [14, 15]),
    (5, [0, 2.3, 0.4, 2.2, -2.4, -0.2, -2.5], [4, 7]),
    (6, [1.2, 1.3, 0.2, 1.4, 1.5, -1.2, -1.3, -0.1, -1.4, -1.5], [5, 10]),
    (7, [0.3] * 16 + [1.2], [15, 16]),
    (8, [1.2, -1.3, 1.1, -1.4, 1.5, -1.2, 1.3, -1.1, 0.2], [8]),
    (8, [1.2] * 8, []),
]


@pytest.mark.parametrize(("rule", "points", "expected"), QCC_RULES)
def test_agrees_with_qcc_rule_tests(rule: int, points: list[float], expected: list[int]) -> None:
    assert [v.index + 1 for v in _hits(points) if v.rule == rule] == expected


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", [xbar_r, xbar_s])
@pytest.mark.parametrize("subgroups", [[], [[1.0, 2.0]]])
def test_fewer_than_two_subgroups_are_rejected(chart: object, subgroups: list[list[float]]) -> None:
    with pytest.raises(ValueError, match="at least 2 subgroups"):
        chart(subgroups)  # type: ignore[operator]


@pytest.mark.parametrize("chart", [xbar_r, xbar_s])
def test_subgroup_of_one_value_is_rejected(chart: object) -> None:
    with pytest.raises(ValueError, match=r"subgroups\[1\] has 1 value"):
        chart([[1.0, 2.0], [3.0]])  # type: ignore[operator]


def test_xbar_r_rejects_unequal_sizes() -> None:
    with pytest.raises(ValueError, match=r"subgroups\[1\] has 3 values.*equal subgroup sizes"):
        xbar_r([[1.0, 2.0], [1.0, 2.0, 3.0]])


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1.0", None, True])
def test_non_finite_or_non_numeric_values_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match=r"subgroups\[1\]\[0\]"):
        xbar_r([[1.0, 2.0], [bad, 2.0]])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"subgroups\[1\]\[0\]"):
        xbar_s([[1.0, 2.0], [bad, 2.0]])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"values\[1\]"):
        individuals([1.0, bad, 2.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match=r"points\[0\]"):
        nelson([bad], 0.0, 1.0)  # type: ignore[list-item]


@pytest.mark.parametrize("values", [[], [1.0]])
def test_individuals_needs_two_values(values: list[float]) -> None:
    with pytest.raises(ValueError, match="at least 2 values"):
        individuals(values)


@pytest.mark.parametrize(
    ("defectives", "sizes", "message"),
    [
        ([1, 2], [10], "equal lengths"),
        ([], [], "at least one point"),
        ([0], [0], r"sizes\[0\] = 0"),
        ([0, 1], [10, -5], r"sizes\[1\] = -5"),
        ([-1], [10], r"defectives\[0\] = -1"),
        ([11], [10], r"defectives\[0\] = 11 .*0 to sizes\[0\] = 10"),
        ([1.0], [10], r"defectives\[0\] = 1.0 .*an integer"),
        ([1], [10.0], r"sizes\[0\] = 10.0 .*an integer"),
        ([True], [10], r"defectives\[0\] = True"),
    ],
)
def test_p_chart_bad_input(defectives: list[int], sizes: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        p_chart(defectives, sizes)


@pytest.mark.parametrize(("center", "sigma"), [(0.0, 0.0), (0.0, -1.0), (0.0, math.nan), (math.inf, 1.0)])
def test_nelson_needs_finite_center_and_positive_sigma(center: float, sigma: float) -> None:
    with pytest.raises(ValueError, match=r"sigma|center"):
        nelson([1.0], center, sigma)


@pytest.mark.parametrize("run_length", [1, 0, True, 8.5])
def test_nelson_rejects_bad_run_length(run_length: int) -> None:
    with pytest.raises(ValueError, match="run_length"):
        nelson([1.0], 0.0, 1.0, run_length=run_length)


def test_standardized_bad_input() -> None:
    with pytest.raises(ValueError, match=r"sigmas\[1\] = 0.0"):
        standardized([1.0, 2.0], 0.0, [1.0, 0.0])
    with pytest.raises(ValueError, match="one per point"):
        standardized([1.0, 2.0], 0.0, [1.0])
    with pytest.raises(ValueError, match="sigma"):
        standardized([1.0], 0.0, -1.0)


def test_results_are_frozen() -> None:
    chart = individuals([1.0, 2.0])
    with pytest.raises(AttributeError):
        chart.center = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("n", "c4", "b5", "b6"),
    [
        (5, 0.939985603, 0.000000000, 1.963627921),
        (10, 0.972659274, 0.275948841, 1.669369708),
        (25, 0.989640376, 0.558934742, 1.420346010),
    ],
)
def test_s_limits_with_unit_sigma_are_the_b5_b6_constants(n, c4, b5, b6):
    """With sigma = 1 the S chart's center and limits are c4, B5 and B6: the exact columns of the reference
    table (tests/fixtures/reference/control_chart_constants.csv, rows n = 5, 10, 25)."""
    center, lcl, ucl = s_limits(1.0, n)
    assert (center, lcl, ucl) == pytest.approx((c4, b5, b6), abs=5e-9)
    assert s_limits(2.0, n) == pytest.approx((2 * c4, 2 * b5, 2 * b6), abs=1e-8)
    with pytest.raises(ValueError, match="subgroup of 2 or more"):
        s_limits(1.0, 1)
