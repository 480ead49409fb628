"""SCAR downloads: the CSV of SCARs with their step dates, and a SCAR's 8D report as PDF."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from flask_login import current_user
from werkzeug.utils import secure_filename

from app import tenancy
from app.downloads import streamed_csv
from app.scars.export import HEADER, ScarFilters, export_rows
from app.scars.models import Scar
from app.scars.report import scar_report_pdf
from app.security import ANY_ROLE, roles_required

log = logging.getLogger(__name__)
bp = Blueprint("scar_downloads", __name__)


@bp.route("/scars/export.csv")
@roles_required(ANY_ROLE)
def export():
    """The visible SCARs (filtered by state, supplier, severity) with their step dates, streamed."""
    filters = ScarFilters.from_args(request.args)
    log.info("SCARs exported by %s with %s", current_user.email, filters)
    return streamed_csv(HEADER, export_rows(filters), "kensa-scars")


@bp.route("/scars/<int:scar_id>/report.pdf")
@roles_required(ANY_ROLE)
def report(scar_id: int):
    """A SCAR's 8D report as a PDF: header, problem, linked lots, each step's latest answer and decision."""
    scar = tenancy.get_or_404(Scar, scar_id)
    pdf = scar_report_pdf(scar)
    response = Response(pdf, mimetype="application/pdf")
    name = secure_filename(f"{scar.number}_8D_report.pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
