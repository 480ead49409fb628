"""Switching rules of ISO 2859-1:1999 and ANSI/ASQ Z1.4-2003 as a pure state machine (NOTES 1.6).

One `SwitchingState` is kept per (supplier, part, defect class). The caller advances it once per lot
decided on ORIGINAL inspection (resubmitted lots are ignored) with the plan that was used and the
number of nonconforming items (or nonconformities) found for that class. Rules:

* normal -> tightened: 2 lots not accepted within 5 or fewer consecutive lots on normal inspection.
* tightened -> normal: 5 consecutive lots accepted on tightened inspection.
* discontinued: the number of lots not accepted since tightened inspection began reaches 5
  (Z1.4-2003 / ISO 1999 wording). `advance` then raises ValueError until `restore` is called by a
  quality manager, which restarts on tightened inspection.
* normal -> reduced, iso2859-1: switching score >= 30, production steady and reduced inspection
  allowed by the quality manager (the responsible authority). Score after each lot on normal:
  Ac >= 2: +3 if d <= Ac of the normal plan one AQL step tighter (same code letter), else 0; when
  that plan has another sample size (arrow), d is not comparable and the score resets (NOTES 1.6).
  Ac 0 or 1: +2 if accepted, else 0.
* normal -> reduced, ansi-z14: the preceding 10 lots on normal inspection all accepted, production
  steady and reduced inspection allowed. The optional limit numbers of Z1.4 Table VIII are not
  applied (Z1.4 allows dropping them; they were not collected).
* reduced -> normal: a lot not accepted; (Z1.4) a lot accepted with Ac < d < Re; production not
  steady; or reduced inspection no longer allowed.

Every return to normal inspection starts a fresh normal state (switching score 0, empty window).
`reduced_allowed` defaults to False, so a caller on reduced inspection must pass True to stay there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from app.quality.sampling import (
    SCHEMES,
    SEVERITIES,
    SamplingPlan,
    Verdict,
    judge,
    plan_for,
    tighter_aql,
)

WINDOW = 5  # normal -> tightened: 2 not accepted within this many consecutive lots
TO_NORMAL_ACCEPTED = 5  # tightened -> normal: consecutive accepted lots
DISCONTINUE_REJECTED = 5  # lots not accepted on tightened inspection before discontinuation
SCORE_TARGET = 30  # ISO switching score needed for reduced inspection
Z14_ACCEPTED_TARGET = 10  # Z1.4: accepted lots in a row on normal needed for reduced inspection


class Rule(StrEnum):
    """Stable key of the rule that decided a transition (for storage and translation)."""

    STAY = "stay"
    NORMAL_TO_TIGHTENED = "normal_to_tightened"
    NORMAL_TO_REDUCED = "normal_to_reduced"
    TIGHTENED_TO_NORMAL = "tightened_to_normal"
    DISCONTINUED = "discontinued"
    REDUCED_REJECTED = "reduced_to_normal_rejected"
    REDUCED_GAP = "reduced_to_normal_gap"
    REDUCED_IRREGULAR = "reduced_to_normal_irregular"
    REDUCED_NOT_ALLOWED = "reduced_to_normal_not_allowed"


@dataclass(frozen=True)
class SwitchingState:
    """Switching state of one (supplier, part, class) before its next lot."""

    severity: str = "normal"  # normal | tightened | reduced
    discontinued: bool = False  # only on tightened; acceptance under the standard has stopped
    recent: tuple[bool, ...] = ()  # normal: accepted? of the last <= 5 lots on normal, newest last
    switching_score: int = 0  # ISO switching score, kept on normal inspection
    accepted_in_row: int = 0  # consecutive accepted lots on the current severity
    tightened_rejections: int = 0  # lots not accepted since tightened inspection began

    def __post_init__(self) -> None:
        """Reject states that the rules can never produce."""
        if self.severity not in SEVERITIES:
            allowed = ", ".join(SEVERITIES)
            raise ValueError(f"severity {self.severity!r} is unknown; allowed: {allowed}")
        if self.discontinued and self.severity != "tightened":
            raise ValueError("only a state on tightened inspection can be discontinued")
        counters = (self.switching_score, self.accepted_in_row, self.tightened_rejections)
        if len(self.recent) > WINDOW or min(counters) < 0:
            raise ValueError("switching counters must be non-negative and recent at most 5 lots")


@dataclass(frozen=True)
class LotOutcome:
    """One lot for one class: the plan used and the count found in the sample."""

    plan: SamplingPlan
    nonconforming: int

    def __post_init__(self) -> None:
        """Validate the count by judging it once."""
        judge(self.plan, self.nonconforming)

    @property
    def verdict(self) -> Verdict:
        """Return the verdict of the plan for this count."""
        return judge(self.plan, self.nonconforming)

    @property
    def accepted(self) -> bool:
        """Return True if the lot was accepted on original inspection for this class."""
        return self.verdict.accepted


@dataclass(frozen=True)
class Transition:
    """Result of one step: the state for the next lot and why it is what it is."""

    state: SwitchingState
    changed: bool  # severity changed or inspection was discontinued
    rule: Rule
    reason: str  # short English sentence
    verdict: Verdict | None = None  # verdict of the lot that caused the step, if any


@dataclass(frozen=True)
class ReducedRequirements:
    """What it takes to earn reduced inspection from the given state."""

    progress: int
    target: int
    met: bool  # the counted condition is met; steady production and consent are still required
    text: str

    def __str__(self) -> str:
        """Return the explanation text."""
        return self.text


def _check_scheme(scheme: str) -> None:
    """Raise ValueError for an unknown scheme."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme {scheme!r} is unknown; allowed: {', '.join(SCHEMES)}")


def _accepted_one_step_tighter(outcome: LotOutcome) -> bool:
    """Return True if the normal plan one AQL step tighter (same code letter and n) accepts d."""
    plan = outcome.plan
    tighter = tighter_aql(plan.aql)
    if tighter is None:
        return False
    other = plan_for(plan.lot_size, tighter, level=plan.level, scheme=plan.scheme)
    # Through an arrow the tighter plan can need a larger sample: d is then not comparable (reset).
    return other.sample_size == plan.sample_size and outcome.nonconforming <= other.accept


def switching_score(score: int, outcome: LotOutcome) -> int:
    """Return the ISO 2859-1 switching score after one lot on normal single sampling."""
    if not outcome.accepted:
        return 0
    if outcome.plan.accept >= 2:
        return score + 3 if _accepted_one_step_tighter(outcome) else 0
    return score + 2


def _move(state: SwitchingState, rule: Rule, reason: str, verdict: Verdict | None) -> Transition:
    """Build a Transition to state."""
    return Transition(state=state, changed=True, rule=rule, reason=reason, verdict=verdict)


def _stay(state: SwitchingState, reason: str, verdict: Verdict | None) -> Transition:
    """Build a Transition that keeps the severity."""
    return Transition(state=state, changed=False, rule=Rule.STAY, reason=reason, verdict=verdict)


def _reduced_earned(state: SwitchingState, scheme: str) -> bool:
    """Return True if the counted condition for reduced inspection is met on normal."""
    if scheme == "iso2859-1":
        return state.switching_score >= SCORE_TARGET
    return state.accepted_in_row >= Z14_ACCEPTED_TARGET


def _try_reduced(
    state: SwitchingState, scheme: str, allowed: bool, steady: bool, verdict: Verdict | None
) -> Transition:
    """Switch normal -> reduced if earned, steady and allowed; otherwise stay and say why."""
    progress = str(reduced_requirements(state, scheme))
    if not _reduced_earned(state, scheme):
        return _stay(state, f"Stay on normal inspection. {progress}", verdict)
    if not steady:
        return _stay(state, "Stay on normal inspection: production is not steady.", verdict)
    if not allowed:
        reason = "Stay on normal: the quality manager has not allowed reduced inspection."
        return _stay(state, reason, verdict)
    if scheme == "iso2859-1":
        earned = f"Switching score {state.switching_score} of {SCORE_TARGET} reached"
    else:
        earned = f"{Z14_ACCEPTED_TARGET} consecutive lots accepted on normal"
    reason = f"{earned}, production steady and reduced allowed: switch to reduced."
    return _move(SwitchingState(severity="reduced"), Rule.NORMAL_TO_REDUCED, reason, verdict)


def _advance_normal(
    state: SwitchingState, outcome: LotOutcome, scheme: str, allowed: bool, steady: bool
) -> Transition:
    """Apply the rules for a lot inspected on normal inspection."""
    verdict = outcome.verdict
    recent = (*state.recent, outcome.accepted)[-WINDOW:]
    if recent.count(False) >= 2:
        span = len(recent) - recent.index(False)
        reason = f"2 of {span} consecutive lots not accepted on normal: switch to tightened."
        tightened = SwitchingState(severity="tightened")
        return _move(tightened, Rule.NORMAL_TO_TIGHTENED, reason, verdict)
    new = replace(
        state,
        recent=recent,
        switching_score=switching_score(state.switching_score, outcome),
        accepted_in_row=state.accepted_in_row + 1 if outcome.accepted else 0,
    )
    if not outcome.accepted:
        reason = "Lot not accepted on normal (the first within 5 lots): stay on normal."
        return _stay(new, reason, verdict)
    return _try_reduced(new, scheme, allowed, steady, verdict)


def _advance_tightened(state: SwitchingState, outcome: LotOutcome) -> Transition:
    """Apply the rules for a lot inspected on tightened inspection."""
    verdict = outcome.verdict
    if outcome.accepted:
        in_row = state.accepted_in_row + 1
        if in_row >= TO_NORMAL_ACCEPTED:
            reason = "5 consecutive lots accepted on tightened: return to normal."
            return _move(SwitchingState(), Rule.TIGHTENED_TO_NORMAL, reason, verdict)
        reason = f"Stay on tightened: {in_row} of 5 consecutive lots accepted."
        return _stay(replace(state, accepted_in_row=in_row), reason, verdict)
    rejected = state.tightened_rejections + 1
    new = replace(state, accepted_in_row=0, tightened_rejections=rejected)
    if rejected >= DISCONTINUE_REJECTED:
        reason = "5 lots not accepted on tightened: discontinued until a quality manager restores."
        return _move(replace(new, discontinued=True), Rule.DISCONTINUED, reason, verdict)
    reason = f"Stay on tightened: {rejected} of 5 lots not accepted (5 discontinues inspection)."
    return _stay(new, reason, verdict)


def _leave_reduced(allowed: bool, steady: bool) -> tuple[Rule, str] | None:
    """Return the rule and reason that end reduced inspection regardless of the lot, if any."""
    if not steady:
        return Rule.REDUCED_IRREGULAR, "Production is not steady: return to normal."
    if not allowed:
        return Rule.REDUCED_NOT_ALLOWED, "Reduced inspection no longer allowed: return to normal."
    return None


def _advance_reduced(state: SwitchingState, outcome: LotOutcome, allowed: bool, steady: bool) -> Transition:
    """Apply the rules for a lot inspected on reduced inspection."""
    verdict = outcome.verdict
    if verdict is Verdict.REJECT:
        reason = "Lot not accepted on reduced: return to normal."
        return _move(SwitchingState(), Rule.REDUCED_REJECTED, reason, verdict)
    if verdict is Verdict.ACCEPT_RETURN_TO_NORMAL:
        reason = "Lot accepted with Ac < d < Re on reduced: accept it, return to normal."
        return _move(SwitchingState(), Rule.REDUCED_GAP, reason, verdict)
    leave = _leave_reduced(allowed, steady)
    if leave is not None:
        return _move(SwitchingState(), leave[0], leave[1], verdict)
    new = replace(state, accepted_in_row=state.accepted_in_row + 1)
    return _stay(new, "Lot accepted on reduced: stay on reduced.", verdict)


def _check_running(state: SwitchingState, scheme: str) -> None:
    """Raise ValueError for an unknown scheme or a discontinued state."""
    _check_scheme(scheme)
    if state.discontinued:
        raise ValueError("discontinued: a quality manager must restore it")


def advance(
    state: SwitchingState,
    outcome: LotOutcome,
    *,
    scheme: str = "iso2859-1",
    reduced_allowed: bool = False,
    production_steady: bool = True,
) -> Transition:
    """Advance the state by one lot decided on original inspection; ValueError if discontinued."""
    _check_running(state, scheme)
    plan = outcome.plan
    if plan.severity != state.severity or plan.scheme != scheme:
        raise ValueError(
            f"the lot used a {plan.severity} {plan.scheme} plan but the state expects a "
            f"{state.severity} {scheme} plan"
        )
    if state.severity == "normal":
        return _advance_normal(state, outcome, scheme, reduced_allowed, production_steady)
    if state.severity == "tightened":
        return _advance_tightened(state, outcome)
    return _advance_reduced(state, outcome, reduced_allowed, production_steady)


def reconsider(
    state: SwitchingState,
    *,
    scheme: str = "iso2859-1",
    reduced_allowed: bool = False,
    production_steady: bool = True,
) -> Transition:
    """Apply the rules that need no lot (consent or steadiness changed); ValueError if stopped."""
    _check_running(state, scheme)
    if state.severity == "normal":
        return _try_reduced(state, scheme, reduced_allowed, production_steady, None)
    leave = _leave_reduced(reduced_allowed, production_steady)
    if state.severity == "reduced" and leave is not None:
        return _move(SwitchingState(), leave[0], leave[1], None)
    return _stay(state, f"Stay on {state.severity} inspection.", None)


def restore(state: SwitchingState) -> SwitchingState:
    """Restore a discontinued state after the supplier's corrective action: restart on tightened."""
    if not state.discontinued:
        raise ValueError("only a discontinued state can be restored")
    return SwitchingState(severity="tightened")


def reduced_requirements(state: SwitchingState, scheme: str = "iso2859-1") -> ReducedRequirements:
    """Explain what it takes to earn reduced inspection from state under scheme."""
    _check_scheme(scheme)
    consent = "production must be steady and the quality manager must allow reduced inspection"
    if state.discontinued:
        text = "Inspection is discontinued; a quality manager must restore it (on tightened) first."
        return ReducedRequirements(0, TO_NORMAL_ACCEPTED, False, text)
    if state.severity == "tightened":
        n = state.accepted_in_row
        text = f"Return to normal first: {n} of 5 consecutive lots accepted on tightened."
        return ReducedRequirements(n, TO_NORMAL_ACCEPTED, False, text)
    if state.severity == "reduced":
        return ReducedRequirements(0, 0, True, f"Already on reduced inspection; {consent}.")
    if scheme == "iso2859-1":
        score = state.switching_score
        text = f"Switching score {score} of {SCORE_TARGET}; {consent}."
        return ReducedRequirements(score, SCORE_TARGET, score >= SCORE_TARGET, text)
    n = state.accepted_in_row
    met = n >= Z14_ACCEPTED_TARGET
    text = f"{min(n, Z14_ACCEPTED_TARGET)} of 10 consecutive lots accepted on normal; {consent}."
    return ReducedRequirements(min(n, Z14_ACCEPTED_TARGET), Z14_ACCEPTED_TARGET, met, text)
