"""The audit trail page and its CSV export for the brand's staff; history helpers for templates."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.audit import queries
from app.audit.export import HEADER, csv_cells
from app.audit.forms import AuditFilterForm
from app.audit.names import NAMERS
from app.audit.policy import AUDIT_READERS
from app.audit.texts import changed_fields, describe, record_label, type_label
from app.downloads import streamed_csv
from app.extensions import db
from app.security import roles_required
from app.suppliers.models import Supplier

log = logging.getLogger(__name__)
bp = Blueprint("audit", __name__)


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    suppliers = db.session.execute(select(Supplier.id, Supplier.code).order_by(Supplier.code)).all()
    types = sorted(((t, type_label(t)) for t in NAMERS), key=lambda pair: pair[1])
    form.set_choices([(s.id, s.code) for s in suppliers], types)
    form.validate()
    return form


def _export_args() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key != "page"}


@bp.route("/audit")
@roles_required(AUDIT_READERS)
def index():
    """Every recorded change, newest first, filtered by supplier, record type, action and dates."""
    form = _filter_form()
    page = queries.event_page(form.filters(get_timezone()), request.args.get("page", 1, type=int))
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        names=queries.object_names(page.items),
        export_args=_export_args(),
    )


@bp.route("/audit/export.csv")
@roles_required(AUDIT_READERS)
def export():
    """The filtered trail as CSV, streamed: rows are read and written in batches."""
    filters = _filter_form().filters(get_timezone())
    log.info("audit trail exported by %s with %s", current_user.email, filters)
    return streamed_csv(HEADER, (csv_cells(row) for row in queries.export_rows(filters)), "kensa-audit")


@bp.app_template_global("describe_event")
def describe_event(event: Any) -> str:
    """The event's action in words, for templates."""
    return describe(event)


@bp.app_template_global("event_changes")
def event_changes(event: Any, names: dict[tuple[str, int], str] | None = None) -> list[Any]:
    """The fields the event changed, for templates; referred records named from `names` (object_names)."""
    return changed_fields(event.before, event.after, names)


@bp.app_template_global("history_names")
def history_names(events: list[Any]) -> dict[tuple[str, int], str]:
    """The names a record's history shows (records its changes refer to, people): one query per type."""
    return queries.object_names(events, records=False)


@bp.app_template_global("history_card_shown")
def history_card_shown(events: list[Any]) -> bool:
    """Whether to show a record's history card: a supplier user sees only their supplier's events, so no
    empty card on records (parts, standards) whose every event is the brand's."""
    return bool(events) or not current_user.is_supplier_user


@bp.app_template_global("event_actor")
def event_actor(event: Any, names: dict[tuple[str, int], str] | None = None) -> str:
    """Who acted, by name (the brand's staff too, see `app.auth.people`), or the system (CLI, jobs)."""
    if event.actor is not None:
        return event.actor.name
    if event.actor_id is None:
        return _("System")
    name = (names or {}).get(("User", event.actor_id))
    return name or _("User #%(id)d", id=event.actor_id)


@bp.app_template_global("event_record")
def event_record(event: Any, names: dict[tuple[str, int], str]) -> str:
    """The record the event concerns, named as people name it."""
    return record_label(event.object_type, event.object_id, names.get((event.object_type, event.object_id)))
