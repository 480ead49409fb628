"""The SCAR page and a step's page, rendered by their views and by the actions that re-show them."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.queries import history_of
from app.lots.forms import STATE_LABELS as LOT_STATE_LABELS
from app.scars import answers, files, policy, queries, services
from app.scars import deadlines as scar_deadlines
from app.scars.forms import (
    LOT_ROLE_LABELS,
    SEVERITY_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    STEP_STATE_LABELS,
    DecisionForm,
    DueDateForm,
    ScarAttachmentForm,
)
from app.scars.models import STEPS, Scar, ScarStep, StepState
from app.scars.steps import ROWS_MAX, SPECS

NAMES = SimpleNamespace(field=answers.field_name, cell=answers.cell_name, rows=answers.rows_name)
LABELS = {
    "severities": SEVERITY_LABELS,
    "states": STATE_LABELS,
    "sources": SOURCE_LABELS,
    "step_states": STEP_STATE_LABELS,
    "lot_roles": LOT_ROLE_LABELS,
    "lot_states": LOT_STATE_LABELS,
    "specs": SPECS,
}


def due_date_form(step: ScarStep, formdata: Any = None) -> DueDateForm:
    """The due-date form of one step; its fields are prefixed by the step code (several on one page)."""
    if formdata is None:
        return DueDateForm(prefix=step.code, formdata=None, data={"due_on": step.due_on})
    return DueDateForm(prefix=step.code)


def attachment_form(formdata: Any = None) -> ScarAttachmentForm:
    form = ScarAttachmentForm() if formdata is not None else ScarAttachmentForm(formdata=None)
    form.step_code.choices = [("", _("The whole SCAR")), *((code, str(SPECS[code].title)) for code in STEPS)]
    return form


def render_scar(
    scar: Scar,
    *,
    due_forms: Mapping[str, DueDateForm] | None = None,
    attach_form: ScarAttachmentForm | None = None,
    status: int = 200,
):  # type: ignore[no-untyped-def]
    """The SCAR with its steps, timeline, files and history; the given forms keep what was typed."""
    timeline = services.submissions_of(scar)
    shown_due_forms: dict[str, DueDateForm] = {}
    if policy.can_set_due_dates(current_user, scar):
        for step in scar.steps:
            if step.state != StepState.ACCEPTED:
                shown_due_forms[step.code] = (due_forms or {}).get(step.code) or due_date_form(step)
    page = render_template(
        "scars/detail.html",
        scar=scar,
        progress=queries.progress_of(scar),
        lots=queries.linked_lots(scar),
        timeline=timeline,
        latest=queries.latest_by_step(timeline),
        attachments=files.attachments_of(scar),
        attach_form=attach_form or attachment_form(),
        can_attach=policy.can_attach_to_scar(current_user, scar),
        due_forms=shown_due_forms,
        history=history_of("Scar", scar.id),
        summary=answers.summary,
        is_overdue=scar_deadlines.is_overdue,
        **LABELS,
    )
    return page, status


def render_step(
    scar: Scar,
    step: ScarStep,
    *,
    answer: Mapping[str, Any] | None = None,
    problems: Mapping[str, str] | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
):  # type: ignore[no-untyped-def]
    """A step: the supplier's form while it may be answered, else the latest submission, read only."""
    submissions = queries.submissions_of_step(step)
    editable = policy.can_answer(current_user, step)
    decide = policy.can_judge_step(current_user, step)
    page = render_template(
        "scars/step.html",
        scar=scar,
        step=step,
        spec=SPECS[step.code],
        editable=editable,
        answer=answers.shown(step.code, answer if answer is not None else step.draft) if editable else {},
        problems=problems or {},
        submissions=submissions,
        latest=submissions[-1] if submissions else None,
        missing=services.missing_before(step) if editable else [],
        can_sign=policy.can_sign_steps(current_user),
        decision_form=(decision_form or DecisionForm(formdata=None)) if decide else None,
        attachments=[a for a in files.attachments_of(scar) if a.step_code == step.code],
        is_overdue=scar_deadlines.is_overdue(step),
        names=NAMES,
        rows_max=ROWS_MAX,
        **LABELS,
    )
    return page, status
