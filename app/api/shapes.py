"""Turning parts, revisions and lots into the API's response models (reads only)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.api import schemas as s
from app.extensions import db
from app.lots import evaluation
from app.lots.data import last_submitted
from app.lots.models import Lot, LotState
from app.lots.plans import lot_plan_of
from app.parts.models import Part, PartApproval
from app.quality.sampling import CLASSES
from app.reviews.models import Signature
from app.standards.models import DefectCode, StandardRevision
from app.standards.services import revision_in_force

DECIDED = frozenset({LotState.ACCEPTED, LotState.REJECTED, LotState.ACCEPTED_ON_DEVIATION})


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def revision_ref(revision: StandardRevision) -> s.RevisionRef:
    return s.RevisionRef(
        id=revision.id, standard=revision.standard.part.part_number, revision=f"R{revision.number}"
    )


def parts_of(approvals: list[PartApproval]) -> s.PartList:
    """The approved (site, part) pairs grouped by part, with the revision in force."""
    by_part: dict[int, tuple[Part, list[s.SiteRef]]] = {}
    for approval in approvals:
        entry = by_part.setdefault(approval.part_id, (approval.part, []))
        entry[1].append(s.SiteRef(id=approval.site.id, name=approval.site.name))
    items = []
    for part, sites in by_part.values():
        revision = revision_in_force(part.id)
        items.append(
            s.PartOut(
                part_number=part.part_number,
                name=part.name,
                product_line=part.product_line,
                sites=sites,
                revision=revision_ref(revision) if revision else None,
            )
        )
    return s.PartList(items=items)


def revision_of(revision: StandardRevision) -> s.RevisionOut:
    codes = db.session.scalars(select(DefectCode).order_by(DefectCode.code))
    return s.RevisionOut(
        id=revision.id,
        part_number=revision.standard.part.part_number,
        revision=f"R{revision.number}",
        state=revision.state,
        characteristics=[
            s.CharacteristicOut(
                code=c.code,
                name=c.name,
                kind=c.kind,
                unit=c.unit,
                nominal=_text(c.nominal),
                lsl=_text(c.lsl),
                usl=_text(c.usl),
                class_=c.defect_class,
                zone=c.zone,
            )
            for c in revision.characteristics
        ],
        sampling=s.SamplingOut(
            scheme=revision.scheme,
            inspection_level=revision.inspection_level,
            aql={cls: revision.aql_for(cls) for cls in CLASSES},
        ),
        defect_codes=[
            s.DefectCodeOut(code=d.code, description=d.description, class_=d.default_class) for d in codes
        ],
    )


def plan_out(lot: Lot) -> dict[str, s.ClassPlanOut]:
    plan = lot_plan_of(lot)
    return {
        cls: s.ClassPlanOut(
            aql=p.aql, sample_size=p.sample_size, accept=p.accept, reject=p.reject, severity=p.severity
        )
        for cls, p in plan.plans.items()
    }


def lot_out(lot: Lot, *, full: bool = True) -> s.LotOut:
    """The lot; with `full`, its last submission's evaluation, flags and the decision."""
    out = s.LotOut(
        id=lot.id,
        lot_number=lot.lot_number,
        part_number=lot.part.part_number,
        site_id=lot.site_id,
        revision_id=lot.revision_id,
        lot_size=lot.lot_size,
        production_date=lot.production_date,
        inspection_date=lot.inspection_date,
        inspector_email=lot.inspector.email,
        state=lot.state,
        sample_size=lot.sample_size,
        plan=plan_out(lot),
        submissions=lot.submissions,
        updated_at=lot.updated_at,
    )
    if not full:
        return out
    dataset = last_submitted(lot)
    if dataset is not None:
        stored = evaluation.stored(dataset)
        out.evaluation = s.EvaluationOut(
            classes={
                c.defect_class: s.ClassResultOut(
                    nonconforming=c.nonconforming, accept=c.accept, reject=c.reject, result=c.verdict
                )
                for c in stored.classes
            },
            characteristics={
                r.characteristic.code: s.CharacteristicResultOut(
                    n=r.n, mean=r.mean, sd=r.sd, cp=r.cp, cpk=r.cpk
                )
                for r in stored.characteristics
            },
        )
        out.flags = [
            s.FlagOut(
                kind=flag.kind,
                characteristic=flag.characteristic.code if flag.characteristic else None,
                sentence=sentence,
            )
            for flag, sentence in stored.flags
        ]
    if lot.state in DECIDED:
        signature = db.session.scalars(
            select(Signature).where(Signature.lot_id == lot.id).order_by(Signature.id.desc()).limit(1)
        ).first()
        out.decision = s.DecisionOut(
            decision=lot.state, decided_at=lot.decided_at, reason=signature.reason if signature else None
        )
    return out
