"""API views of parts, revisions and lots: thin, asking the pages' policy questions and calling the
pages' services (app/lots/services.py, app/lots/data.py)."""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import Decimal

from flask import Response, request, url_for
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app import tenancy
from app.api import schemas as s
from app.api.auth import current_token, token_required
from app.api.blueprint import bp
from app.api.idempotency import idempotent
from app.api.io import ProblemError, body, entry_problems, refused, send
from app.api.problems import problem
from app.api.shapes import lot_out, parts_of, revision_of
from app.auth.models import User
from app.extensions import db
from app.lots import data, services
from app.lots.entry import DataRejectedError, RawCell, RawFinding
from app.lots.models import Lot, LotState
from app.lots.policy import can_create_lots, can_edit_lot
from app.parts.services import part_id_by_number
from app.rules import RuleError
from app.standards.routes import _revision_or_404

PAGE_SIZE = 50


@bp.get("/parts")
@token_required
def parts() -> Response:
    return send(parts_of(services.approved_pairs(current_token().supplier_id)))


@bp.get("/revisions/<int:revision_id>")
@token_required
def revision(revision_id: int) -> Response:
    return send(revision_of(_revision_or_404(revision_id)))


def _inspector(email: str) -> User | None:
    """An active user of the token's supplier, who may create lots (the form's inspector list)."""
    supplier_id = current_token().supplier_id
    found = [u for u in services.inspectors(supplier_id) if u.email.lower() == email.strip().lower()]
    return found[0] if found and can_create_lots(found[0]) else None


@bp.post("/lots")
@token_required
@idempotent
def create_lot() -> Response:
    given = body(s.LotIn)
    inspector = _inspector(given.inspector_email)
    part_id = part_id_by_number(given.part_number)
    errors = []
    if inspector is None:
        errors.append({"pointer": "/inspector_email", "detail": "Name an active user of your company."})
    if part_id is None:
        errors.append({"pointer": "/part_number", "detail": "There is no part with this number."})
    if inspector is None or part_id is None:
        raise ProblemError(problem(422, "The lot cannot be created.", errors))
    lot_input = services.LotInput(
        site_id=given.site_id,
        part_id=part_id,
        lot_number=given.lot_number,
        lot_size=given.lot_size,
        production_date=given.production_date,
        inspection_date=given.inspection_date,
        inspector_id=inspector.id,
    )
    try:
        lot = services.create_lot(current_token().supplier_id, lot_input, inspector)
    except RuleError as error:
        raise refused(error) from None
    location = url_for("api.get_lot", lot_id=lot.id)
    return send(lot_out(lot, full=False), 201, {"Location": location})


def _editable_lot(lot_id: int) -> Lot:
    """The token's lot, when its inspector may change it now; 409 when its state forbids it."""
    lot = tenancy.get_or_404(Lot, lot_id)
    if not can_edit_lot(lot.inspector, lot):
        raise ProblemError(problem(409, f"Lot {lot.lot_number} is {lot.state} and can no longer be changed."))
    return lot


def _text(value: str | int | float | bool) -> str:
    """The value as the grid would have it typed: JSON numbers keep the digits they were sent with."""
    if isinstance(value, bool):
        return "pass" if value else "fail"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


@bp.put("/lots/<int:lot_id>/measurements")
@token_required
def put_measurements(lot_id: int) -> Response:
    lot = _editable_lot(lot_id)
    given = body(s.MeasurementsIn)
    by_code = {c.code.upper(): (c, c.id) for c in data.characteristics_of(lot)}
    cells, errors, seen = [], [], set()
    for index, m in enumerate(given.measurements):
        found = by_code.get(m.characteristic.upper())
        if found is None:
            errors.append(
                {"pointer": f"/measurements/{index}/characteristic", "detail": "No such characteristic."}
            )
            continue
        key = (m.sample, found[1])
        if key in seen:
            errors.append(
                {"pointer": f"/measurements/{index}", "detail": "This sample's value is given twice."}
            )
            continue
        seen.add(key)
        value = m.value
        cells.append(RawCell(m.sample, found[0], value if type(value) is str else _text(value), row=index))
    if errors:
        raise ProblemError(problem(422, "Nothing was saved.", errors))
    findings = [
        RawFinding(f.defect_code, f.zone or "", str(f.count), str(f.sample), row=index)
        for index, f in enumerate(given.findings, start=1)
    ]
    try:
        data.save_entries(lot, cells, findings, source="api")
    except DataRejectedError as error:
        raise entry_problems(error.errors, str(error)) from None
    return send(s.SavedOut(lot_id=lot.id, values=len(cells), findings=len(findings)))


@bp.post("/lots/<int:lot_id>/submit")
@token_required
@idempotent
def submit_lot(lot_id: int) -> Response:
    lot = _editable_lot(lot_id)
    try:
        services.submit(lot, lot.inspector)
    except DataRejectedError as error:
        raise entry_problems(error.errors, str(error)) from None
    except RuleError as error:
        raise refused(error, 409) from None
    return send(lot_out(lot))


@bp.get("/lots/<int:lot_id>")
@token_required
def get_lot(lot_id: int) -> Response:
    return send(lot_out(tenancy.get_or_404(Lot, lot_id)))


def _cursor(lot: Lot) -> str:
    return base64.urlsafe_b64encode(f"{lot.updated_at.isoformat()}|{lot.id}".encode()).decode()


def _after(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, _sep, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(stamp), int(ident)
    except ValueError:
        raise ProblemError(
            problem(
                422,
                "The cursor is not one this API gave.",
                [{"pointer": "/cursor", "detail": "Invalid cursor."}],
            )
        ) from None


@bp.get("/lots")
@token_required
def list_lots() -> Response:
    """Newest first (by last change, then id), a page at a time; `next_cursor` names the next page."""
    args = request.args
    if any(not value.isprintable() for value in args.values()):
        raise ProblemError(problem(422, "Query parameters must not contain control characters."))
    query = select(Lot).options(joinedload(Lot.part), joinedload(Lot.inspector), joinedload(Lot.revision))
    errors = []
    if args.get("state"):
        if args["state"] not in set(LotState):
            errors.append({"pointer": "/state", "detail": f"One of {', '.join(LotState)}."})
        query = query.where(Lot.state == args["state"])
    if args.get("part_number"):
        query = query.where(Lot.part_id == part_id_by_number(args["part_number"]))
    if args.get("updated_since"):
        try:
            since = datetime.fromisoformat(args["updated_since"])
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            errors.append({"pointer": "/updated_since", "detail": "An ISO 8601 time with its offset."})
        else:
            query = query.where(Lot.updated_at >= since)
    if errors:
        raise ProblemError(problem(422, "Invalid query parameters.", errors))
    if args.get("cursor"):
        stamp, ident = _after(args["cursor"])
        query = query.where(or_(Lot.updated_at < stamp, and_(Lot.updated_at == stamp, Lot.id < ident)))
    lots = list(db.session.scalars(query.order_by(Lot.updated_at.desc(), Lot.id.desc()).limit(PAGE_SIZE + 1)))
    more = len(lots) > PAGE_SIZE
    lots = lots[:PAGE_SIZE]
    return send(
        s.LotList(
            items=[lot_out(lot, full=False) for lot in lots], next_cursor=_cursor(lots[-1]) if more else None
        )
    )


@bp.errorhandler(ProblemError)
def _problem(error: ProblemError) -> Response:
    db.session.rollback()  # nothing of a refused request is kept
    return error.response
