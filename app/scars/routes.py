"""SCAR pages: the list, raising one, its page with the 8D timeline, each step's form and decision."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.attachments.storage import send_attachment
from app.audit.queries import history_of_records
from app.badges import translated
from app.forms import ConfirmForm, choices, show_rule_error, typed_part_id
from app.lots.models import Lot
from app.rules import RuleError
from app.scars import answers, files, queries, services
from app.scars import deadlines as scar_deadlines
from app.scars.forms import SEVERITY_LABELS, DecisionForm, PolicyForm, ScarFilterForm, ScarForm
from app.scars.models import STEPS, Scar, ScarStep, Severity, Source
from app.scars.pages import LABELS, attachment_form, due_date_form, render_scar, render_step
from app.scars.policy import ANSWERERS, DEADLINE_EDITORS, ISSUERS, can_raise_scar
from app.security import ANY_ROLE, form_view, roles_required
from app.tenancy import get_or_404

bp = Blueprint("scars", __name__)


@bp.route("/scars")
@roles_required(ANY_ROLE)
def index():
    """SCARs the user may see, filtered by state, supplier, part, severity and overdue, newest first."""
    form = ScarFilterForm(request.args)
    suppliers = queries.supplier_choices() if current_user.is_internal else []
    form.supplier.choices = choices([(0, _("All")), *suppliers])
    form.validate()
    filters = queries.ScarFilters(
        state=form.state.data or None,
        supplier_id=form.supplier.data if current_user.is_internal and not form.supplier.errors else None,
        part_id=typed_part_id(form.part),
        severity=form.severity.data or None,
        overdue=form.overdue.data == "yes",
        waiting_for_brand=form.waiting.data == "brand",
    )
    page = queries.scar_page(filters, request.args.get("page", 1, type=int))
    return render_template(
        "scars/index.html",
        form=form,
        page=page,
        progress=queries.progress_by_scar([scar.id for scar in page.items]),
        can_raise=can_raise_scar(current_user),
        **{**LABELS, **{name: translated(LABELS[name]) for name in ("severities", "states", "step_states")}},
    )


def _prefill(form: ScarForm, lot: Lot) -> None:
    form.supplier_id.data, form.part_id.data = lot.supplier_id, lot.part_id
    form.source.data = Source.LOT
    form.title.data = _("Lot %(number)s rejected", number=lot.lot_number)
    form.problem.data = queries.lot_problem(lot)
    form.lot_ids.data = [lot.id]


@bp.route("/scars/new", methods=["GET", "POST"])
@roles_required(ISSUERS)
@form_view
def create():
    """Raise a SCAR; `?lot=<id>` fills it in from a (rejected) lot, linked to it."""
    form = ScarForm()
    form.supplier_id.choices = choices([(0, _("Choose…")), *queries.supplier_choices()])
    form.part_id.choices = choices([(0, _("Choose…")), *queries.part_choices()])
    lot_id = request.args.get("lot", type=int)
    if request.method == "GET":
        form.severity.data = Severity.MAJOR
        if lot_id:
            _prefill(form, get_or_404(Lot, lot_id))
    lots = queries.lot_choices(form.supplier_id.data, form.part_id.data, form.lot_ids.data or [])
    lots.sort(key=lambda lot: lot.id != lot_id)  # the lot it is raised from first
    form.lot_ids.choices = choices((lot.id, lot.lot_number) for lot in lots)
    # "Show the lots" re-shows the form with the lots of the supplier and part just chosen.
    if request.form.get("action") != "lots" and form.validate_on_submit():
        try:
            scar = services.raise_scar(_scar_input(form, lot_id), current_user)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("%(number)s issued to %(code)s.", number=scar.number, code=scar.supplier.code), "success")
            return redirect(url_for("scars.detail", scar_id=scar.id))
    return render_template(
        "scars/new.html", form=form, lots={lot.id: lot for lot in lots}, source_lot=lot_id, **LABELS
    )


def _scar_input(form: ScarForm, source_lot_id: int | None) -> services.ScarInput:
    """The form's SCAR; the lot it is raised from goes first, as the service links the first as "raised"."""
    return services.ScarInput(
        supplier_id=form.supplier_id.data,
        part_id=form.part_id.data,
        severity=form.severity.data,
        source=form.source.data,
        title=form.title.data,
        problem=form.problem.data,
        lot_ids=sorted(form.lot_ids.data or [], key=lambda i: i != source_lot_id),
    )


@bp.route("/scars/<int:scar_id>")
@roles_required(ANY_ROLE)
def detail(scar_id: int):
    """A SCAR: its header, problem, lots, 8D steps, timeline, files and history."""
    return render_scar(get_or_404(Scar, scar_id))


def _step(scar_id: int, code: str) -> tuple[Scar, ScarStep]:
    scar = get_or_404(Scar, scar_id)
    if code not in STEPS:
        abort(404)
    return scar, services.step_of(scar, code)


@bp.route("/scars/<int:scar_id>/steps/<code>")
@roles_required(ANY_ROLE)
def step(scar_id: int, code: str):
    """A step: the supplier's form while it may be answered, else what was submitted."""
    return render_step(*_step(scar_id, code))


@bp.route("/scars/<int:scar_id>/steps/<code>", methods=["POST"])
@roles_required(ANSWERERS)
@form_view
def answer_step(scar_id: int, code: str):
    """The supplier saves a draft, adds or removes table rows, or a manager signs and submits."""
    scar, step = _step(scar_id, code)
    action = answers.parse_action(code, request.form.get("action", "save"))
    typed = answers.answer_from_form(code, request.form, compact=action.kind not in ("add", "remove"))
    if not ConfirmForm().validate_on_submit():
        flash(
            _("This page was open too long, so nothing was saved. Your input is still here: save again."),
            "warning",
        )
        return render_step(scar, step, answer=typed, status=400)
    if action.kind == "add":
        return render_step(scar, step, answer=answers.with_row_added(code, typed, action.field or ""))
    if action.kind == "remove":
        return render_step(
            scar, step, answer=answers.with_row_removed(code, typed, action.field or "", action.row or 0)
        )
    return _save_or_submit(scar, step, typed, submit=action.kind == "submit")


def _save_or_submit(scar: Scar, step: ScarStep, typed: dict[str, Any], *, submit: bool):  # type: ignore[no-untyped-def]
    """Save the draft, or sign and submit the answer; a refusal re-shows everything typed (422)."""
    if submit:
        return _submit(scar, step, typed)
    try:
        services.save_draft(step, typed, current_user)
    except RuleError as error:
        flash(str(error), "danger")
        return render_step(scar, step, answer=typed, problems=getattr(error, "problems", {}), status=422)
    flash(_("Draft of %(code)s saved.", code=step.code), "success")
    return redirect(url_for("scars.step", scar_id=scar.id, code=step.code))


def _submit(scar: Scar, step: ScarStep, typed: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Submit the answer signed; when refused, keep what can be kept as the draft."""
    password, address = request.form.get("password", ""), request.remote_addr or ""
    try:
        submission = services.submit_step(step, typed, current_user, password=password, address=address)
    except RuleError as refused:
        message = str(refused)
        if _saved(step, typed):
            message = _("%(reason)s Your work is saved as a draft.", reason=message)
        flash(message, "danger")
        return render_step(scar, step, answer=typed, problems=getattr(refused, "problems", {}), status=422)
    flash(
        _(
            "Step %(code)s submitted (submission %(n)d); the brand will accept or return it.",
            code=step.code,
            n=submission.number,
        ),
        "success",
    )
    return redirect(url_for("scars.detail", scar_id=scar.id))


def _saved(step: ScarStep, typed: dict[str, Any]) -> bool:
    try:
        services.save_draft(step, typed, current_user)
    except RuleError:
        return False
    return True


@bp.route("/scars/<int:scar_id>/steps/<code>/decision", methods=["POST"])
@roles_required(ISSUERS)
@form_view
def decide(scar_id: int, code: str):
    """Accept the submitted step, or return it with a comment."""
    scar, step = _step(scar_id, code)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_step(scar, step, decision_form=form)
    accept = form.decision.data == "accept"
    try:
        services.decide_step(step, current_user, accept=accept, comment=form.comment.data or "")
    except RuleError as error:
        if error.field:
            show_rule_error(form, error)
        else:
            flash(str(error), "danger")
        return render_step(scar, step, decision_form=form, status=422)
    if accept:
        flash(_("Step %(code)s accepted.", code=step.code), "success")
    else:
        flash(
            _(
                "Step %(code)s returned to %(supplier)s with your comment.",
                code=step.code,
                supplier=scar.supplier.code,
            ),
            "success",
        )
    return redirect(url_for("scars.detail", scar_id=scar.id))


@bp.route("/scars/<int:scar_id>/steps/<code>/due-date", methods=["POST"])
@roles_required(ISSUERS)
@form_view
def change_due_date(scar_id: int, code: str):
    """Move one step's due date (an agreed extension), with the reason."""
    scar, step = _step(scar_id, code)
    form = due_date_form(step, request.form)
    if not form.validate_on_submit():
        return render_scar(scar, due_forms={code: form})
    try:
        scar_deadlines.change_due_date(step, form.due_on.data, form.reason.data or "", current_user)
    except RuleError as error:
        show_rule_error(form, error)
        flash(
            _("The due date of %(code)s was not changed: %(reason)s", code=code, reason=str(error)), "danger"
        )
        return render_scar(scar, due_forms={code: form}, status=422)
    flash(_("%(code)s is now due on %(date)s.", code=step.code, date=step.due_on.isoformat()), "success")
    return redirect(url_for("scars.detail", scar_id=scar.id))


@bp.route("/scars/<int:scar_id>/attachments", methods=["POST"])
@roles_required(ANSWERERS, ISSUERS)
@form_view
def attach(scar_id: int):
    """Add a photo, PDF or spreadsheet as evidence to the SCAR or one of its steps."""
    scar = get_or_404(Scar, scar_id)
    form = attachment_form(request.form)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.file.errors) or _("Choose the file again."), "danger")
        return redirect(url_for("scars.detail", scar_id=scar.id))
    try:
        link = files.attach(
            scar, form.file.data, form.note.data or "", form.step_code.data or None, current_user
        )
    except RuleError as error:
        flash(str(error), "danger")
    else:
        flash(_("%(name)s attached.", name=link.attachment.filename), "success")
    return redirect(url_for("scars.detail", scar_id=scar.id))


@bp.route("/scars/<int:scar_id>/attachments/<int:attachment_id>")
@roles_required(ANY_ROLE)
def attachment(scar_id: int, attachment_id: int):
    """Download one of the SCAR's files (the SCAR is loaded through tenancy first)."""
    scar = get_or_404(Scar, scar_id)
    found = files.scar_attachment_or_none(scar, attachment_id)
    if found is None:
        abort(404)
    return send_attachment(found)


@bp.route("/scars/deadlines", methods=["GET", "POST"])
@roles_required(DEADLINE_EDITORS)
@form_view
def deadlines():
    """The deadline policy per severity: days to each stage's due date, and lots checked after D8."""
    policies = {severity: scar_deadlines.policy_for(severity) for severity in Severity}
    forms = {s: PolicyForm(prefix=s, formdata=None, obj=policy) for s, policy in policies.items()}
    severity, status = request.form.get("severity", ""), 200
    if request.method == "POST" and severity in policies:
        form = forms[Severity(severity)] = PolicyForm(prefix=severity)
        if form.validate_on_submit():
            if _set_policy(form, Severity(severity)):
                label = SEVERITY_LABELS[Severity(severity)]
                flash(_("Deadlines of %(severity)s SCARs saved.", severity=label), "success")
                return redirect(url_for("scars.deadlines"))
            status = 422
    history = history_of_records(("DeadlinePolicy", policy.id) for policy in policies.values())
    return render_template(
        "scars/deadlines.html", forms=forms, history=history, severities=SEVERITY_LABELS
    ), status


def _set_policy(form: PolicyForm, severity: Severity) -> bool:
    days = (
        form.containment_days.data,
        form.root_cause_days.data,
        form.actions_days.data,
        form.closure_days.data,
    )
    try:
        scar_deadlines.set_policy(severity, days, form.effectiveness_lots.data)  # type: ignore[arg-type]
    except RuleError as error:
        show_rule_error(form, error)
        return False
    return True
