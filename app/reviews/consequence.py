"""What deciding a lot will do to its classes' switching rules, said before the reviewer signs.

The `lot.decided` subscriber (`sampling.subscribers`) feeds each class's sample result into the
rules as the plan judged it, whether the reviewer accepts or rejects; this previews that step on
the stored states without storing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.lots.models import ClassResult, Lot, LotDataset
from app.lots.plans import lot_plan_of
from app.quality.sampling import CLASSES, SamplingPlan
from app.quality.switching import WINDOW, Rule, Transition
from app.sampling import services as sampling
from app.sampling.forms import SEVERITY_WORDS
from app.sampling.models import SwitchingRecord
from app.standards.labels import class_word


@dataclass(frozen=True)
class Consequence:
    """One class: how the lot counts for its switching rules, and what that changes."""

    defect_class: str
    counts_as_accepted: bool
    counts: str  # "This lot counts as accepted … because …"
    effect: str  # "The major class stays on normal inspection." or the switch it causes
    switches: bool  # the inspection severity changes (or inspection stops)


def _counts(cls: str, accepted: bool, result: ClassResult) -> str:
    if accepted:
        return _(
            "This lot counts as accepted for the switching rules of the %(cls)s class, because its "
            "sample met the plan (%(d)d nonconforming, Ac %(ac)d).",
            cls=class_word(cls),
            d=result.nonconforming,
            ac=result.accept,
        )
    return _(
        "This lot counts as not accepted for the switching rules of the %(cls)s class, because its "
        "sample failed the plan (%(d)d nonconforming, Re %(re)d).",
        cls=class_word(cls),
        d=result.nonconforming,
        re=result.reject,
    )


def _effect(cls: str, transition: Transition, accepted: bool) -> str:
    word = class_word(cls)
    severity = str(SEVERITY_WORDS.get(transition.state.severity, transition.state.severity))
    rule = transition.rule
    if rule == Rule.NORMAL_TO_TIGHTENED:
        return _(
            "This moves the %(cls)s class to tightened inspection: 2 lots not accepted within %(n)d "
            "consecutive lots on normal inspection.",
            cls=word,
            n=WINDOW,
        )
    if rule == Rule.NORMAL_TO_REDUCED:
        return _("This moves the %(cls)s class to reduced inspection.", cls=word)
    if rule == Rule.DISCONTINUED:
        return _(
            "This discontinues inspection of the %(cls)s class (5 lots not accepted on tightened "
            "inspection) until a quality manager restores it.",
            cls=word,
        )
    if rule != Rule.STAY:
        return _("This returns the %(cls)s class to normal inspection.", cls=word)
    if transition.state.severity == "normal" and not accepted:
        return _(
            "The %(cls)s class stays on normal inspection; one more lot not accepted within the next "
            "%(n)d lots moves it to tightened inspection.",
            cls=word,
            n=WINDOW - 1,
        )
    return _("The %(cls)s class stays on %(severity)s inspection.", cls=word, severity=severity)


def _consequence(
    cls: str, plan: SamplingPlan, result: ClassResult, row: SwitchingRecord | None
) -> Consequence:
    accepted = result.accepted
    counts = _counts(cls, accepted, result)
    if row is not None and row.discontinued:
        effect = _(
            "Inspection of the %(cls)s class is discontinued: this lot changes nothing until a "
            "quality manager restores it.",
            cls=class_word(cls),
        )
        return Consequence(cls, accepted, counts, effect, False)
    try:
        transition = sampling.preview_lot_result(row, plan, result.nonconforming)
    except ValueError:
        effect = _(
            "The %(cls)s class has moved to another inspection severity since this lot was made, "
            "so its next step cannot be foreseen.",
            cls=class_word(cls),
        )
        return Consequence(cls, accepted, counts, effect, False)
    return Consequence(cls, accepted, counts, _effect(cls, transition, accepted), transition.changed)


def switching_consequences(lot: Lot) -> list[Consequence]:
    """Each class's consequence of deciding the lot on its latest submission (two queries)."""
    latest = select(LotDataset.id).where(LotDataset.lot_id == lot.id, LotDataset.number == lot.submissions)
    results = {
        r.defect_class: r
        for r in db.session.scalars(
            select(ClassResult).where(ClassResult.dataset_id == latest.scalar_subquery())
        )
    }
    if not results:
        return []
    records = sampling.records_of(lot.supplier_id, lot.part_id)
    plans = lot_plan_of(lot).plans
    return [
        _consequence(cls, plans[cls], results[cls], records.get(cls))
        for cls in CLASSES
        if cls in plans and cls in results
    ]
