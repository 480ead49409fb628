"""The CSV of SCARs with their step dates: read in batches of SCARs, one aggregate query per batch.

The queries go through the ORM session, so a supplier user's export holds only their SCARs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, select

from app.downloads import safe_cell
from app.extensions import db
from app.parts.models import Part
from app.scars.models import STEPS, Scar, ScarState, ScarStep, Severity, StepSubmission
from app.suppliers.models import Supplier
from app.tenancy import internal_users

SCAR_COLUMNS = (
    "number",
    "supplier_code",
    "part_number",
    "severity",
    "source",
    "state",
    "title",
    "issued_on",
    "raised_by",
    "reopened",
    "closed_at",
)
STEP_COLUMNS = ("state", "due_on", "first_submitted_at", "accepted_at")
HEADER = (*SCAR_COLUMNS, *(f"{code}_{column}" for code in STEPS for column in STEP_COLUMNS))
BATCH = 500


@dataclass(frozen=True)
class ScarFilters:
    state: str | None = None
    supplier_id: int | None = None
    severity: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ScarFilters:
        """Filters from query arguments; an unknown value filters nothing rather than failing."""
        state, severity, supplier = args.get("state"), args.get("severity"), args.get("supplier", "")
        return cls(
            state=state if state in set(ScarState) else None,
            supplier_id=int(supplier) if supplier.isdigit() else None,
            severity=severity if severity in set(Severity) else None,
        )


def _scars(filters: ScarFilters) -> Select[Any]:
    query = (
        select(
            Scar.id,
            Scar.number,
            Supplier.code,
            Part.part_number,
            Scar.severity,
            Scar.source,
            Scar.state,
            Scar.title,
            Scar.issued_on,
            Scar.raised_by_id,
            Scar.reopened,
            Scar.closed_at,
        )
        .join(Supplier, Supplier.id == Scar.supplier_id)
        .join(Part, Part.id == Scar.part_id)
    )
    if filters.state:
        query = query.where(Scar.state == filters.state)
    if filters.supplier_id is not None:
        query = query.where(Scar.supplier_id == filters.supplier_id)
    if filters.severity:
        query = query.where(Scar.severity == filters.severity)
    return query


def _step_dates(scar_ids: list[int]) -> dict[tuple[int, str], list[object]]:
    """(SCAR id, step code) -> state, due date, first submission time, acceptance time; one query."""
    first_submitted = func.min(StepSubmission.submitted_at)
    rows = db.session.execute(
        select(
            ScarStep.scar_id,
            ScarStep.code,
            ScarStep.state,
            ScarStep.due_on,
            first_submitted,
            ScarStep.accepted_at,
        )
        .outerjoin(StepSubmission, StepSubmission.step_id == ScarStep.id)
        .where(ScarStep.scar_id.in_(scar_ids))
        .group_by(
            ScarStep.id,
            ScarStep.scar_id,
            ScarStep.code,
            ScarStep.state,
            ScarStep.due_on,
            ScarStep.accepted_at,
        )
    )
    return {
        (scar_id, code): [state, due_on, first, accepted]
        for scar_id, code, state, due_on, first, accepted in rows
    }


def _text(value: object) -> object:
    if isinstance(value, datetime):
        # func.min() of a timestamp comes back naive from SQLite; every stored time is UTC.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_rows(filters: ScarFilters) -> Iterator[list[str]]:
    """One row of cells per visible SCAR matching the filters, by SCAR id, formula-like text escaped."""
    # The issuers are the brand's staff, out of a supplier user's scope; their names are few.
    names = {user.id: user.name for user in internal_users()}
    last_id = 0
    while True:
        scars = db.session.execute(
            _scars(filters).where(Scar.id > last_id).order_by(Scar.id).limit(BATCH)
        ).all()
        if not scars:
            return
        steps = _step_dates([row.id for row in scars])
        for row in scars:
            cells = [
                row.number,
                row.code,
                row.part_number,
                row.severity,
                row.source,
                row.state,
                row.title,
                row.issued_on,
                names.get(row.raised_by_id, ""),
                row.reopened,
                row.closed_at,
            ]
            for code in STEPS:
                cells.extend(steps.get((row.id, code), [None] * len(STEP_COLUMNS)))
            yield [safe_cell(_text(cell)) for cell in cells]
        last_id = scars[-1].id
