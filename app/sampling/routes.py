"""Sampling calculator, the supplier's switching status, and switching decisions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.forms import show_rule_error
from app.quality.sampling import lot_plan
from app.rules import RuleError
from app.sampling import services
from app.sampling.forms import CalculatorForm, ReducedForm, RestoreForm
from app.sampling.models import SwitchingRecord
from app.sampling.policy import SWITCHING_EDITORS
from app.security import ANY_ROLE, SUPPLIER, form_view, roles_required
from app.standards.services import revision_in_force
from app.tenancy import get_or_404

bp = Blueprint("sampling", __name__)
CLASSES = ("critical", "major", "minor")
NOW_SEVERITY = {  # whole sentences: a severity's word inside another sentence does not translate well
    "normal": lambda: _("Decision recorded. Inspection is now normal."),
    "tightened": lambda: _("Decision recorded. Inspection is now tightened."),
    "reduced": lambda: _("Decision recorded. Inspection is now reduced."),
}


@bp.route("/sampling/calculator")
@roles_required(ANY_ROLE)
def calculator():
    """Sampling plans for a lot size, with the reasoning (code letter, arrows followed)."""
    form = CalculatorForm(request.args)
    result = None
    if request.args and form.validate():
        aqls = {c: form[f"aql_{c}"].data or None for c in CLASSES}
        if not any(aqls.values()):
            form.form_errors.append(_("Choose an AQL for at least one class."))
        else:
            result = lot_plan(
                form.lot_size.data,
                aqls,
                level=form.level.data,
                severities=form.severity.data,
                scheme=form.scheme.data,
            )
    return render_template("sampling/calculator.html", form=form, result=result)


@bp.route("/sampling/status")
@roles_required(SUPPLIER)
def status():
    """The supplier's inspection severity per part and class, and what earns reduced inspection."""
    return render_template("sampling/status.html", rows=services.supplier_status(current_user.supplier_id))


@bp.route("/switching/<int:record_id>")
@roles_required(ANY_ROLE)
def detail(record_id: int):
    """One supplier part class: its state, history and the quality manager's decisions."""
    row = get_or_404(SwitchingRecord, record_id)
    return render_template(
        "sampling/detail.html",
        row=row,
        history=services.history(row),
        reduced_form=ReducedForm(allowed=row.reduced_allowed),
        restore_form=RestoreForm(),
    )


def _scheme(row: SwitchingRecord) -> str:
    revision = revision_in_force(row.part_id)
    return revision.scheme if revision else "iso2859-1"


@bp.route("/switching/<int:record_id>/reduced", methods=["POST"])
@roles_required(SWITCHING_EDITORS)
@form_view
def set_reduced(record_id: int):
    """Allow or withdraw reduced inspection."""
    row = get_or_404(SwitchingRecord, record_id)
    form = ReducedForm()
    if form.validate_on_submit():
        try:
            services.set_reduced_allowed(row, form.allowed.data, form.reason.data, _scheme(row))
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(NOW_SEVERITY[row.severity](), "success")
            return redirect(url_for("sampling.detail", record_id=row.id))
    return render_template(
        "sampling/detail.html",
        row=row,
        history=services.history(row),
        reduced_form=form,
        restore_form=RestoreForm(),
    )


@bp.route("/switching/<int:record_id>/restore", methods=["POST"])
@roles_required(SWITCHING_EDITORS)
@form_view
def restore(record_id: int):
    """Restore a discontinued supplier part on tightened inspection."""
    row = get_or_404(SwitchingRecord, record_id)
    form = RestoreForm()
    if form.validate_on_submit():
        try:
            services.restore(row, form.reason.data)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Inspection restored on tightened severity."), "success")
            return redirect(url_for("sampling.detail", record_id=row.id))
    return render_template(
        "sampling/detail.html",
        row=row,
        history=services.history(row),
        reduced_form=ReducedForm(allowed=row.reduced_allowed),
        restore_form=form,
    )
