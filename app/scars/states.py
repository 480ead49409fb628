"""The 8D step's state machine as data, and `move_step`, the one function that changes a step's state.

    open ──submit──▶ submitted ──accept──▶ accepted
     ▲  ◀──────────────┘ return (returned: answered again, then submit)
     └──────────── reopen (a lot failed after D8: D4 to D8 open again)

A step's moves are audited on its SCAR, whose own state (open, verifying, closed) follows the
steps: accepting D8 starts the effectiveness check. The CHECK constraint on `scar_step.state` stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.audit.services import record, snapshot
from app.events import emit
from app.extensions import db
from app.rules import RuleError
from app.scars.models import ScarStep, StepState

SCAR_FIELDS = ("state", "severity", "reopened")


@dataclass(frozen=True)
class StepTransition:
    sources: frozenset[StepState]
    target: StepState
    guard: str  # the permission question or rule that allows it (app/scars/policy.py)
    action: str | None  # the audit action on the SCAR (None: the SCAR-level move audits it)
    event: str | None  # the domain event (app/events.py)


S = StepState
STEP_TRANSITIONS: dict[str, StepTransition] = {
    "submit": StepTransition(
        frozenset({S.OPEN, S.RETURNED}),
        S.SUBMITTED,
        "can_sign_steps",
        "scar.step_submitted",
        "scar.step_submitted",
    ),
    "accept": StepTransition(
        frozenset({S.SUBMITTED}), S.ACCEPTED, "can_judge_step", "scar.step_accepted", "scar.step_decided"
    ),
    "return": StepTransition(
        frozenset({S.SUBMITTED}), S.RETURNED, "can_judge_step", "scar.step_returned", "scar.step_decided"
    ),
    "reopen": StepTransition(frozenset(StepState), S.OPEN, "effectiveness_failed", None, None),
}


def move_step(
    step: ScarStep,
    name: str,
    *,
    actor_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    scar_changes: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    event: Mapping[str, Any] | None = None,
) -> None:
    """Move the step through `name`: check the table, set its state and `changes` (and its SCAR's
    `scar_changes`), audit the move on the SCAR with `details`, and emit the event with the step
    and `event`. The caller has asked the guard's question in words fit for its user."""
    transition = STEP_TRANSITIONS[name]
    if step.state not in transition.sources:
        raise RuleError(_("Step %(code)s changed meanwhile; the page now shows it as it is.", code=step.code))
    scar = step.scar
    before = snapshot(scar, SCAR_FIELDS)
    step.state = transition.target
    for field, value in (changes or {}).items():
        setattr(step, field, value)
    for field, value in (scar_changes or {}).items():
        setattr(scar, field, value)
    db.session.flush()
    if transition.action:
        after = {**snapshot(scar, SCAR_FIELDS), "step": step.code, **(details or {})}
        record(transition.action, scar, before=before, after=after, actor_id=actor_id)
    if transition.event:
        emit(transition.event, step=step, **(event or {}))
