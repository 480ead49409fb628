"""The review queue and the review actions on a lot: claim, release, decide, deviation, second signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from app.badges import translated
from app.extensions import db
from app.forms import choices, show_rule_error, typed_part_id
from app.lot_page import render_lot
from app.lots.forms import STATE_LABELS
from app.lots.models import DECIDED_STATES, Lot
from app.reviews import assignments, baselines, policy, queue, services
from app.reviews.baseline_forms import FreezeForm, UnfreezeForm, prefix
from app.reviews.forms import QueueFilterForm, ReviewersForm
from app.reviews.pages import action_form
from app.reviews.report import lot_report_pdf
from app.rules import RuleError
from app.security import ANY_ROLE, form_view, roles_required
from app.suppliers.models import Supplier
from app.suppliers.policy import REVIEWER_ASSIGNERS
from app.tenancy import get_or_404

bp = Blueprint("reviews", __name__)


def _decided(decision: str, number: str) -> str:
    if decision == services.Decision.REJECT:
        return _("Lot %(number)s rejected. Your signature is recorded.", number=number)
    if decision == services.Decision.RETURN:
        return _("Lot %(number)s returned to the supplier with your message.", number=number)
    return _("Lot %(number)s accepted. Your signature is recorded.", number=number)


@bp.route("/review")
@roles_required(policy.QUEUE_READERS)
def index():
    """The review queue: waiting lots, the reviewer's own suppliers first, filtered and sorted."""
    form = QueueFilterForm(request.args)
    form.supplier.choices = choices(
        [(0, _("All")), *db.session.execute(select(Supplier.id, Supplier.code).order_by(Supplier.code)).all()]
    )
    form.validate()
    filters = queue.QueueFilters(
        supplier_id=form.supplier.data if not form.supplier.errors else None,
        part_id=typed_part_id(form.part),
        state=form.state.data or None,
        recommendation=form.recommendation.data or None,
        flagged={"yes": True, "no": False}.get(form.flags.data or ""),
        older_than_days=int(form.age.data) if (form.age.data or "").isdigit() else None,
        sort=form.sort.data or "oldest",
    )
    assigned = queue.assigned_supplier_ids(current_user.id)
    summary = queue.summary(current_user.id, filters)
    page = queue.queue_page(
        filters, current_user.id, assigned, summary.matching, request.args.get("page", 1, type=int)
    )
    return render_template(
        "reviews/queue.html",
        form=form,
        page=page,
        summary=summary,
        assigned=assigned,
        states=translated(STATE_LABELS),
    )


def _act(  # type: ignore[no-untyped-def]
    lot: Lot,
    name: str,
    action: Callable[[Any], object],
    done: Callable[[Any], str],
    fields: dict[str, str] | None = None,
):
    """Run a review action from its form: success redirects; a refusal re-shows the page with the input.

    `fields` maps the service's field names to the form's (the lot page's forms use distinct names).
    """
    form = action_form(name)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            flash(
                _("This page was open too long, so nothing was signed. Check your input and sign again."),
                "warning",
            )
        return render_lot(lot, forms={name: form})
    try:
        action(form)
    except services.LotChangedError as changed:
        db.session.rollback()
        lot = get_or_404(Lot, lot.id)
        flash(str(changed), "warning")
        return render_lot(lot, status=409)
    except RuleError as error:
        show_rule_error(form, RuleError(str(error), (fields or {}).get(error.field or "", error.field)))
        if not error.field:
            flash(str(error), "danger")
        return render_lot(lot, forms={name: form}, status=422)
    flash(done(form), "success")
    return redirect(url_for("lots.detail", lot_id=lot.id))


@bp.route("/lots/<int:lot_id>/claim", methods=["POST"])
@roles_required(policy.REVIEWERS)
@form_view
def claim(lot_id: int):
    """Take a submitted lot into review."""
    lot = get_or_404(Lot, lot_id)
    return _act(
        lot,
        "claim",
        lambda form: services.claim(lot, current_user, form.version.data),
        lambda form: _("You are reviewing lot %(number)s.", number=lot.lot_number),
    )


@bp.route("/lots/<int:lot_id>/release", methods=["POST"])
@roles_required(policy.REVIEWERS)
@form_view
def release(lot_id: int):
    """Give a claimed lot back to the queue."""
    lot = get_or_404(Lot, lot_id)
    return _act(
        lot,
        "release",
        lambda form: services.release(lot, current_user, form.version.data),
        lambda form: _("Lot %(number)s is back in the queue.", number=lot.lot_number),
    )


@bp.route("/lots/<int:lot_id>/decision", methods=["POST"])
@roles_required(policy.REVIEWERS)
@form_view
def decide(lot_id: int):
    """Accept, reject or return the lot, with an electronic signature."""
    lot = get_or_404(Lot, lot_id)
    return _act(
        lot,
        "decision",
        lambda form: services.decide(
            lot,
            current_user,
            services.Decision(form.decision.data),
            reason=form.reason.data or "",
            password=form.password.data,
            version=form.version.data,
            address=request.remote_addr or "",
            acknowledged=bool(form.acknowledge.data),
        ),
        lambda form: _decided(form.decision.data, lot.lot_number),
    )


@bp.route("/lots/<int:lot_id>/deviation", methods=["POST"])
@roles_required(policy.REVIEWERS)
@form_view
def deviation(lot_id: int):
    """Ask for acceptance on deviation (the first of two signatures)."""
    lot = get_or_404(Lot, lot_id)
    return _act(
        lot,
        "deviation",
        lambda form: services.request_deviation(
            lot,
            current_user,
            services.DeviationInput(
                form.deviation_reason.data or "", form.quantity.data, form.expires_on.data
            ),
            password=form.deviation_password.data,
            version=form.version.data,
            address=request.remote_addr or "",
        ),
        lambda form: _(
            "Deviation for lot %(number)s signed; it takes effect when a quality manager signs too.",
            number=lot.lot_number,
        ),
        fields={"reason": "deviation_reason", "password": "deviation_password"},
    )


@bp.route("/lots/<int:lot_id>/deviation/signature", methods=["POST"])
@roles_required(policy.REVIEWERS)
@form_view
def second_signature(lot_id: int):
    """A quality manager approves or refuses the requested deviation."""
    lot = get_or_404(Lot, lot_id)
    return _act(
        lot,
        "second",
        lambda form: services.sign_deviation(
            lot,
            current_user,
            approve=form.verdict.data == "approve",
            comment=form.comment.data or "",
            password=form.second_password.data,
            version=form.version.data,
            address=request.remote_addr or "",
        ),
        lambda form: _("Your second signature on lot %(number)s is recorded.", number=lot.lot_number),
        fields={"password": "second_password"},
    )


def _baseline_act(lot: Lot, key: str, action: str, run: Callable[[Any], object], done: str):  # type: ignore[no-untyped-def]
    """Freeze or unfreeze from a chart's form: success returns to the chart; a refusal keeps the input."""
    name = prefix(action, key)
    form = (FreezeForm if action == "freeze" else UnfreezeForm)(prefix=name)
    if form.validate_on_submit():
        try:
            run(form)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("lots.detail", lot_id=lot.id, _anchor=f"chart-{key}"))
    return render_lot(lot, forms={name: form}, status=422)


def _chart_of(lot_id: int, chart: str) -> tuple[Lot, str]:
    lot = get_or_404(Lot, lot_id)
    key = baselines.chart_key(lot, chart)
    if key is None:
        abort(404)
    return lot, key


@bp.route("/lots/<int:lot_id>/charts/<chart>/freeze", methods=["POST"])
@roles_required(policy.BASELINE_KEEPERS)
@form_view
def freeze_baseline(lot_id: int, chart: str):
    """Freeze the limits a chart shows: later lots are judged against them until they are unfrozen."""
    lot, key = _chart_of(lot_id, chart)
    return _baseline_act(
        lot,
        key,
        "freeze",
        lambda form: baselines.freeze(lot, key, current_user, form.reason.data or "", form.basis.data or ""),
        _("Control limits frozen. Later lots are judged against them until they are unfrozen."),
    )


@bp.route("/lots/<int:lot_id>/charts/<chart>/unfreeze", methods=["POST"])
@roles_required(policy.BASELINE_KEEPERS)
@form_view
def unfreeze_baseline(lot_id: int, chart: str):
    """Unfreeze a chart's limits: they are computed from the lots' history again."""
    lot, key = _chart_of(lot_id, chart)
    return _baseline_act(
        lot,
        key,
        "unfreeze",
        lambda form: baselines.unfreeze(lot, key, current_user, form.reason.data or ""),
        _("Control limits unfrozen. The charts compute them from the lots' history again."),
    )


@bp.route("/lots/<int:lot_id>/report.pdf")
@roles_required(ANY_ROLE)
def report(lot_id: int):
    """A decided lot's inspection report as a PDF; charts for the brand's staff only, as on the page."""
    lot = get_or_404(Lot, lot_id)
    if lot.state not in DECIDED_STATES:
        abort(404)
    pdf = lot_report_pdf(lot, with_charts=policy.sees_charts(current_user))
    name = secure_filename(f"{lot.part.part_number}_{lot.lot_number}_inspection_report.pdf")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/suppliers/<int:supplier_id>/reviewers", methods=["GET", "POST"])
@roles_required(REVIEWER_ASSIGNERS)
@form_view
def reviewers(supplier_id: int):
    """Assign the reviewers in charge of a supplier: its lots come first in their queue and notify them."""
    supplier = get_or_404(Supplier, supplier_id)
    form = ReviewersForm()
    form.reviewers.choices = choices(
        (u.id, f"{u.name} ({u.email})") for u in assignments.reviewer_candidates()
    )
    if request.method == "GET":
        form.reviewers.data = [u.id for u in assignments.assigned_reviewers(supplier.id)]
    if form.validate_on_submit():
        try:
            assignments.set_reviewers(supplier, form.reviewers.data or [])
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Reviewers of %(code)s saved.", code=supplier.code), "success")
            return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("reviews/reviewers.html", form=form, supplier=supplier)
