"""When a SCAR's steps are due: the deadline policy per severity, due dates, and late steps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record, snapshot
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.rules import RuleError
from app.scars.models import (
    STEPS,
    DeadlinePolicy,
    ScarStep,
    Severity,
    StepState,
)
from app.scars.policy import require_issuer
from app.suppliers import versions

# Days from issue per stage (D0-D3 containment, D4 root cause, D5-D6 actions, D7-D8 closure), and the
# clean lots the effectiveness check waits for. SPEC.md's defaults are the "major" row.
DEFAULT_POLICIES: dict[str, tuple[int, int, int, int, int]] = {
    Severity.CRITICAL: (1, 5, 20, 45, 3),
    Severity.MAJOR: (2, 10, 30, 60, 3),
    Severity.MINOR: (5, 20, 45, 90, 3),
}

# --- Deadlines ---------------------------------------------------------------------------------


def policy_for(severity: str) -> DeadlinePolicy:
    """The deadline policy of a severity, created from the defaults when first needed."""
    policy = db.session.scalars(
        select(DeadlinePolicy).where(DeadlinePolicy.severity == severity)
    ).one_or_none()
    if policy is None:
        days = DEFAULT_POLICIES[Severity(severity)]
        policy = DeadlinePolicy(
            severity=severity,
            containment_days=days[0],
            root_cause_days=days[1],
            actions_days=days[2],
            closure_days=days[3],
            effectiveness_lots=days[4],
        )
        db.session.add(policy)
        db.session.flush()
    return policy


def stage_days(policy: DeadlinePolicy, code: str) -> int:
    """Days from the start of the 8D to the due date of a step."""
    if code in ("D0", "D1", "D2", "D3"):
        return policy.containment_days
    if code == "D4":
        return policy.root_cause_days
    if code in ("D5", "D6"):
        return policy.actions_days
    return policy.closure_days


def due_dates(start: date, policy: DeadlinePolicy, codes: Sequence[str] = STEPS) -> dict[str, date]:
    """Each step's due date for an 8D started on `start` (calendar days, across months and years)."""
    return {code: start + timedelta(days=stage_days(policy, code)) for code in codes}


def set_policy(severity: str, days: Sequence[int], effectiveness_lots: int) -> DeadlinePolicy:
    """A quality manager changes a severity's deadlines; SCARs already issued keep their dates."""
    containment, root_cause, actions, closure = days
    if not 0 < containment <= root_cause <= actions <= closure:
        raise RuleError(
            _("The days must grow from stage to stage: containment ≤ root cause ≤ actions ≤ closure."),
            "containment_days",
        )
    if effectiveness_lots < 1:
        raise RuleError(_("Watch at least one lot."), "effectiveness_lots")
    policy = policy_for(severity)
    fields = ("containment_days", "root_cause_days", "actions_days", "closure_days", "effectiveness_lots")
    before = snapshot(policy, fields)
    policy.containment_days, policy.root_cause_days, policy.actions_days, policy.closure_days = days
    policy.effectiveness_lots = effectiveness_lots
    record("scar.deadlines_changed", policy, before=before, after=snapshot(policy, fields))
    return policy


def change_due_date(step: ScarStep, due_on: date | None, reason: str, by: User) -> None:
    """The brand moves a step's due date (an agreed extension); never into the past."""
    require_issuer(by)
    if due_on is None:
        raise RuleError(_("Give the new due date."), "due_on")
    if due_on < utcnow().date():
        raise RuleError(
            _("The due date %(date)s is in the past; choose today or later.", date=due_on), "due_on"
        )
    if not reason.strip():
        raise RuleError(_("Say why the due date changes."), "reason")
    if step.state == StepState.ACCEPTED:
        raise RuleError(_("Step %(code)s is already accepted.", code=step.code))
    before = {"step": step.code, "due_on": step.due_on.isoformat()}
    step.due_on = due_on
    versions.bump(step.supplier_id)  # the steps due and overdue on the scorecard
    record(
        "scar.due_date_changed",
        step.scar,
        before=before,
        after={"step": step.code, "due_on": due_on.isoformat(), "reason": reason.strip()},
        actor_id=by.id,
    )


def is_overdue(step: ScarStep, today: date | None = None) -> bool:
    """Not accepted and past its due date (a submitted step waits on the brand, but is still late)."""
    return step.state != StepState.ACCEPTED and step.due_on < (today or utcnow().date())
