"""Scorecard points, score and grade (app.quality.scoring, SPEC.md section 7).

Every expected number is worked out by hand in the test, with the arithmetic in a comment.
"""

from __future__ import annotations

import pytest

from app.quality.scoring import (
    DEFAULT_RULES,
    Group,
    Kpi,
    Rule,
    grade,
    group_weights,
    points,
    rule_problems,
    score,
)

LAR = DEFAULT_RULES[Kpi.LAR]  # full at 99 %, zero at 85 %: higher is better
PPM = DEFAULT_RULES[Kpi.PPM]  # full at 1,000, zero at 20,000: lower is better
DAYS = DEFAULT_RULES[Kpi.DAYS_TO_CLOSE]  # full at 30 days, zero at 90: lower is better


def _none_but(**given: float) -> dict[Kpi, float | None]:
    """Points of every KPI: None ("no data") except the ones given."""
    return {kpi: given.get(kpi.value) for kpi in Kpi}


# --- Points ------------------------------------------------------------------------------------


def test_the_default_thresholds_say_which_direction_is_better():
    assert LAR.higher_is_better
    assert not PPM.higher_is_better
    assert not DAYS.higher_is_better


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (92.0, 50.0),  # (92 - 85) / (99 - 85) = 7 / 14 = 0.5
        (95.5, 75.0),  # (95.5 - 85) / 14 = 10.5 / 14 = 0.75
        (90.0, 35.7),  # 5 / 14 = 0.357142... -> 35.7 (one decimal)
        (99.0, 100.0),  # on the full threshold
        (85.0, 0.0),  # on the zero threshold
        (100.0, 100.0),  # better than full: clamped at 100
        (60.0, 0.0),  # worse than zero: clamped at 0, never negative
    ],
)
def test_points_of_a_higher_is_better_kpi_are_linear_between_the_thresholds(value, expected):
    assert points(value, LAR) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10500.0, 50.0),  # (10,500 - 20,000) / (1,000 - 20,000) = -9,500 / -19,000 = 0.5
        (5750.0, 75.0),  # -14,250 / -19,000 = 0.75
        (1000.0, 100.0),  # on the full threshold
        (0.0, 100.0),  # better than full: clamped at 100
        (20000.0, 0.0),  # on the zero threshold
        (250000.0, 0.0),  # worse than zero: clamped at 0
    ],
)
def test_points_of_a_lower_is_better_ppm_fall_as_the_ppm_rises(value, expected):
    assert points(value, PPM) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (60.0, 50.0),  # (60 - 90) / (30 - 90) = -30 / -60 = 0.5
        (45.0, 75.0),  # -45 / -60 = 0.75
        (12.0, 100.0),  # quicker than 30 days: clamped at 100
        (120.0, 0.0),  # slower than 90 days: clamped at 0
    ],
)
def test_points_of_days_to_close_fall_as_the_days_rise(value, expected):
    assert points(value, DAYS) == expected


@pytest.mark.parametrize("rule", [LAR, PPM, DAYS])
def test_no_value_gives_no_points_not_zero_or_full(rule):
    assert points(None, rule) is None


# --- Score -------------------------------------------------------------------------------------


def test_the_score_is_the_weighted_mean_over_all_kpis_with_data():
    given = _none_but(lar=50.0, ppm=90.0, first_pass=100.0, on_time=80.0, days_to_close=0.0, capability=60.0)
    # (25·50 + 15·90 + 10·100 + 20·80 + 10·0 + 20·60) / 100
    # = (1250 + 1350 + 1000 + 1600 + 0 + 1200) / 100 = 6400 / 100 = 64.0
    assert score(given, DEFAULT_RULES) == 64.0


def test_the_score_is_renormalised_over_the_kpis_with_data():
    # Only LAR (weight 25) and PPM (weight 15) have data: (25·50 + 15·90) / (25 + 15)
    # = (1250 + 1350) / 40 = 2600 / 40 = 65.0 (not 2600 / 100 = 26.0)
    assert score(_none_but(lar=50.0, ppm=90.0), DEFAULT_RULES) == 65.0


def test_a_single_kpi_with_data_scores_its_own_points():
    # On time alone: 20·80 / 20 = 80.0
    assert score(_none_but(on_time=80.0), DEFAULT_RULES) == 80.0


def test_a_kpi_with_weight_zero_is_left_out():
    rules = {**DEFAULT_RULES, Kpi.FIRST_PASS: Rule(weight=0, full_at=98.0, zero_at=80.0)}
    # LAR 40 points (weight 25), first pass 100 points (weight 0): 25·40 / 25 = 40.0
    assert score(_none_but(lar=40.0, first_pass=100.0), rules) == 40.0
    # Only the weightless KPI has data: there is nothing to score, and no division by zero.
    assert score(_none_but(first_pass=100.0), rules) is None


def test_no_kpi_with_data_gives_no_score_never_100():
    assert score(_none_but(), DEFAULT_RULES) is None
    assert grade(score(_none_but(), DEFAULT_RULES)) is None


def test_zero_points_are_data_and_score_zero():
    # 0 points is a result, not "no data": 25·0 / 25 = 0.0
    assert score(_none_but(lar=0.0), DEFAULT_RULES) == 0.0


def test_the_score_is_rounded_to_one_decimal_and_graded_after_rounding():
    rules = {
        Kpi.LAR: Rule(weight=40, full_at=99.0, zero_at=85.0),
        Kpi.PPM: Rule(weight=60, full_at=1000.0, zero_at=20000.0),
    }
    # (40·99.5 + 60·83.6) / 100 = (3980 + 5016) / 100 = 89.96 -> 90.0, an A (89.96 itself is a B)
    result = score({Kpi.LAR: 99.5, Kpi.PPM: 83.6}, rules)
    assert result == 90.0
    assert grade(result) == "A"
    assert grade(89.96) == "B"
    # (40·99.5 + 60·74.9) / 100 = (3980 + 4494) / 100 = 84.74 -> 84.7
    assert score({Kpi.LAR: 99.5, Kpi.PPM: 74.9}, rules) == 84.7


# --- Grade -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        (100.0, "A"),
        (90.0, "A"),
        (89.9, "B"),
        (80.0, "B"),
        (79.9, "C"),
        (70.0, "C"),
        (69.9, "D"),
        (0.0, "D"),
        (None, None),
    ],
)
def test_grade_boundaries_are_90_80_70_inclusive(value, letter):
    assert grade(value) == letter


# --- Groups and rule checks --------------------------------------------------------------------


def test_the_default_weights_split_quality_50_responsiveness_30_capability_20():
    # Quality: LAR 25 + PPM 15 + first pass 10 = 50; responsiveness: on time 20 + days 10 = 30.
    assert group_weights(DEFAULT_RULES) == {
        Group.QUALITY: 50,
        Group.RESPONSIVENESS: 30,
        Group.CAPABILITY: 20,
    }
    assert sum(rule.weight for rule in DEFAULT_RULES.values()) == 100


def test_group_weights_follow_changed_rules():
    rules = {
        **DEFAULT_RULES,
        Kpi.PPM: Rule(weight=5, full_at=1000.0, zero_at=20000.0),
        Kpi.CAPABILITY: Rule(weight=30, full_at=95.0, zero_at=50.0),
    }
    # Quality 25 + 5 + 10 = 40; responsiveness 30; capability 30.
    assert group_weights(rules) == {Group.QUALITY: 40, Group.RESPONSIVENESS: 30, Group.CAPABILITY: 30}


def test_the_default_rules_have_no_problems():
    assert rule_problems(DEFAULT_RULES) == []


def test_weights_that_do_not_add_up_to_100_are_a_problem_of_the_whole_set():
    rules = {**DEFAULT_RULES, Kpi.LAR: Rule(weight=20, full_at=99.0, zero_at=85.0)}  # 95 in all
    assert rule_problems(rules) == [(None, "weights_total")]
    rules = {**DEFAULT_RULES, Kpi.LAR: Rule(weight=30, full_at=99.0, zero_at=85.0)}  # 105 in all
    assert rule_problems(rules) == [(None, "weights_total")]


def test_equal_thresholds_are_a_problem_of_their_kpi():
    rules = {**DEFAULT_RULES, Kpi.PPM: Rule(weight=15, full_at=5000.0, zero_at=5000.0)}
    assert rule_problems(rules) == [(Kpi.PPM, "equal_thresholds")]


def test_a_negative_weight_is_a_problem_even_when_the_total_is_100():
    rules = {
        **DEFAULT_RULES,
        Kpi.LAR: Rule(weight=-5, full_at=99.0, zero_at=85.0),
        Kpi.PPM: Rule(weight=45, full_at=1000.0, zero_at=20000.0),
    }  # -5 + 45 + 10 + 20 + 10 + 20 = 100
    assert rule_problems(rules) == [(Kpi.LAR, "negative_weight")]
