"""SCAR downloads: the CSV of SCARs with their step dates, and a SCAR's 8D report as PDF."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import Blueprint, Response, request, stream_with_context
from flask_login import current_user
from werkzeug.utils import secure_filename

from app import tenancy
from app.db import utcnow
from app.extensions import db
from app.scars.export import ScarFilters, csv_chunks, export_rows
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
    rows = _in_scope(export_rows(filters), tenancy.current_scope(db.session))
    response = Response(stream_with_context(csv_chunks(rows)), mimetype="text/csv")
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="kensa-scars-{stamp}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _in_scope(rows: Iterator[list[str]], supplier_id: int | None) -> Iterator[list[str]]:
    """The rows, read under the request's supplier scope.

    A streamed body is read after the request's teardown has removed its session, and the tenancy
    scope with it: without this, a supplier user's export would hold every supplier's SCARs.
    """
    tenancy.set_scope(db.session, supplier_id)
    yield from rows


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
