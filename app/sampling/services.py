"""Stored switching states: created on demand, advanced by lot decisions, steered by quality managers."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import acting_user_id, record
from app.extensions import db
from app.parts.models import Part, PartApproval
from app.quality import switching
from app.quality.sampling import SamplingPlan
from app.rules import RuleError
from app.sampling.models import SwitchingEvent, SwitchingRecord
from app.standards.models import DefectClass
from app.standards.services import revision_in_force


def state_of(row: SwitchingRecord) -> switching.SwitchingState:
    """The pure state held by a stored record."""
    data = dict(row.state or {})
    if "recent" in data:
        data["recent"] = tuple(data["recent"])
    return switching.SwitchingState(**data)


def _store(row: SwitchingRecord, transition: switching.Transition, reason: str | None = None) -> None:
    before = row.severity
    state = transition.state
    row.state = {**asdict(state), "recent": list(state.recent)}
    row.severity, row.discontinued = state.severity, state.discontinued
    db.session.add(
        SwitchingEvent(
            supplier_id=row.supplier_id,
            record_id=row.id,
            rule=transition.rule,
            severity_before=before,
            severity_after=state.severity,
            reason=reason or transition.reason,
            actor_id=acting_user_id(),
        )
    )


def record_for(supplier_id: int, part_id: int, defect_class: str) -> SwitchingRecord:
    """The state of (supplier, part, class), created on normal inspection when first needed."""
    row = db.session.scalars(
        select(SwitchingRecord).where(
            SwitchingRecord.supplier_id == supplier_id,
            SwitchingRecord.part_id == part_id,
            SwitchingRecord.defect_class == defect_class,
        )
    ).one_or_none()
    if row is None:
        row = SwitchingRecord(supplier_id=supplier_id, part_id=part_id, defect_class=defect_class, state={})
        db.session.add(row)
        db.session.flush()
    return row


def severity_of(supplier_id: int, part_id: int, defect_class: str) -> str:
    """The severity the next lot of this class is inspected at (normal when nothing is stored)."""
    severity = db.session.scalar(
        select(SwitchingRecord.severity).where(
            SwitchingRecord.supplier_id == supplier_id,
            SwitchingRecord.part_id == part_id,
            SwitchingRecord.defect_class == defect_class,
        )
    )
    return severity or "normal"


def records_of(supplier_id: int, part_id: int) -> dict[str, SwitchingRecord]:
    """The stored states of a supplier's part by class (a class never decided has none)."""
    rows = db.session.scalars(
        select(SwitchingRecord).where(
            SwitchingRecord.supplier_id == supplier_id, SwitchingRecord.part_id == part_id
        )
    )
    return {row.defect_class: row for row in rows}


def preview_lot_result(
    row: SwitchingRecord | None, plan: SamplingPlan, nonconforming: int
) -> switching.Transition:
    """What `apply_lot_result` would do with this class result, stored nowhere (before a lot is decided).

    ValueError when the state no longer matches the plan the lot was inspected with, or is discontinued.
    """
    state = state_of(row) if row is not None else switching.SwitchingState()
    return switching.advance(
        state,
        switching.LotOutcome(plan=plan, nonconforming=nonconforming),
        scheme=plan.scheme,
        reduced_allowed=row.reduced_allowed if row is not None else False,
        production_steady=row.production_steady if row is not None else True,
    )


def apply_lot_result(
    supplier_id: int, part_id: int, defect_class: str, plan: SamplingPlan, nonconforming: int
) -> switching.Transition:
    """Advance the state after a lot decided on original inspection (the caller skips resubmissions)."""
    row = record_for(supplier_id, part_id, defect_class)
    if row.discontinued:
        raise RuleError(_("Inspection of this part is discontinued until a quality manager restores it."))
    transition = switching.advance(
        state_of(row),
        switching.LotOutcome(plan=plan, nonconforming=nonconforming),
        scheme=plan.scheme,
        reduced_allowed=row.reduced_allowed,
        production_steady=row.production_steady,
    )
    _store(row, transition)
    if transition.changed:
        record("switching.changed", row, after={"rule": transition.rule, "severity": row.severity})
    return transition


def set_reduced_allowed(row: SwitchingRecord, allowed: bool, reason: str, scheme: str) -> None:
    """A quality manager allows (or withdraws) reduced inspection; takes effect at once if earned."""
    if not reason.strip():
        raise RuleError(_("Give the reason for this decision."), "reason")
    before = {"reduced_allowed": row.reduced_allowed, "severity": row.severity}
    row.reduced_allowed = allowed
    if not row.discontinued:
        transition = switching.reconsider(
            state_of(row), scheme=scheme, reduced_allowed=allowed, production_steady=row.production_steady
        )
        _store(row, transition, reason=f"{transition.reason} {reason}")
    record(
        "switching.reduced_allowed" if allowed else "switching.reduced_withdrawn",
        row,
        before=before,
        after={"reduced_allowed": allowed, "severity": row.severity, "reason": reason},
    )


def restore(row: SwitchingRecord, reason: str) -> None:
    """A quality manager restores a discontinued supplier part: inspection restarts on tightened."""
    if not reason.strip():
        raise RuleError(
            _("Give the reason for restoring, for example the corrective action taken."), "reason"
        )
    if not row.discontinued:
        raise RuleError(_("This supplier part is not discontinued."))
    state = switching.restore(state_of(row))
    _store(row, switching.Transition(state=state, changed=True, rule=switching.Rule.STAY, reason=reason))
    record(
        "switching.restored",
        row,
        before={"discontinued": True},
        after={"severity": "tightened", "reason": reason},
    )


def records_of_part(part_id: int) -> list[SwitchingRecord]:
    """Stored states of a part, visible to the session, ordered by supplier and class."""
    order = {c.value: i for i, c in enumerate(DefectClass)}
    rows = db.session.scalars(
        select(SwitchingRecord)
        .options(joinedload(SwitchingRecord.supplier))
        .where(SwitchingRecord.part_id == part_id)
    ).all()
    return sorted(rows, key=lambda r: (r.supplier_id, order[r.defect_class]))


def history(row: SwitchingRecord) -> list[SwitchingEvent]:
    """The record's switching history, newest first."""
    return list(
        db.session.scalars(
            select(SwitchingEvent)
            .where(SwitchingEvent.record_id == row.id)
            .order_by(SwitchingEvent.id.desc())
        )
    )


@dataclass(frozen=True)
class ClassStatus:
    """Where one class of one approved part stands, for the supplier's sampling page."""

    part: Part
    defect_class: str
    aql: str
    severity: str
    discontinued: bool
    requirements: str
    record_id: int | None


def supplier_status(supplier_id: int) -> list[ClassStatus]:
    """Severity and the way to reduced inspection for each class of each part the supplier is approved for."""
    parts = db.session.scalars(
        select(Part)
        .where(
            Part.id.in_(
                select(PartApproval.part_id).where(
                    PartApproval.supplier_id == supplier_id, PartApproval.revoked_at.is_(None)
                )
            )
        )
        .order_by(Part.part_number)
    ).all()
    stored = {
        (r.part_id, r.defect_class): r
        for r in db.session.scalars(select(SwitchingRecord).where(SwitchingRecord.supplier_id == supplier_id))
    }
    rows = []
    for part in parts:
        revision = revision_in_force(part.id)
        if revision is None:
            continue
        for defect_class in DefectClass:
            aql = revision.aql_for(defect_class)
            if aql is None:
                continue
            row = stored.get((part.id, defect_class.value))
            state = state_of(row) if row else switching.SwitchingState()
            needs = switching.reduced_requirements(state, revision.scheme).text
            rows.append(
                ClassStatus(
                    part,
                    defect_class.value,
                    aql,
                    state.severity,
                    state.discontinued,
                    needs,
                    row.id if row else None,
                )
            )
    return rows
