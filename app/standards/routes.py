"""Standard revisions: view, author (drafts), release, revise, compare; the defect catalogue."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import tenancy
from app.audit.queries import history_for
from app.extensions import db
from app.forms import ConfirmForm, run_confirmed, show_rule_error
from app.parts.services import part_or_404
from app.rules import RuleError
from app.security import ANY_ROLE, INTERNAL, form_view, roles_required
from app.standards import policy, services
from app.standards.diff import diff
from app.standards.forms import DefectForm, RevisionForm
from app.standards.models import DefectCode, Standard, StandardRevision
from app.standards.rows import apply_row_action

bp = Blueprint("standards", __name__)


def _revision_or_404(revision_id: int) -> StandardRevision:
    """A revision the session may see: suppliers see released ones of parts they are approved for."""
    revision = tenancy.get_or_404(StandardRevision, revision_id)
    if tenancy.current_scope(db.session) is not None:
        part_or_404(revision.standard.part_id)
        if revision.is_draft:
            abort(404)
    return revision


@bp.route("/parts/<int:part_id>/standard", methods=["POST"])
@roles_required(policy.AUTHORS)
def start(part_id: int):
    """Start the part's craftsmanship standard with a first draft."""
    part = part_or_404(part_id)
    started, revision = run_confirmed(lambda: services.start_standard(part))
    if not started or revision is None:
        return redirect(url_for("parts.detail", part_id=part.id))
    return redirect(url_for("standards.edit", revision_id=revision.id))


@bp.route("/revisions/<int:revision_id>")
@roles_required(ANY_ROLE)
def view(revision_id: int):
    """A revision with its sampling settings and characteristics."""
    revision = _revision_or_404(revision_id)
    return render_template(
        "standards/view.html", revision=revision, form=ConfirmForm(), history=history_for(revision)
    )


@bp.route("/revisions/<int:revision_id>/edit", methods=["GET", "POST"])
@roles_required(policy.AUTHORS)
@form_view
def edit(revision_id: int):
    """Author a draft: settings and characteristic rows (add, move, remove without JavaScript)."""
    revision = tenancy.get_or_404(StandardRevision, revision_id)
    if not revision.is_draft:
        flash(
            _("Revision %(n)d is released and cannot change. Start a new revision.", n=revision.number),
            "warning",
        )
        return redirect(url_for("standards.view", revision_id=revision.id))
    form = RevisionForm(obj=revision) if request.method == "GET" else RevisionForm()
    action = request.form.get("action", "save")
    if request.method == "POST" and action != "save":
        form = apply_row_action(form, action)
    elif form.validate_on_submit():
        try:
            services.save_draft(revision, form.settings(), form.rows())
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Draft saved."), "success")
            return redirect(url_for("standards.view", revision_id=revision.id))
    return render_template("standards/edit.html", form=form, revision=revision)


@bp.route("/revisions/<int:revision_id>/release", methods=["POST"])
@roles_required(policy.AUTHORS)
def release(revision_id: int):
    """Release a draft; from now on it never changes."""
    revision = tenancy.get_or_404(StandardRevision, revision_id)
    if run_confirmed(lambda: services.release(revision))[0]:
        flash(_("Revision %(n)d is released and now in force.", n=revision.number), "success")
    return redirect(url_for("standards.view", revision_id=revision.id))


@bp.route("/standards/<int:standard_id>/revisions/new", methods=["POST"])
@roles_required(policy.AUTHORS)
def new_revision(standard_id: int):
    """Copy the newest revision into a new draft."""
    standard = tenancy.get_or_404(Standard, standard_id)
    created, draft = run_confirmed(lambda: services.new_revision(standard))
    if not created or draft is None:
        return redirect(url_for("parts.detail", part_id=standard.part_id))
    return redirect(url_for("standards.edit", revision_id=draft.id))


@bp.route("/standards/<int:standard_id>/compare")
@roles_required(INTERNAL)
def compare(standard_id: int):
    """Side-by-side difference between two revisions (default: the last two)."""
    standard = tenancy.get_or_404(Standard, standard_id)
    by_number = {r.number: r for r in standard.revisions}
    if len(by_number) < 2:
        flash(_("This standard has only one revision so far."), "info")
        return redirect(url_for("parts.detail", part_id=standard.part_id))
    numbers = sorted(by_number)
    old = by_number.get(request.args.get("old", type=int) or numbers[-2])
    new = by_number.get(request.args.get("new", type=int) or numbers[-1])
    if old is None or new is None:
        abort(404)
    return render_template("standards/compare.html", standard=standard, numbers=numbers, d=diff(old, new))


@bp.route("/defects/")
@roles_required(ANY_ROLE)
def defects():
    """The defect catalogue shared by every standard."""
    rows = db.session.scalars(select(DefectCode).order_by(DefectCode.code)).all()
    return render_template("standards/defects.html", defects=rows)


@bp.route("/defects/new", methods=["GET", "POST"])
@bp.route("/defects/<int:defect_id>/edit", methods=["GET", "POST"])
@roles_required(policy.DEFECT_CODE_EDITORS)
@form_view
def edit_defect(defect_id: int | None = None):
    """Add or change a catalogue entry."""
    defect = tenancy.get_or_404(DefectCode, defect_id) if defect_id else None
    form = DefectForm(obj=defect)
    if form.validate_on_submit():
        try:
            services.save_defect(defect, **{name: form[name].data for name in services.DEFECT_FIELDS})
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Defect code saved."), "success")
            return redirect(url_for("standards.defects"))
    return render_template("standards/defect_form.html", form=form, defect=defect)
