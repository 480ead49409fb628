"""API views of the supplier's SCARs: read only, scoped like the pages."""

from __future__ import annotations

from flask import Response, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import tenancy
from app.api import schemas as s
from app.api.auth import token_required
from app.api.blueprint import bp
from app.api.io import ProblemError, send
from app.api.problems import problem
from app.extensions import db
from app.scars.models import Scar, StepSubmission

PAGE_SIZE = 50


def scar_out(scar: Scar, *, steps: bool) -> s.ScarOut:
    out = s.ScarOut(
        id=scar.id,
        number=scar.number,
        part_number=scar.part.part_number,
        severity=scar.severity,
        title=scar.title,
        problem=scar.problem,
        state=scar.state,
        issued_on=scar.issued_on,
        closed_at=scar.closed_at,
    )
    if steps:
        decided = db.session.scalars(
            select(StepSubmission)
            .where(
                StepSubmission.step_id.in_([step.id for step in scar.steps]),
                StepSubmission.decision.is_not(None),
            )
            .order_by(StepSubmission.step_id, StepSubmission.number)
        ).all()
        out.steps = [
            s.StepOut(
                code=step.code,
                state=step.state,
                due_on=step.due_on,
                comments=[
                    s.CommentOut(
                        submission=d.number,
                        decision=d.decision or "",
                        comment=d.comment,
                        decided_at=d.decided_at,
                    )
                    for d in decided
                    if d.step_id == step.id
                ],
            )
            for step in scar.steps
        ]
    return out


@bp.get("/scars")
@token_required
def list_scars() -> Response:
    """Newest first; `cursor` is the last id of the previous page."""
    query = select(Scar).options(joinedload(Scar.part)).order_by(Scar.id.desc())
    cursor = request.args.get("cursor", "")
    if cursor:
        if not cursor.isdigit() or len(cursor) > 10:
            raise ProblemError(
                problem(
                    422, "Invalid cursor.", [{"pointer": "/cursor", "detail": "Use the next_cursor given."}]
                )
            )
        query = query.where(Scar.id < int(cursor))
    scars = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
    more = len(scars) > PAGE_SIZE
    scars = scars[:PAGE_SIZE]
    return send(
        s.ScarList(
            items=[scar_out(x, steps=False) for x in scars], next_cursor=str(scars[-1].id) if more else None
        )
    )


@bp.get("/scars/<int:scar_id>")
@token_required
def get_scar(scar_id: int) -> Response:
    return send(scar_out(tenancy.get_or_404(Scar, scar_id), steps=True))
