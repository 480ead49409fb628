"""Phase I baselines: the lots that signal against limits they helped set are left out, once, and
the limits are those printed for the in-control lots (Montgomery's and qcc's worked examples)."""

from __future__ import annotations

import pytest

from app.quality.baseline import (
    individuals_baseline,
    means_and_sds_baseline,
    p_baseline,
    xbar_r_baseline,
)
from app.quality.spc import xbar_s
from tests.unit.quality.test_spc import VISCOSITY, _flow_width, _orangejuice, _rings


def test_orange_juice_leaves_out_samples_15_and_23_and_prints_the_revised_limits():
    """qcc vignette / Montgomery pp. 152-155: 15 and 23 beyond the trial UCL 0.4102; revised center
    0.215, LCL 0.04070284, UCL 0.3892972. Sample 21 (0.40) lies above the revised UCL and stays:
    one revision, as printed."""
    baseline = p_baseline(*_orangejuice())
    assert [i + 1 for i in baseline.left_out] == [15, 23]
    assert baseline.chart.p_bar == pytest.approx(0.215, abs=1e-15)
    assert baseline.chart.lcl[0] == pytest.approx(0.04070284, abs=5e-9)
    assert baseline.chart.ucl[0] == pytest.approx(0.3892972, abs=5e-8)
    assert 21 - 1 in baseline.kept


def test_flow_width_phase_one_keeps_all_25_samples():
    """Montgomery Example 6.1: the 25 preliminary samples are in control (UCL 1.693, LCL 1.318)."""
    baseline = xbar_r_baseline(_flow_width("6.1"))
    assert baseline.left_out == ()
    assert (round(baseline.chart.ucl, 3), round(baseline.chart.lcl, 3)) == (1.693, 1.318)


def test_flow_width_sample_45_is_left_out_of_a_history_that_holds_it():
    """Sample 45 (Table 6.2, mean 1.77, beyond the Phase I UCL) joined to the 25 preliminary ones:
    it signals even against the limits it widens (UCL 1.7032), is left out, and the limits are
    Example 6.1's again."""
    history = [*_flow_width("6.1"), _flow_width("6.2")[45 - 26]]
    baseline = xbar_r_baseline(history)
    assert baseline.left_out == (25,)
    assert baseline.chart.center == pytest.approx(1.5056, abs=5e-5)
    assert (round(baseline.chart.ucl, 3), round(baseline.chart.lcl, 3)) == (1.693, 1.318)
    assert baseline.chart.r_ucl == pytest.approx(0.68749, abs=2.5e-4)


def test_a_lot_whose_spread_is_out_of_control_is_left_out_of_the_s_chart_sigma():
    """The piston rings (pooled sigma 0.009887547, qcc) with one more lot of the same mean and three
    times the spread: its s lies beyond the S chart's UCL, so it is left out and the pooled sigma is
    the published one again. As in the walk of #14: an s of 0.0177 against a UCL of 0.0097."""
    wide = (73.97, 74.00, 74.03, 73.985, 74.015)
    baseline = means_and_sds_baseline([*_rings(), wide])
    assert baseline.left_out == (25,)
    assert baseline.chart.sigma == pytest.approx(0.009887547, abs=5e-10)
    assert baseline.chart.sigma == pytest.approx(xbar_s(_rings()).sigma, rel=1e-12)


def test_the_viscosity_individuals_are_in_control():
    """qcc vignette (Montgomery p. 242): 15 values within 32.24484 .. 34.80183; nothing left out."""
    baseline = individuals_baseline(VISCOSITY)
    assert baseline.left_out == ()
    assert baseline.chart.center == pytest.approx(33.52333, abs=5e-6)


def test_an_outlying_individual_is_left_out_and_the_rest_set_the_limits():
    values = [*VISCOSITY, 40.0]
    baseline = individuals_baseline(values)
    assert baseline.left_out == (15,)
    assert baseline.chart.center == pytest.approx(33.52333, abs=5e-6)


def test_nothing_is_left_out_when_fewer_than_two_lots_would_stay():
    baseline = p_baseline([0, 50], [50, 50])
    assert baseline.left_out == () and baseline.kept == (0, 1)
