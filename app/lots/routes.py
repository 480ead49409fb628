"""Lots: create, enter or upload the data, attach files, submit; everyone who may see a lot reads it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.utils import secure_filename

from app.attachments.storage import XLSX, AttachmentError, send_attachment
from app.badges import translated
from app.clock import utcnow
from app.forms import ConfirmForm, choices, run_confirmed, show_rule_error
from app.lot_page import render_lot
from app.lots import attachments as lot_attachments
from app.lots import data as lot_data
from app.lots import data_files, grid, pages, queries, services
from app.lots.entry import DataRejectedError
from app.lots.forms import STATE_LABELS, AttachmentForm, LotFilterForm, LotForm, UploadForm
from app.lots.models import Lot
from app.lots.queries import LotFilters
from app.rules import RuleError
from app.security import ANY_ROLE, SUPPLIER, form_view, roles_required
from app.tenancy import get_or_404

bp = Blueprint("lots", __name__)


@bp.route("/lots")
@roles_required(ANY_ROLE)
def index():
    """Lots the user may see, filtered by lot number, part, site, state and date, newest change first."""
    form = LotFilterForm(request.args)
    supplier_id = current_user.supplier_id
    pairs = services.approved_pairs(supplier_id) if supplier_id else []
    form.set_choices(
        sorted({(p.part.id, p.part.part_number) for p in pairs}, key=lambda x: x[1]),
        sorted({(p.site.id, p.site.name) for p in pairs}, key=lambda x: x[1]),
    )
    form.validate()
    filters = LotFilters(
        part_id=form.part.data if not form.part.errors else None,
        site_id=form.site.data if not form.site.errors else None,
        state=form.state.data or None,
        since=form.since.data if not form.since.errors else None,
        number=form.number.data,
    )
    page = queries.lot_page(filters, request.args.get("page", 1, type=int))
    return render_template("lots/index.html", form=form, page=page, states=translated(STATE_LABELS))


@bp.route("/lots/new", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@form_view
def create():
    """Create a lot of an approved part and site; the revision in force and the plan are chosen for it."""
    supplier_id = current_user.supplier_id
    form = LotForm()
    pairs = services.approved_pairs(supplier_id)
    form.site_part.choices = choices(
        [("", _("Choose…"))]
        + [(f"{p.site_id}-{p.part_id}", f"{p.part.part_number} {p.part.name} · {p.site.name}") for p in pairs]
    )
    form.inspector_id.choices = choices((u.id, u.name) for u in services.inspectors(supplier_id))
    if request.method == "GET":
        form.inspector_id.data = current_user.id
        form.inspection_date.data = utcnow().date()
    if form.validate_on_submit():
        site_id, part_id = form.site_and_part()
        data = services.LotInput(
            site_id=site_id,
            part_id=part_id,
            lot_number=form.lot_number.data,
            lot_size=form.lot_size.data,
            production_date=form.production_date.data,
            inspection_date=form.inspection_date.data,
            inspector_id=form.inspector_id.data,
        )
        try:
            lot = services.create_lot(supplier_id, data, current_user)
        except RuleError as error:
            show_rule_error(form, error)
        else:
            flash(_("Lot %(number)s created. Enter its inspection data.", number=lot.lot_number), "success")
            return redirect(url_for("lots.data", lot_id=lot.id))
    return render_template("lots/new.html", form=form, has_pairs=bool(pairs))


@bp.route("/lots/<int:lot_id>")
@roles_required(ANY_ROLE)
def detail(lot_id: int):
    """A lot: its plan, the evaluation of the shown submission, flags, every submission, attachments."""
    # What the page shows of the lot's supplier, part, site and standard revision, in the lot's statement.
    lot = get_or_404(Lot, lot_id, *(joinedload(r) for r in (Lot.supplier, Lot.part, Lot.site, Lot.revision)))
    return render_lot(lot, request.args.get("submission", type=int))


@bp.route("/lots/<int:lot_id>/data", methods=["GET", "POST"])
@roles_required(SUPPLIER)
@form_view
def data(lot_id: int):
    """The data-entry grid and findings list: save as draft, add or remove finding rows, or submit."""
    lot = get_or_404(Lot, lot_id)
    if not lot.is_editable:
        flash(_("Lot %(number)s was submitted and can no longer be changed.", number=lot.lot_number), "info")
        return redirect(url_for("lots.detail", lot_id=lot.id))
    if request.method == "GET":
        return pages.stored_data_page(lot)
    if not ConfirmForm().validate_on_submit():
        flash(
            _("This page was open too long, so nothing was saved. Your input is still here: save again."),
            "warning",
        )
        return pages.posted_data_page(lot, grid.finding_texts_from_form(request.form), status=400)
    action = request.form.get("action", "save")
    rows = grid.finding_texts_from_form(request.form)
    # Adding or removing a finding row carries every typed value through, unsaved (posted_data_page).
    if action == "add_finding":
        return pages.posted_data_page(
            lot, [*rows, dict.fromkeys(grid.FINDING_PARTS, "")], focus="new_finding"
        )
    if action.startswith("remove_finding-"):
        index = int(action.rsplit("-", 1)[1]) if action.rsplit("-", 1)[1].isdigit() else 0
        kept = [r for i, r in enumerate(rows, start=1) if i != index]
        return pages.posted_data_page(lot, kept, focus="add_finding")
    cells = grid.cells_from_form(request.form, lot_data.characteristics_of(lot), lot.sample_size)
    try:
        lot_data.save_entries(lot, cells, grid.findings_from_form(request.form))
    except DataRejectedError as rejected:
        flash(str(rejected), "danger")
        return pages.posted_data_page(lot, rows, rejected.errors, status=422)
    if action != "submit":
        flash(_("Draft saved."), "success")
        return redirect(url_for("lots.data", lot_id=lot.id))
    return _submit(lot)


def _submit(lot: Lot):
    try:
        dataset = services.submit(lot, current_user)
    except DataRejectedError as rejected:
        flash(str(rejected), "danger")
        return pages.stored_data_page(lot, errors=rejected.errors, status=422)
    flash(
        _(
            "Lot %(number)s submitted (submission %(n)d). The brand's quality team will review it.",
            number=lot.lot_number,
            n=dataset.number,
        ),
        "success",
    )
    return redirect(url_for("lots.detail", lot_id=lot.id))


@bp.route("/lots/<int:lot_id>/submit", methods=["POST"])
@roles_required(SUPPLIER)
def submit(lot_id: int):
    """Submit the saved draft for review."""
    lot = get_or_404(Lot, lot_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.submit(lot, current_user)
    except DataRejectedError as rejected:
        flash(str(rejected), "danger")
        return redirect(url_for("lots.data", lot_id=lot.id))
    except RuleError as error:
        flash(str(error), "danger")
        return redirect(url_for("lots.detail", lot_id=lot.id))
    flash(
        _("Lot %(number)s submitted. The brand's quality team will review it.", number=lot.lot_number),
        "success",
    )
    return redirect(url_for("lots.detail", lot_id=lot.id))


@bp.route("/lots/<int:lot_id>/import", methods=["POST"])
@roles_required(SUPPLIER)
@form_view
def import_data(lot_id: int):
    """Replace the draft's values with an uploaded file's, all or nothing."""
    lot = get_or_404(Lot, lot_id)
    form = UploadForm()
    if not form.validate_on_submit():
        errors = [str(e) for e in form.file.errors] or [
            _("This page was open too long. Choose the file again.")
        ]
        flash(errors[0], "danger")
        return pages.stored_data_page(lot)
    try:
        count = lot_data.import_file(lot, form.file.data, current_user)
    except DataRejectedError as rejected:
        flash(str(rejected), "danger")
        return pages.stored_data_page(lot, upload_errors=rejected.errors, status=422)
    except (AttachmentError, RuleError) as error:
        flash(str(error), "danger")
        return pages.stored_data_page(lot, status=422)
    flash(_("%(count)d values imported into the draft. Check them and submit.", count=count), "success")
    return redirect(url_for("lots.data", lot_id=lot.id))


def _download(content: bytes, mimetype: str, name: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_stem(lot: Lot) -> str:
    return secure_filename(f"{lot.part.part_number}_{lot.lot_number}") or f"lot-{lot.id}"


@bp.route("/lots/<int:lot_id>/template.<any(csv, xlsx):kind>")
@roles_required(ANY_ROLE)
def template(lot_id: int, kind: str):
    """The data file template of this lot: one row per sample, one column per characteristic."""
    lot = get_or_404(Lot, lot_id)
    characteristics = lot_data.characteristics_of(lot)
    values = lot_data.values_of(lot_data.working_dataset(lot))
    rows = data_files.wide_rows(characteristics, lot.sample_size, values)
    name = f"{_file_stem(lot)}_data.{kind}"
    if kind == "csv":
        return _download(data_files.csv_bytes(rows), "text/csv", name)
    title = _(
        "%(part)s lot %(lot)s, standard revision %(n)d",
        part=lot.part.part_number,
        lot=lot.lot_number,
        n=lot.revision.number,
    )
    return _download(data_files.xlsx_bytes(rows, characteristics, title), XLSX, name)


@bp.route("/lots/<int:lot_id>/attachments", methods=["POST"])
@roles_required(SUPPLIER)
@form_view
def attach(lot_id: int):
    """Attach a photo, PDF or spreadsheet to the lot."""
    lot = get_or_404(Lot, lot_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.file.errors) or _("Choose the file again."), "danger")
        return redirect(url_for("lots.detail", lot_id=lot.id))
    try:
        link = lot_attachments.attach(lot, form.file.data, form.note.data or "", current_user)
    except RuleError as error:
        flash(str(error), "danger")
    else:
        flash(_("%(name)s attached.", name=link.attachment.filename), "success")
    return redirect(url_for("lots.detail", lot_id=lot.id))


@bp.route("/lots/<int:lot_id>/attachments/<int:attachment_id>")
@roles_required(ANY_ROLE)
def attachment(lot_id: int, attachment_id: int):
    """Download one of the lot's files."""
    lot = get_or_404(Lot, lot_id)
    attachment = lot_attachments.lot_attachment_or_none(lot, attachment_id)
    if attachment is None:
        abort(404)
    return send_attachment(attachment)


@bp.route("/lots/<int:lot_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@roles_required(SUPPLIER)
def remove_attachment(lot_id: int, attachment_id: int):
    """Remove a file from a lot that can still be changed (the stored file stays on record)."""
    lot = get_or_404(Lot, lot_id)
    done, _result = run_confirmed(lambda: lot_attachments.remove_attachment(lot, attachment_id))
    if done:
        flash(_("File removed from the lot."), "success")
    return redirect(url_for("lots.detail", lot_id=lot.id))
