"""SCAR operations: raise, answer a step (draft, signed submission), accept or return it, deadlines,
and the effectiveness check that closes or reopens a SCAR from the lots decided after D8."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record, snapshot
from app.auth.models import Role, User
from app.auth.services import check_signature_password
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot, LotState
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.parts.models import Part
from app.rules import RuleError
from app.scars import steps as step_specs
from app.scars.models import (
    PROBLEM_MAX_LENGTH,
    REOPENED_STEPS,
    REQUIRES,
    STEPS,
    DeadlinePolicy,
    Scar,
    ScarLot,
    ScarState,
    ScarStep,
    Severity,
    Source,
    StepState,
    StepSubmission,
)
from app.suppliers.models import Supplier
from app.tenancy import internal_users

ISSUERS = frozenset({Role.REVIEWER, Role.QUALITY_MANAGER})
# Days from issue per stage (D0-D3 containment, D4 root cause, D5-D6 actions, D7-D8 closure), and the
# clean lots the effectiveness check waits for. SPEC.md's defaults are the "major" row.
DEFAULT_POLICIES: dict[str, tuple[int, int, int, int, int]] = {
    Severity.CRITICAL: (1, 5, 20, 45, 3),
    Severity.MAJOR: (2, 10, 30, 60, 3),
    Severity.MINOR: (5, 20, 45, 90, 3),
}
SCAR_FIELDS = ("state", "severity", "reopened")


class StepError(RuleError):
    """A step answer that cannot be taken, with the problems by field."""

    def __init__(self, message: str, problems: Mapping[str, str]) -> None:
        super().__init__(message)
        self.problems = dict(problems)


@dataclass(frozen=True)
class ScarInput:
    supplier_id: int
    part_id: int
    severity: str
    source: str
    title: str
    problem: str
    lot_ids: Sequence[int] = ()


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
    _check_issuer(by)
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


# --- Raising -----------------------------------------------------------------------------------


def _check_issuer(user: User) -> None:
    if user.supplier_id is not None or user.role not in ISSUERS:
        raise RuleError(_("Only the brand's reviewers and quality managers issue and judge SCARs."))


def next_number(year: int) -> str:
    prefix = f"SCAR-{year}-"
    last = db.session.scalar(select(func.max(Scar.number)).where(Scar.number.like(f"{prefix}%")))
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:04d}"


def raise_scar(data: ScarInput, by: User) -> Scar:
    """Issue a SCAR to a supplier about a part, with its steps due by the severity's policy."""
    _check_issuer(by)
    if data.severity not in set(Severity):
        raise RuleError(_("Choose the severity."), "severity")
    if data.source not in set(Source):
        raise RuleError(_("Say where the problem was found."), "source")
    if db.session.get(Supplier, data.supplier_id) is None:
        raise RuleError(_("Choose the supplier."), "supplier_id")
    if db.session.get(Part, data.part_id) is None:
        raise RuleError(_("Choose the part."), "part_id")
    title, problem = data.title.strip(), data.problem.strip()
    if not title:
        raise RuleError(_("Give the SCAR a short title."), "title")
    if not problem:
        raise RuleError(_("Describe the problem: the requirement, and what was found instead."), "problem")
    if len(problem) > PROBLEM_MAX_LENGTH:
        raise RuleError(
            _("Use at most %(max)d characters; attach longer evidence as a file.", max=PROBLEM_MAX_LENGTH),
            "problem",
        )
    found = {lot.id: lot for lot in db.session.scalars(select(Lot).where(Lot.id.in_(data.lot_ids)))}
    lots = [found[i] for i in dict.fromkeys(data.lot_ids) if i in found]  # in the order given
    if any(lot.supplier_id != data.supplier_id or lot.part_id != data.part_id for lot in lots):
        raise RuleError(_("Link only lots of this supplier and part."), "lot_ids")
    today = utcnow().date()
    policy = policy_for(data.severity)
    scar = Scar(
        supplier_id=data.supplier_id,
        part_id=data.part_id,
        number=next_number(today.year),
        severity=data.severity,
        source=data.source,
        title=title[:200],
        problem=problem,
        raised_by_id=by.id,
        issued_on=today,
        effectiveness_lots=policy.effectiveness_lots,
    )
    db.session.add(scar)
    db.session.flush()
    for code, due_on in due_dates(today, policy).items():
        db.session.add(ScarStep(supplier_id=scar.supplier_id, scar_id=scar.id, code=code, due_on=due_on))
    for lot in lots:
        role = "raised" if data.source == Source.LOT and lot is lots[0] else "affected"
        db.session.add(ScarLot(supplier_id=scar.supplier_id, scar_id=scar.id, lot_id=lot.id, role=role))
    db.session.flush()
    record(
        "scar.issued",
        scar,
        after={**snapshot(scar, ("number", "severity", "source", "title")), "lots": [lot.id for lot in lots]},
        actor_id=by.id,
    )
    _tell_supplier(scar, NotificationKind.SCAR_ISSUED)
    return scar


# --- Answering a step --------------------------------------------------------------------------


def step_of(scar: Scar, code: str) -> ScarStep:
    step = next((s for s in scar.steps if s.code == code), None)
    if step is None:
        raise LookupError(code)
    return step


def missing_before(step: ScarStep) -> list[str]:
    """The steps that must be accepted before this one can be submitted."""
    accepted = {s.code for s in step.scar.steps if s.state == StepState.ACCEPTED}
    return [code for code in REQUIRES[step.code] if code not in accepted]


def _check_answerable(step: ScarStep, by: User) -> None:
    if by.supplier_id != step.supplier_id:
        raise RuleError(_("Only the supplier answers its SCAR."))
    if step.scar.state != ScarState.OPEN:
        raise RuleError(_("This SCAR is not open for answers."))
    if step.state in (StepState.SUBMITTED, StepState.ACCEPTED):
        raise RuleError(
            _("Step %(code)s was submitted and can no longer be changed.", code=step.code)
            if step.state == StepState.SUBMITTED
            else _("Step %(code)s is accepted.", code=step.code)
        )


def save_draft(step: ScarStep, content: Mapping[str, Any], by: User) -> None:
    """Keep the supplier's work on a step; only what cannot be stored is refused."""
    _check_answerable(step, by)
    problems = step_specs.check(step.code, content, complete=False)
    if problems:
        raise StepError(_("Some answers cannot be saved; see the marked fields."), problems)
    step.draft = step_specs.normalised(step.code, content)
    step.draft_saved_at = utcnow()


def submit_step(
    step: ScarStep, content: Mapping[str, Any], by: User, *, password: str, address: str = ""
) -> StepSubmission:
    """A supplier manager signs and submits a complete step; every submission is kept."""
    _check_answerable(step, by)
    if by.role != Role.SUPPLIER_MANAGER:
        raise RuleError(
            _("A manager of your company signs and submits the steps; save your work as a draft.")
        )
    waiting = missing_before(step)
    if waiting:
        raise RuleError(
            _("Step %(code)s can be submitted once %(steps)s accepted.", code=step.code,
              steps=", ".join(waiting) + (_(" is") if len(waiting) == 1 else _(" are")))
        )  # fmt: skip
    problems = step_specs.check(step.code, content, complete=True)
    if problems:
        raise StepError(_("The step is not complete; see the marked fields."), problems)
    if not check_signature_password(by, password, address):
        raise RuleError(_("The password is not correct, so nothing was submitted."), "password")
    answer = step_specs.normalised(step.code, content)
    number = (
        db.session.scalar(select(func.count(StepSubmission.id)).where(StepSubmission.step_id == step.id)) or 0
    ) + 1
    submission = StepSubmission(
        supplier_id=step.supplier_id,
        step_id=step.id,
        number=number,
        content=answer,
        submitted_by_id=by.id,
        submitted_by_name=by.name,
        submitted_at=utcnow(),
    )
    db.session.add(submission)
    step.draft, step.state = answer, StepState.SUBMITTED
    db.session.flush()
    record("scar.step_submitted", step.scar, after={"step": step.code, "submission": number}, actor_id=by.id)
    return submission


def latest_submission(step: ScarStep) -> StepSubmission | None:
    return db.session.scalars(
        select(StepSubmission)
        .where(StepSubmission.step_id == step.id)
        .order_by(StepSubmission.number.desc())
        .limit(1)
    ).first()


def submissions_of(scar: Scar) -> list[StepSubmission]:
    """Every submission of every step, oldest first (the SCAR's timeline)."""
    return list(
        db.session.scalars(
            select(StepSubmission)
            .join(ScarStep, ScarStep.id == StepSubmission.step_id)
            .where(ScarStep.scar_id == scar.id)
            .order_by(StepSubmission.submitted_at, StepSubmission.id)
        )
    )


def decide_step(step: ScarStep, by: User, *, accept: bool, comment: str) -> StepSubmission:
    """The brand accepts a submitted step, or returns it with a comment (nothing is deleted)."""
    _check_issuer(by)
    if step.state != StepState.SUBMITTED:
        raise RuleError(
            _("Step %(code)s has not been submitted; there is nothing to decide.", code=step.code)
        )
    comment = comment.strip()
    if not accept and not comment:
        raise RuleError(
            _("Tell the supplier what to change: the comment is required to return a step."), "comment"
        )
    submission = latest_submission(step)
    assert submission is not None  # a submitted step has one
    now = utcnow()
    submission.decision = "accepted" if accept else "returned"
    submission.comment, submission.decided_by_id, submission.decided_by_name = comment, by.id, by.name
    submission.decided_at = now
    step.state = StepState.ACCEPTED if accept else StepState.RETURNED
    step.accepted_at = now if accept else None
    scar = step.scar
    before = snapshot(scar, SCAR_FIELDS)
    if accept and step.code == "D8":
        scar.state, scar.verifying_since = ScarState.VERIFYING, now
    record(
        "scar.step_accepted" if accept else "scar.step_returned",
        scar,
        before=before,
        after={
            **snapshot(scar, SCAR_FIELDS),
            "step": step.code,
            "submission": submission.number,
            "comment": comment,
        },
        actor_id=by.id,
    )
    return submission


# --- Effectiveness check -----------------------------------------------------------------------


def lot_decided(lot: Lot) -> None:
    """Called when a lot is decided: SCARs of its supplier and part that are verifying count it."""
    scars = db.session.scalars(
        select(Scar).where(
            Scar.supplier_id == lot.supplier_id,
            Scar.part_id == lot.part_id,
            Scar.state == ScarState.VERIFYING,
        )
    ).all()
    for scar in scars:
        if lot.state == LotState.ACCEPTED:
            _link(scar, lot, "verified")
            if _verified_lots(scar) >= scar.effectiveness_lots:
                _close(scar)
        else:  # rejected, or accepted only on deviation: the fix did not hold
            reopen(scar, lot)


def _link(scar: Scar, lot: Lot, role: str) -> None:
    exists = db.session.scalar(select(ScarLot.id).where(ScarLot.scar_id == scar.id, ScarLot.lot_id == lot.id))
    if exists is None:
        db.session.add(ScarLot(supplier_id=scar.supplier_id, scar_id=scar.id, lot_id=lot.id, role=role))
        db.session.flush()


def _verified_lots(scar: Scar) -> int:
    return (
        db.session.scalar(
            select(func.count(ScarLot.id))
            .join(Lot, Lot.id == ScarLot.lot_id)
            .where(
                ScarLot.scar_id == scar.id, ScarLot.role == "verified", Lot.decided_at >= scar.verifying_since
            )
        )
        or 0
    )


def _close(scar: Scar) -> None:
    before = snapshot(scar, SCAR_FIELDS)
    scar.state, scar.closed_at = ScarState.CLOSED, utcnow()
    record(
        "scar.closed_effective",
        scar,
        before=before,
        after={**snapshot(scar, SCAR_FIELDS), "lots": scar.effectiveness_lots},
    )


def reopen(scar: Scar, lot: Lot) -> None:
    """A lot failed after D8: the SCAR reopens at D4 with new due dates, and both sides are told."""
    before = snapshot(scar, SCAR_FIELDS)
    scar.state, scar.verifying_since, scar.reopened = ScarState.OPEN, None, scar.reopened + 1
    _link(scar, lot, "reopened")
    today = utcnow().date()
    policy = policy_for(scar.severity)
    # The new due dates keep the stages' spacing, counted from today as if containment were done.
    dates = {
        code: today + timedelta(days=stage_days(policy, code) - policy.containment_days)
        for code in REOPENED_STEPS
    }
    for step in scar.steps:
        if step.code in dates:
            step.state, step.accepted_at, step.due_on = StepState.OPEN, None, dates[step.code]
    record(
        "scar.reopened",
        scar,
        before=before,
        after={**snapshot(scar, SCAR_FIELDS), "lot": lot.id, "lot_number": lot.lot_number},
    )
    _tell_supplier(scar, NotificationKind.SCAR_REOPENED, lot_number=lot.lot_number)
    _tell_brand(scar, NotificationKind.SCAR_REOPENED, lot_number=lot.lot_number)


# --- Telling people ----------------------------------------------------------------------------


def _params(scar: Scar, **extra: str | int) -> dict[str, str | int]:
    return {
        "scar_number": scar.number,
        "supplier_code": scar.supplier.code,
        "part_number": scar.part.part_number,
        **extra,
    }


def _tell_supplier(scar: Scar, kind: NotificationKind, **extra: str | int) -> None:
    people = db.session.scalars(
        select(User).where(User.supplier_id == scar.supplier_id, User.is_active_account).order_by(User.id)
    ).all()
    notify(people, kind, _params(scar, **extra), f"/scars/{scar.id}")


def _tell_brand(scar: Scar, kind: NotificationKind, **extra: str | int) -> None:
    notify(internal_users(User.id == scar.raised_by_id), kind, _params(scar, **extra), f"/scars/{scar.id}")
