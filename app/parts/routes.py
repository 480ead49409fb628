"""Part pages: the list, a part with its approvals, standard and switching states."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.queries import history_for
from app.extensions import db
from app.forms import ConfirmForm, choices, run_confirmed, show_rule_error
from app.parts import services
from app.parts.forms import ApprovalForm, PartForm
from app.parts.models import PartApproval
from app.parts.policy import PART_EDITORS
from app.rules import RuleError
from app.sampling import services as switching
from app.security import ANY_ROLE, form_view, roles_required
from app.standards.services import standard_of
from app.suppliers.models import Site
from app.tenancy import get_or_404

bp = Blueprint("parts", __name__, url_prefix="/parts")


@bp.route("/")
@roles_required(ANY_ROLE)
def index():
    """Parts: all for the brand's staff, the approved ones for a supplier."""
    return render_template("parts/index.html", parts=services.visible_parts())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(PART_EDITORS)
@form_view
def create():
    """Register a part."""
    form = PartForm()
    if form.validate_on_submit():
        try:
            part = services.create_part(**{f: form[f].data for f in services.PART_FIELDS})
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Part %(number)s created.", number=part.part_number), "success")
            return redirect(url_for("parts.detail", part_id=part.id))
    return render_template("parts/form.html", form=form, part=None)


@bp.route("/<int:part_id>")
@roles_required(ANY_ROLE)
def detail(part_id: int):
    """A part: approvals, its craftsmanship standard, and the switching states."""
    part = services.part_or_404(part_id)
    approvals = services.approvals_of_part(part.id)
    return render_template(
        "parts/detail.html",
        part=part,
        approvals=approvals,
        standard=standard_of(part.id),
        records=switching.records_of_part(part.id),
        form=ConfirmForm(),
        history=history_for(part, *approvals),
    )


@bp.route("/<int:part_id>/edit", methods=["GET", "POST"])
@roles_required(PART_EDITORS)
@form_view
def edit(part_id: int):
    """Change a part's master data."""
    part = get_or_404(services.Part, part_id)
    form = PartForm(obj=part)
    if form.validate_on_submit():
        try:
            services.update_part(part, **{f: form[f].data for f in services.PART_FIELDS})
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Part %(number)s saved.", number=part.part_number), "success")
            return redirect(url_for("parts.detail", part_id=part.id))
    return render_template("parts/form.html", form=form, part=part)


@bp.route("/<int:part_id>/approvals/new", methods=["GET", "POST"])
@roles_required(PART_EDITORS)
@form_view
def approve(part_id: int):
    """Approve a supplier site to make the part."""
    part = get_or_404(services.Part, part_id)
    form = ApprovalForm()
    sites = db.session.scalars(
        select(Site).options(joinedload(Site.supplier)).order_by(Site.supplier_id, Site.name)
    )
    form.site_id.choices = choices((s.id, f"{s.supplier.code} · {s.name}") for s in sites)
    if form.validate_on_submit():
        try:
            services.approve(part, get_or_404(Site, form.site_id.data))
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Approval recorded."), "success")
            return redirect(url_for("parts.detail", part_id=part.id))
    return render_template("parts/approve.html", form=form, part=part)


@bp.route("/approvals/<int:approval_id>/revoke", methods=["POST"])
@roles_required(PART_EDITORS)
def revoke(approval_id: int):
    """Withdraw an approval."""
    approval = get_or_404(PartApproval, approval_id)
    if run_confirmed(lambda: services.revoke(approval))[0]:
        flash(
            _("Approval withdrawn: no new lots from %(site)s for this part.", site=approval.site.name),
            "success",
        )
    return redirect(url_for("parts.detail", part_id=approval.part_id))
