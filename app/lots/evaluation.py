"""Evaluate a submitted dataset with the pure quality code and store the result beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Float, select, type_coerce
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.lots.entry import Value, places_of
from app.lots.flag_text import explain
from app.lots.models import (
    CharacteristicResult,
    ClassResult,
    Finding,
    IntegrityFlag,
    Lot,
    LotDataset,
    Measurement,
)
from app.lots.plans import lot_plan_of
from app.quality import integrity
from app.quality.evaluation import CharacteristicSpec, FindingInput, evaluate
from app.standards.models import Characteristic, CharacteristicKind

# How many earlier lots of the same supplier and part the integrity checks compare with.
HISTORY_LOTS = 20


@dataclass(frozen=True)
class Outcome:
    recommendation: str
    flag_count: int


@dataclass(frozen=True)
class StoredEvaluation:
    """What the lot page shows of a submission: per characteristic, per class, and the flags explained."""

    characteristics: list[CharacteristicResult]
    classes: list[ClassResult]
    flags: list[tuple[IntegrityFlag, str]]


CLASS_ORDER = {"critical": 0, "major": 1, "minor": 2}


def stored(dataset: LotDataset) -> StoredEvaluation:
    """The evaluation stored with a submitted dataset (three queries)."""
    results = db.session.scalars(
        select(CharacteristicResult)
        .options(joinedload(CharacteristicResult.characteristic))
        .where(CharacteristicResult.dataset_id == dataset.id)
    ).all()
    classes = db.session.scalars(select(ClassResult).where(ClassResult.dataset_id == dataset.id)).all()
    flags = db.session.scalars(
        select(IntegrityFlag)
        .options(joinedload(IntegrityFlag.characteristic))
        .where(IntegrityFlag.dataset_id == dataset.id)
        .order_by(IntegrityFlag.id)
    ).all()
    return StoredEvaluation(
        sorted(results, key=lambda r: r.characteristic.position),
        sorted(classes, key=lambda c: CLASS_ORDER[c.defect_class]),
        [
            (flag, explain(flag.kind, flag.characteristic.name if flag.characteristic else "", flag.params))
            for flag in flags
        ],
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _decimals(values: Sequence[Decimal]) -> int:
    """The recorded resolution: the most digits after the point among the values."""
    return max((places_of(value) for value in values), default=0)


def history(lot: Lot, characteristics: Sequence[Characteristic]) -> dict[str, list[list[float]]]:
    """Values of the latest submission of the supplier's earlier lots of the part, newest first, by code."""
    latest = (
        select(LotDataset.id, LotDataset.submitted_at)
        .join(Lot, Lot.id == LotDataset.lot_id)
        .where(
            Lot.supplier_id == lot.supplier_id,
            Lot.part_id == lot.part_id,
            Lot.id != lot.id,
            LotDataset.submitted_at.is_not(None),
            LotDataset.number == Lot.submissions,
        )
        .order_by(LotDataset.submitted_at.desc(), LotDataset.id.desc())
        .limit(HISTORY_LOTS)
    )
    order = [dataset_id for dataset_id, _ in db.session.execute(latest)]
    if not order:
        return {}
    codes = {c.code for c in characteristics if c.kind == CharacteristicKind.VARIABLE}
    rows = db.session.execute(
        # Read as floats: the checks compute in floats, and Decimal conversion of the history is slow.
        select(Measurement.dataset_id, Characteristic.code, type_coerce(Measurement.value, Float))
        .join(Characteristic, Characteristic.id == Measurement.characteristic_id)
        .where(
            Measurement.dataset_id.in_(order), Measurement.value.is_not(None), Characteristic.code.in_(codes)
        )
        .order_by(Measurement.dataset_id, Measurement.sample)
    )
    by_lot: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for dataset_id, code, value in rows:
        by_lot[code][dataset_id].append(float(value))
    return {code: [lots[d] for d in order if d in lots] for code, lots in by_lot.items()}


def evaluate_and_store(
    lot: Lot,
    dataset: LotDataset,
    characteristics: Sequence[Characteristic],
    values: dict[tuple[int, int], Value],
    findings: Sequence[Finding],
) -> Outcome:
    """Evaluate the (complete) dataset against the lot's plan, flag the data, store both."""
    plan = lot_plan_of(lot)
    n = lot.sample_size
    specs = [
        CharacteristicSpec(
            code=c.code,
            kind=c.kind,
            defect_class=c.defect_class,
            lsl=_float(c.lsl),
            usl=_float(c.usl),
            target=_float(c.nominal),
        )
        for c in characteristics
    ]
    measurements: dict[str, list[float | bool | None]] = {}
    for c in characteristics:
        column = [values.get((sample, c.id)) for sample in range(1, n + 1)]
        measurements[c.code] = [v if isinstance(v, bool) or v is None else float(v) for v in column]
    result = evaluate(
        n,
        specs,
        measurements,
        [FindingInput(f.sample, f.defect_code.default_class, f.count) for f in findings],
        plan.plans,
    )
    # Units with any nonconformity, each counted once: the lot's point on the p-chart.
    dataset.nonconforming = len(set().union(*result.nonconforming_samples.values()))
    by_code = {c.code: c for c in characteristics}
    for row in result.characteristics:
        db.session.add(
            CharacteristicResult(
                supplier_id=lot.supplier_id,
                dataset_id=dataset.id,
                characteristic_id=by_code[row.code].id,
                n=row.n,
                failed=row.failed,
                mean=row.mean,
                sd=row.sd,
                minimum=row.minimum,
                maximum=row.maximum,
                below=row.below,
                above=row.above,
                out_of_spec=row.out_of_spec,
                cp=row.cp,
                cpk=row.cpk,
                cpl=row.cpl,
                cpu=row.cpu,
                cpm=row.cpm,
            )
        )
    for cls in result.classes:
        class_plan = plan.plans[cls.defect_class]
        db.session.add(
            ClassResult(
                supplier_id=lot.supplier_id,
                dataset_id=dataset.id,
                defect_class=cls.defect_class,
                aql=class_plan.aql,
                severity=class_plan.severity,
                sample_size=cls.sample_size,
                accept=cls.accept,
                reject=cls.reject,
                nonconforming=cls.nonconforming,
                verdict=str(cls.verdict),
            )
        )
    flags = _flags(lot, characteristics, values)
    for flag in flags:
        db.session.add(
            IntegrityFlag(
                supplier_id=lot.supplier_id,
                dataset_id=dataset.id,
                characteristic_id=by_code[flag.characteristic].id,
                kind=str(flag.kind),
                params=dict(flag.params),
            )
        )
    db.session.flush()
    return Outcome(result.recommendation, len(flags))


def _flags(
    lot: Lot, characteristics: Sequence[Characteristic], values: dict[tuple[int, int], Value]
) -> list[integrity.Flag]:
    variables = [c for c in characteristics if c.kind == CharacteristicKind.VARIABLE]
    if not variables:
        return []
    past = history(lot, variables)
    series = []
    for c in variables:
        column = [v for s in range(1, lot.sample_size + 1) if isinstance(v := values.get((s, c.id)), Decimal)]
        series.append(
            integrity.Series(
                code=c.code,
                values=[float(v) for v in column],
                decimals=_decimals(column),
                lsl=_float(c.lsl),
                usl=_float(c.usl),
                history=past.get(c.code, []),
            )
        )
    return integrity.check_lot(series)
