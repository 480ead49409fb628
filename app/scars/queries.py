"""Reading SCARs: the filtered list, each SCAR's progress, its timeline, and a lot's problem in words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, bindparam, case, exists, func, select
from sqlalchemy.orm import joinedload

from app.clock import utcnow
from app.extensions import db
from app.lots import data as lot_data
from app.lots import evaluation
from app.lots.models import Lot, LotState
from app.matching import exact_first, number_contains
from app.pagination import Page, page_number
from app.parts.models import Part
from app.scars.deadlines import is_overdue
from app.scars.models import Scar, ScarLot, ScarState, ScarStep, Severity, StepState, StepSubmission
from app.standards.labels import class_word
from app.suppliers.models import Supplier

PER_PAGE = 50
# Lots offered as links on the new-SCAR form: the supplier's latest of the part.
LOT_CHOICES = 40


@dataclass(frozen=True)
class ScarFilters:
    state: str | None = None
    supplier_id: int | None = None
    part_id: int | None = None
    severity: str | None = None
    overdue: bool = False
    waiting_for_brand: bool = False  # a step was submitted and waits to be accepted or returned


@dataclass(frozen=True)
class Progress:
    """Where a SCAR's 8D stands: the first step not accepted, the nearest due date, the late steps."""

    current: ScarStep | None
    next_due: date | None
    overdue: list[str]


def progress_of(scar: Scar, today: date | None = None) -> Progress:
    """The SCAR's progress from its (loaded) steps."""
    return _progress(scar.steps, today or utcnow().date())


def _progress(steps: Sequence[ScarStep], today: date) -> Progress:
    """From the steps in code order."""
    waiting = [step for step in steps if step.state != StepState.ACCEPTED]
    return Progress(
        current=waiting[0] if waiting else None,
        next_due=min((step.due_on for step in waiting), default=None),
        overdue=[step.code for step in waiting if is_overdue(step, today)],
    )


@dataclass(frozen=True)
class ListProgress:
    """Where a SCAR of a list stands: its first step not accepted (code and state; None when all are
    accepted), the nearest due date of the steps not accepted, and how many of them are late."""

    code: str | None
    state: str | None
    next_due: date | None
    late: int


def progress_by_scar(scar_ids: Sequence[int], today: date | None = None) -> dict[int, ListProgress]:
    """Each SCAR's progress for a list, in one query: one row per SCAR from its steps not accepted,
    ranked and summed in SQL (a page of 50 open SCARs has some 400 such steps; the list needs no step
    objects and no JSON drafts)."""
    today = today or utcnow().date()
    per_scar = {"partition_by": ScarStep.scar_id}
    waiting = (
        select(
            ScarStep.scar_id,
            ScarStep.code,
            ScarStep.state,
            func.row_number().over(**per_scar, order_by=ScarStep.code).label("place"),
            func.min(ScarStep.due_on).over(**per_scar).label("next_due"),
            func.sum(case((ScarStep.due_on < today, 1), else_=0)).over(**per_scar).label("late"),
        )
        # The page's ids written into the SQL: as 50 parameters, the statement was past psycopg's cache
        # of converted queries (at most 50 parameters), which parsed it again on every view (~1 ms).
        .where(
            ScarStep.scar_id.in_(bindparam("scar_ids", list(scar_ids), expanding=True, literal_execute=True)),
            ScarStep.state != StepState.ACCEPTED,
        )
        .subquery()
    )
    progress = dict.fromkeys(scar_ids, ListProgress(None, None, None, 0))
    for row in db.session.execute(select(waiting).where(waiting.c.place == 1)):
        progress[row.scar_id] = ListProgress(row.code, row.state, row.next_due, int(row.late))
    return progress


def _overdue_clause(today: date) -> Any:
    return exists().where(
        ScarStep.scar_id == Scar.id, ScarStep.state != StepState.ACCEPTED, ScarStep.due_on < today
    )


def _criteria(filters: ScarFilters, today: date) -> list[Any]:
    criteria: list[Any] = []
    if filters.state in set(ScarState):
        criteria.append(Scar.state == filters.state)
    if filters.supplier_id:
        criteria.append(Scar.supplier_id == filters.supplier_id)
    if filters.part_id:
        criteria.append(Scar.part_id == filters.part_id)
    if filters.severity in set(Severity):
        criteria.append(Scar.severity == filters.severity)
    if filters.overdue:
        criteria.append(_overdue_clause(today))
    if filters.waiting_for_brand:
        criteria.append(exists().where(ScarStep.scar_id == Scar.id, ScarStep.state == StepState.SUBMITTED))
    return criteria


def scars_numbered(text: str, limit: int) -> list[Row[Any]]:
    """SCARs visible to the session whose number contains `text`, exact matches first (the header's
    search): id, number, title, state, part number and supplier code."""
    query = (
        select(
            Scar.id,
            Scar.number,
            Scar.title,
            Scar.state,
            Part.part_number,
            Supplier.code.label("supplier_code"),
        )
        .join(Part, Part.id == Scar.part_id)
        .join(Supplier, Supplier.id == Scar.supplier_id)
        .where(number_contains(Scar.number, text))
        .order_by(exact_first(Scar.number, text), Scar.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).all())


def scar_page(filters: ScarFilters, number: int = 1, per_page: int = PER_PAGE) -> Page[Row[Any]]:
    """One page of the SCARs visible to the session, newest first, as rows of what the list shows
    (with the supplier's code and the part number); `progress_by_scar` tells where each stands."""
    criteria = _criteria(filters, utcnow().date())
    total = db.session.scalar(select(func.count(Scar.id)).where(*criteria)) or 0
    number = page_number(number, total, per_page)
    items = db.session.execute(
        select(
            Scar.id,
            Scar.number,
            Scar.severity,
            Scar.title,
            Scar.state,
            Scar.reopened,
            Supplier.code.label("supplier_code"),
            Part.part_number,
        )
        .join(Supplier, Supplier.id == Scar.supplier_id)
        .join(Part, Part.id == Scar.part_id)
        .where(*criteria)
        .order_by(Scar.issued_on.desc(), Scar.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    ).all()
    return Page(list(items), total, number, per_page)


def supplier_choices() -> list[tuple[int, str]]:
    return [
        (i, code)
        for i, code in db.session.execute(select(Supplier.id, Supplier.code).order_by(Supplier.code))
    ]


def part_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Part.id, Part.part_number, Part.name).order_by(Part.part_number))
    return [(i, f"{number} {name}") for i, number, name in rows]


def lot_choices(supplier_id: int | None, part_id: int | None, keep: Sequence[int] = ()) -> list[Lot]:
    """The supplier's latest submitted lots of the part (and the lots in `keep`), newest first."""
    if not supplier_id or not part_id:
        return []
    pair = (Lot.supplier_id == supplier_id, Lot.part_id == part_id)
    latest = db.session.scalars(
        select(Lot)
        .where(*pair, Lot.state != LotState.DRAFT)
        .order_by(Lot.inspection_date.desc(), Lot.id.desc())
        .limit(LOT_CHOICES)
    ).all()
    missing = set(keep) - {lot.id for lot in latest}
    extra = db.session.scalars(select(Lot).where(*pair, Lot.id.in_(missing))).all() if missing else []
    return [*extra, *latest]


def scars_of_lot(lot_id: int) -> list[Scar]:
    """The SCARs a lot is linked to, as the session may see them."""
    return list(
        db.session.scalars(
            select(Scar)
            .join(ScarLot, ScarLot.scar_id == Scar.id)
            .where(ScarLot.lot_id == lot_id)
            .order_by(Scar.id)
        )
    )


def linked_lots(scar: Scar) -> list[ScarLot]:
    return list(
        db.session.scalars(
            select(ScarLot)
            .options(joinedload(ScarLot.lot))
            .where(ScarLot.scar_id == scar.id)
            .order_by(ScarLot.created_at, ScarLot.id)
        )
    )


def submissions_of_step(step: ScarStep) -> list[StepSubmission]:
    """Every submission of one step, the first first."""
    return list(
        db.session.scalars(
            select(StepSubmission).where(StepSubmission.step_id == step.id).order_by(StepSubmission.number)
        )
    )


def latest_by_step(timeline: Sequence[StepSubmission]) -> dict[int, StepSubmission]:
    """The newest submission of each step, by step id, from the SCAR's timeline."""
    latest: dict[int, StepSubmission] = {}
    for submission in timeline:
        if submission.step_id not in latest or submission.number > latest[submission.step_id].number:
            latest[submission.step_id] = submission
    return latest


# --- A lot's problem, for a SCAR raised from it ------------------------------------------------


def _limits(characteristic: Any) -> str:
    lsl, usl, unit = characteristic.lsl, characteristic.usl, characteristic.unit or ""
    if lsl is not None and usl is not None:
        return f"{lsl:g}–{usl:g} {unit}".strip()
    if lsl is not None:
        return f"≥ {lsl:g} {unit}".strip()
    if usl is not None:
        return f"≤ {usl:g} {unit}".strip()
    return ""


def _characteristic_line(result: Any) -> str | None:
    c = result.characteristic
    if c.kind == "attribute":
        return (
            _("%(code)s %(name)s: %(n)d failed", code=c.code, name=c.name, n=result.failed)
            if result.failed
            else None
        )
    if not (result.below or result.above):
        return None
    return _(
        "%(code)s %(name)s: %(below)d below and %(above)d above the limits (%(limits)s);"
        " min %(min)g, max %(max)g",
        code=c.code,
        name=c.name,
        below=result.below,
        above=result.above,
        limits=_limits(c),
        min=result.minimum,
        max=result.maximum,
    )


def lot_problem(lot: Lot) -> str:
    """A problem statement from a lot's latest submission: failed classes, characteristics, findings."""
    submitted = [d for d in lot_data.datasets_of(lot) if d.is_submitted]
    lines = [
        _(
            "Lot %(number)s of %(part)s (%(size)d pieces, inspected %(date)s) was rejected.",
            number=lot.lot_number,
            part=lot.part.part_number,
            size=lot.lot_size,
            date=lot.inspection_date.isoformat(),
        )
        if lot.state == LotState.REJECTED
        else _("Lot %(number)s of %(part)s.", number=lot.lot_number, part=lot.part.part_number)
    ]
    if not submitted:
        return "\n".join(lines)
    shown = submitted[-1]
    stored = evaluation.stored(shown)
    failed = [c for c in stored.classes if not c.accepted]
    if failed:
        lines += ["", _("Classes failed (submission %(n)d):", n=shown.number)]
        lines += [
            "- "
            + _(
                "%(cls)s: %(bad)d nonconforming of %(n)d samples (Ac %(ac)d, Re %(re)d)",
                cls=class_word(c.defect_class),
                bad=c.nonconforming,
                n=c.sample_size,
                ac=c.accept,
                re=c.reject,
            )
            for c in failed
        ]
    out = [line for line in (_characteristic_line(r) for r in stored.characteristics) if line]
    if out:
        lines += ["", _("Characteristics out of specification:"), *(f"- {line}" for line in out)]
    findings = lot_data.findings_of(shown)
    if findings:
        lines += ["", _("Findings:")]
        lines += [
            "- "
            + _(
                "sample %(s)d: %(code)s %(text)s × %(count)d, zone %(zone)s",
                s=f.sample,
                code=f.defect_code.code,
                text=f.defect_code.description,
                count=f.count,
                zone=f.zone or "—",
            )
            for f in findings
        ]
    return "\n".join(lines)
