"""SCAR operations: raise a SCAR, answer a step (draft, signed submission), accept or return it.
Their due dates: app/scars/deadlines.py; the check after D8: app/scars/effectiveness.py."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.audit.services import record, snapshot
from app.auth.models import User
from app.auth.services import check_signature_password
from app.clock import utcnow
from app.events import emit
from app.extensions import db
from app.lots.models import Lot
from app.parts.models import Part
from app.rules import RuleError
from app.scars import policy
from app.scars import steps as step_specs
from app.scars.deadlines import due_dates, policy_for
from app.scars.models import (
    PROBLEM_MAX_LENGTH,
    REQUIRES,
    Scar,
    ScarLot,
    ScarState,
    ScarStep,
    Severity,
    Source,
    StepState,
    StepSubmission,
)
from app.scars.states import move_step
from app.suppliers.models import Supplier


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


# --- Raising -----------------------------------------------------------------------------------


def next_number(year: int) -> str:
    prefix = f"SCAR-{year}-"
    last = db.session.scalar(select(func.max(Scar.number)).where(Scar.number.like(f"{prefix}%")))
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:04d}"


def raise_scar(data: ScarInput, by: User) -> Scar:
    """Issue a SCAR to a supplier about a part, with its steps due by the severity's policy."""
    policy.require_issuer(by)
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
    deadline_policy = policy_for(data.severity)
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
        effectiveness_lots=deadline_policy.effectiveness_lots,
    )
    db.session.add(scar)
    db.session.flush()
    for code, due_on in due_dates(today, deadline_policy).items():
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
    emit("scar.issued", scar=scar)
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
    """policy.can_answer, refused in words that say why."""
    if policy.can_answer(by, step):
        return
    if by.supplier_id != step.supplier_id:
        raise RuleError(_("Only the supplier answers its SCAR."))
    if step.scar.state != ScarState.OPEN:
        raise RuleError(_("This SCAR is not open for answers."))
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
    if not policy.can_sign_steps(by):
        raise RuleError(
            _("A manager of your company signs and submits the steps; save your work as a draft.")
        )
    waiting = missing_before(step)
    if waiting:
        raise RuleError(
            ngettext(
                "Step %(code)s can be submitted once step %(steps)s is accepted.",
                "Step %(code)s can be submitted once steps %(steps)s are accepted.",
                len(waiting),
                code=step.code,
                steps=", ".join(waiting),
            )
        )
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
    move_step(
        step,
        "submit",
        actor_id=by.id,
        changes={"draft": answer},
        details={"submission": number},
        event={"submission": submission},
    )
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
    policy.require_issuer(by)
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
    verifying = accept and step.code == "D8"  # the last step accepted: the effectiveness check starts
    move_step(
        step,
        "accept" if accept else "return",
        actor_id=by.id,
        changes={"accepted_at": now if accept else None},
        scar_changes={"state": ScarState.VERIFYING, "verifying_since": now} if verifying else None,
        details={"submission": submission.number, "comment": comment},
        event={"submission": submission},
    )
    return submission
