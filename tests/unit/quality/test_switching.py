"""Tests of the switching rules in app.quality.switching (NOTES 1.6)."""

from __future__ import annotations

import pytest

from app.quality.sampling import SamplingPlan, Verdict, plan_for
from app.quality.switching import (
    LotOutcome,
    Rule,
    SwitchingState,
    Transition,
    advance,
    reconsider,
    reduced_requirements,
    restore,
    switching_score,
)

ISO, ANSI = "iso2859-1", "ansi-z14"
LOT = 500  # level II -> code letter H


def _plan(severity: str, scheme: str = ISO, aql: str = "1.0") -> SamplingPlan:
    """Plans for lot 500 at AQL 1.0: normal H 50 1/2, tightened J 80 1/2, reduced ISO J 32 1/2."""
    return plan_for(LOT, aql, severity=severity, scheme=scheme)


def _lot(state: SwitchingState, result: str, scheme: str = ISO) -> LotOutcome:
    """Outcome of a lot on the state's severity: A accepted, R rejected, G Z1.4 gap."""
    plan = _plan(state.severity, scheme)
    d = {"A": plan.accept, "R": plan.reject, "G": plan.accept + 1}[result]
    return LotOutcome(plan=plan, nonconforming=d)


def _run(state: SwitchingState, results: str, scheme: str = ISO, **kwargs: bool) -> list[Transition]:
    """Advance state through a sequence of lot results and return every transition."""
    steps = []
    for result in results:
        step = advance(state, _lot(state, result, scheme), scheme=scheme, **kwargs)
        steps.append(step)
        state = step.state
    return steps


TIGHTENED = SwitchingState(severity="tightened")
REDUCED = SwitchingState(severity="reduced")


def test_start_is_normal_with_zero_score() -> None:
    """A new part/class starts on normal inspection."""
    state = SwitchingState()
    assert (state.severity, state.switching_score, state.discontinued) == ("normal", 0, False)


@pytest.mark.parametrize("results", ["RR", "RAR", "RAAR", "RAAAR", "AAARAAAR", "RAAAAAAARAR"])
def test_two_rejected_within_five_lots_tightens(results: str) -> None:
    """2 lots not accepted in 5 or fewer consecutive lots: normal -> tightened on the last lot."""
    steps = _run(SwitchingState(), results)
    assert [s.state.severity for s in steps[:-1]] == ["normal"] * (len(results) - 1)
    assert (steps[-1].state, steps[-1].rule, steps[-1].changed) == (
        TIGHTENED,
        Rule.NORMAL_TO_TIGHTENED,
        True,
    )


@pytest.mark.parametrize("results", ["RAAAAR", "RAAAAAAR", "R", "ARAAAARAAAAR"])
def test_rejections_further_apart_stay_normal(results: str) -> None:
    """Rejections 6 or more lots apart never fall within 5 consecutive lots."""
    steps = _run(SwitchingState(), results)
    assert {s.state.severity for s in steps} == {"normal"}


def test_tightening_reason_names_the_window() -> None:
    """The reason says how many consecutive lots held the 2 rejections."""
    assert _run(SwitchingState(), "RAAR")[-1].reason.startswith("2 of 4 consecutive lots")


def test_five_accepted_on_tightened_return_to_normal() -> None:
    """5 consecutive lots accepted on tightened: back to a fresh normal state."""
    steps = _run(TIGHTENED, "AAAAA")
    assert [s.state.severity for s in steps] == ["tightened"] * 4 + ["normal"]
    assert (steps[-1].state, steps[-1].rule) == (SwitchingState(), Rule.TIGHTENED_TO_NORMAL)


def test_four_accepted_then_rejected_stays_tightened() -> None:
    """A rejection on tightened restarts the count of consecutive accepted lots."""
    steps = _run(TIGHTENED, "AAAARAAAA")
    assert {s.state.severity for s in steps} == {"tightened"}
    assert steps[-1].state.accepted_in_row == 4


def test_five_rejected_on_tightened_discontinues() -> None:
    """Lots not accepted on tightened accumulate, even with accepted lots between them."""
    steps = _run(TIGHTENED, "RARAARAAARAAAAR")
    assert [s.changed for s in steps].count(True) == 1
    assert steps[-1].state.discontinued
    assert steps[-1].rule is Rule.DISCONTINUED


def test_four_rejected_on_tightened_continues() -> None:
    """4 lots not accepted on tightened do not discontinue inspection."""
    state = _run(TIGHTENED, "RARARAR")[-1].state
    assert (state.discontinued, state.tightened_rejections) == (False, 4)


def test_return_to_normal_clears_tightened_rejections() -> None:
    """The cumulative count belongs to one period on tightened inspection."""
    state = _run(TIGHTENED, "RRRRAAAAA")[-1].state
    back = _run(state, "RR")[-1].state
    assert (back.severity, back.tightened_rejections, back.discontinued) == ("tightened", 0, False)


def _discontinued() -> SwitchingState:
    """Return a state after 5 rejected lots on tightened inspection."""
    return _run(TIGHTENED, "RRRRR")[-1].state


def test_discontinued_state_refuses_lots() -> None:
    """No lot is accepted under the standard until a quality manager restores the part."""
    state = _discontinued()
    with pytest.raises(ValueError, match="discontinued: a quality manager must restore it"):
        advance(state, LotOutcome(_plan("tightened"), 0))


def test_restore_restarts_on_tightened() -> None:
    """Restoring a discontinued part restarts on tightened inspection with fresh counters."""
    assert restore(_discontinued()) == TIGHTENED


def test_restore_needs_a_discontinued_state() -> None:
    """Restoring a running state is a mistake."""
    with pytest.raises(ValueError, match="discontinued"):
        restore(TIGHTENED)


@pytest.mark.parametrize(
    ("aql", "d", "before", "after"),
    [
        ("1.0", 0, 4, 6),  # H 50 Ac 1, accepted: +2
        ("1.0", 1, 4, 6),  # Ac 1, accepted with d = Ac: +2
        ("0.40", 0, 10, 12),  # G 32 Ac 0, accepted: +2
        ("2.5", 2, 9, 12),  # H 50 Ac 3; AQL 1.5 is H 50 Ac 2: accepted there too, +3
        ("2.5", 3, 9, 0),  # accepted at 2.5 but not at 1.5: reset
        ("1.0", 2, 10, 0),  # not accepted: reset
        ("2.5", 4, 27, 0),  # not accepted: reset
    ],
)
def test_switching_score(aql: str, d: int, before: int, after: int) -> None:
    """ISO switching score: Ac >= 2 +3 if accepted one AQL step tighter; Ac 0/1 +2; else reset."""
    outcome = LotOutcome(plan_for(LOT, aql), d)
    assert switching_score(before, outcome) == after


def test_switching_score_resets_when_tighter_plan_has_another_sample_size() -> None:
    """R@1.0 arrows up to Q 1250 21/22; R@0.65 is R 2000 21/22: d is not comparable, reset."""
    plan = plan_for(500_001, "1.0", level="III")
    assert (plan.sample_size, plan.accept) == (1250, 21)
    assert switching_score(12, LotOutcome(plan, 0)) == 0


def test_switching_score_accumulates_through_advance() -> None:
    """Each accepted Ac-1 lot on normal adds 2 through advance."""
    assert _run(SwitchingState(), "AAAA")[-1].state.switching_score == 8


@pytest.mark.parametrize(
    ("results", "allowed", "steady", "severity"),
    [
        ("A" * 15, True, True, "reduced"),  # score 30
        ("A" * 14, True, True, "normal"),  # score 28
        ("A" * 15, False, True, "normal"),
        ("A" * 15, True, False, "normal"),
        ("A" * 14 + "R" + "A" * 14, True, True, "normal"),  # reset by the rejection
    ],
)
def test_iso_reduced_needs_score_steady_and_consent(
    results: str, allowed: bool, steady: bool, severity: str
) -> None:
    """ISO: normal -> reduced only with score >= 30, steady production and consent."""
    steps = _run(SwitchingState(), results, reduced_allowed=allowed, production_steady=steady)
    assert steps[-1].state.severity == severity


def test_iso_reduced_switch_gives_fresh_reduced_state() -> None:
    """The switch to reduced reports its rule."""
    step = _run(SwitchingState(), "A" * 15, reduced_allowed=True)[-1]
    assert (step.state, step.rule, step.changed) == (REDUCED, Rule.NORMAL_TO_REDUCED, True)


@pytest.mark.parametrize(
    ("results", "allowed", "severity"),
    [
        ("A" * 10, True, "reduced"),
        ("A" * 9, True, "normal"),
        ("A" * 10, False, "normal"),
        ("A" * 9 + "R" + "A" * 9, True, "normal"),
    ],
)
def test_z14_reduced_after_ten_accepted(results: str, allowed: bool, severity: str) -> None:
    """Z1.4: 10 consecutive accepted lots on normal (plus steady and consent) -> reduced."""
    steps = _run(SwitchingState(), results, scheme=ANSI, reduced_allowed=allowed)
    assert steps[-1].state.severity == severity


def test_iso_does_not_use_the_ten_lot_rule() -> None:
    """Ten accepted Ac-1 lots are only a score of 20 in ISO mode."""
    assert _run(SwitchingState(), "A" * 10, reduced_allowed=True)[-1].state.severity == "normal"


@pytest.mark.parametrize("scheme", [ISO, ANSI])
def test_reduced_rejection_returns_to_normal(scheme: str) -> None:
    """A lot not accepted on reduced inspection: back to a fresh normal state."""
    step = _run(REDUCED, "R", scheme=scheme, reduced_allowed=True)[-1]
    assert (step.state, step.rule) == (SwitchingState(), Rule.REDUCED_REJECTED)


def test_z14_gap_acceptance_returns_to_normal() -> None:
    """Z1.4 reduced 0/2 with d = 1: lot accepted, next lot on normal."""
    step = _run(REDUCED, "G", scheme=ANSI, reduced_allowed=True)[-1]
    assert (step.verdict, step.state, step.rule) == (
        Verdict.ACCEPT_RETURN_TO_NORMAL,
        SwitchingState(),
        Rule.REDUCED_GAP,
    )


@pytest.mark.parametrize(
    ("allowed", "steady", "rule"),
    [(True, False, Rule.REDUCED_IRREGULAR), (False, True, Rule.REDUCED_NOT_ALLOWED)],
)
def test_reduced_conditions_lost_return_to_normal(allowed: bool, steady: bool, rule: Rule) -> None:
    """Irregular production or withdrawn consent ends reduced inspection."""
    step = _run(REDUCED, "A", reduced_allowed=allowed, production_steady=steady)[-1]
    assert (step.state.severity, step.rule) == ("normal", rule)


def test_reduced_accepted_stays_reduced() -> None:
    """Accepted lots with steady production and consent stay on reduced."""
    steps = _run(REDUCED, "AAA", reduced_allowed=True)
    assert [s.state.severity for s in steps] == ["reduced"] * 3
    assert not any(s.changed for s in steps)


@pytest.mark.parametrize(
    ("state", "plan"),
    [
        (SwitchingState(), _plan("tightened")),
        (TIGHTENED, _plan("tightened", ANSI)),
    ],
)
def test_advance_refuses_a_plan_of_another_severity_or_scheme(
    state: SwitchingState, plan: SamplingPlan
) -> None:
    """The lot must have been inspected with the plan the state calls for."""
    with pytest.raises(ValueError, match="plan"):
        advance(state, LotOutcome(plan, 0))


def test_advance_refuses_unknown_scheme() -> None:
    """Unknown schemes are named in the error."""
    with pytest.raises(ValueError, match="z9"):
        advance(SwitchingState(), LotOutcome(_plan("normal"), 0), scheme="z9")


@pytest.mark.parametrize("d", [-1, True])
def test_lot_outcome_refuses_invalid_count(d: int) -> None:
    """The count of nonconforming items must be a non-negative int."""
    with pytest.raises(ValueError, match="nonconforming"):
        LotOutcome(_plan("normal"), d)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"severity": "loose"},
        {"severity": "normal", "discontinued": True},
        {"switching_score": -1},
        {"recent": (True,) * 6},
    ],
)
def test_impossible_state_is_refused(kwargs: dict[str, object]) -> None:
    """States the rules can never produce raise ValueError."""
    with pytest.raises(ValueError, match=r"severity|discontinued|counters"):
        SwitchingState(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "scheme", "expected"),
    [
        (SwitchingState(switching_score=18), ISO, (18, 30, False, "Switching score 18 of 30")),
        (SwitchingState(switching_score=33), ISO, (33, 30, True, "Switching score 33 of 30")),
        (SwitchingState(accepted_in_row=7), ANSI, (7, 10, False, "7 of 10 consecutive lots")),
        (SwitchingState(severity="tightened", accepted_in_row=3), ISO, (3, 5, False, "3 of 5")),
    ],
)
def test_reduced_requirements(
    state: SwitchingState, scheme: str, expected: tuple[int, int, bool, str]
) -> None:
    """Progress towards reduced inspection, with the management conditions spelled out."""
    req = reduced_requirements(state, scheme)
    assert (req.progress, req.target, req.met) == expected[:3]
    assert expected[3] in str(req)


def test_reduced_requirements_mentions_consent() -> None:
    """Steady production and the quality manager's consent are always required."""
    text = str(reduced_requirements(SwitchingState(), ISO))
    assert "steady" in text
    assert "quality manager" in text


def test_reconsider_switches_to_reduced_when_consent_arrives() -> None:
    """A score already >= 30 switches as soon as reduced inspection is allowed."""
    step = reconsider(SwitchingState(switching_score=30), reduced_allowed=True)
    assert (step.state, step.rule) == (REDUCED, Rule.NORMAL_TO_REDUCED)


def test_reconsider_leaves_reduced_when_consent_is_withdrawn() -> None:
    """Withdrawn consent ends reduced inspection without waiting for a lot."""
    step = reconsider(REDUCED, reduced_allowed=False)
    assert (step.state, step.rule) == (SwitchingState(), Rule.REDUCED_NOT_ALLOWED)


def test_reconsider_keeps_tightened() -> None:
    """Consent does not shorten tightened inspection."""
    step = reconsider(TIGHTENED, reduced_allowed=True)
    assert (step.state, step.changed) == (TIGHTENED, False)
