"""A SCAR's 8D report: plain data gathered from the SCAR and its steps' latest submissions, then its PDF.

Like the lot inspection report, `scar_report` copies what the report prints into frozen dataclasses
of plain values, so that the template reads no ORM object while WeasyPrint runs. Times print in UTC.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import render_template
from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.lots.forms import STATE_LABELS as LOT_STATE_LABELS
from app.lots.models import Lot
from app.pdf import render_pdf, stylesheet
from app.reviews.report import utc
from app.scars import steps as step_specs
from app.scars.deadlines import is_overdue
from app.scars.forms import LOT_ROLE_LABELS, SEVERITY_LABELS, SOURCE_LABELS, STEP_STATE_LABELS
from app.scars.forms import STATE_LABELS as SCAR_STATE_LABELS
from app.scars.models import Scar, ScarLot, ScarStep, StepSubmission
from app.tenancy import internal_users

log = logging.getLogger(__name__)

DECISION_LABELS = {"accepted": _l("Accepted"), "returned": _l("Returned")}


@dataclass(frozen=True)
class Header:
    number: str
    title: str
    supplier_code: str
    supplier_name: str
    part_number: str
    part_name: str
    severity: str
    source: str
    state: str
    state_code: str
    issued_on: str
    raised_by: str
    reopened: int
    closed_at: str
    problem: str


@dataclass(frozen=True)
class LinkedLot:
    lot_number: str
    link: str
    state: str
    production_date: str


@dataclass(frozen=True)
class Answer:
    """One field of a step's answer: a text, or a table (`columns` and `rows`)."""

    label: str
    text: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def is_table(self) -> bool:
        return bool(self.columns)


@dataclass(frozen=True)
class Submission:
    number: int
    submitted_by: str
    submitted_at: str
    decision: str
    decision_code: str
    comment: str
    decided_by: str
    decided_at: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    state: str
    state_code: str
    due_on: str
    overdue: bool
    accepted_at: str
    submissions: int
    latest: Submission | None


@dataclass(frozen=True)
class ScarReport:
    """Everything the 8D report prints, as plain values."""

    header: Header
    lots: tuple[LinkedLot, ...]
    steps: tuple[Step, ...]
    generated_at: str


def _label(labels: Mapping[Any, object], value: str | None) -> str:
    return "" if value is None else str(labels.get(value, value))


def scar_report(scar: Scar) -> ScarReport:
    """The report of a SCAR: its header, linked lots, and every step with its latest submission."""
    submissions = _submissions_by_step(scar)
    return ScarReport(
        header=_header(scar),
        lots=_lots(scar),
        steps=tuple(_step(step, submissions.get(step.id, [])) for step in scar.steps),
        generated_at=utc(utcnow()),
    )


def _header(scar: Scar) -> Header:
    # The issuer is one of the brand's staff, out of a supplier user's scope: read them explicitly.
    issuer = internal_users(User.id == scar.raised_by_id)
    return Header(
        number=scar.number,
        title=scar.title,
        supplier_code=scar.supplier.code,
        supplier_name=scar.supplier.legal_name,
        part_number=scar.part.part_number,
        part_name=scar.part.name,
        severity=_label(SEVERITY_LABELS, scar.severity),
        source=_label(SOURCE_LABELS, scar.source),
        state=_label(SCAR_STATE_LABELS, scar.state),
        state_code=scar.state,
        issued_on=scar.issued_on.isoformat(),
        raised_by=issuer[0].name if issuer else "",
        reopened=scar.reopened,
        closed_at=utc(scar.closed_at),
        problem=scar.problem,
    )


def _lots(scar: Scar) -> tuple[LinkedLot, ...]:
    rows = db.session.execute(
        select(Lot.lot_number, ScarLot.role, Lot.state, Lot.production_date)
        .join(Lot, Lot.id == ScarLot.lot_id)
        .where(ScarLot.scar_id == scar.id)
        .order_by(ScarLot.created_at, ScarLot.id)
    )
    return tuple(
        LinkedLot(
            number, _label(LOT_ROLE_LABELS, role), _label(LOT_STATE_LABELS, state), produced.isoformat()
        )
        for number, role, state, produced in rows
    )


def _submissions_by_step(scar: Scar) -> dict[int, list[StepSubmission]]:
    """Every submission of the SCAR's steps, by step id, oldest first (one query)."""
    found: dict[int, list[StepSubmission]] = {}
    rows = db.session.scalars(
        select(StepSubmission)
        .join(ScarStep, ScarStep.id == StepSubmission.step_id)
        .where(ScarStep.scar_id == scar.id)
        .order_by(StepSubmission.step_id, StepSubmission.number)
    )
    for submission in rows:
        found.setdefault(submission.step_id, []).append(submission)
    return found


def _step(step: ScarStep, submissions: list[StepSubmission]) -> Step:
    return Step(
        code=step.code,
        title=str(step_specs.SPECS[step.code].title),
        state=_label(STEP_STATE_LABELS, step.state),
        state_code=step.state,
        due_on=step.due_on.isoformat(),
        overdue=is_overdue(step),
        accepted_at=utc(step.accepted_at),
        submissions=len(submissions),
        latest=_submission(step.code, submissions[-1]) if submissions else None,
    )


def _submission(code: str, s: StepSubmission) -> Submission:
    return Submission(
        number=s.number,
        submitted_by=s.submitted_by_name,
        submitted_at=utc(s.submitted_at),
        decision=_label(DECISION_LABELS, s.decision),
        decision_code=s.decision or "",
        comment=s.comment,
        decided_by=s.decided_by_name or "",
        decided_at=utc(s.decided_at),
        answers=answers(code, s.content),
    )


def answers(code: str, content: Mapping[str, Any]) -> tuple[Answer, ...]:
    """A step's stored answer, field by field, labelled as in its form (steps.SPECS)."""
    shown = []
    for field in step_specs.SPECS[code].fields:
        value = content.get(field.name)
        if field.kind == step_specs.TABLE:
            shown.append(
                Answer(
                    label=str(field.label),
                    columns=tuple(str(column.label) for column in field.columns),
                    rows=tuple(
                        tuple(str(row.get(column.name, "")) for column in field.columns)
                        for row in value or ()
                    ),
                )
            )
        else:
            shown.append(Answer(label=str(field.label), text="" if value is None else str(value)))
    return tuple(shown)


def scar_report_pdf(scar: Scar) -> bytes:
    """The SCAR's 8D report as an A4 PDF."""
    started = time.perf_counter()
    html = render_template("reports/scar.html", report=scar_report(scar))
    pdf = render_pdf(html, stylesheets=[stylesheet("report.css"), stylesheet("scar_report.css")])
    log.info("8D report of SCAR %s: %d bytes in %.2f s", scar.number, len(pdf), time.perf_counter() - started)
    return pdf
