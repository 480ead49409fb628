"""The nonconforming samples behind each class's count, by the evaluation's rules (#14)."""

from __future__ import annotations

from decimal import Decimal

from app.lots.models import Finding
from app.reviews.evidence import nonconforming_by_class
from app.standards.models import Characteristic, DefectCode


def _variable(cid: int, code: str, defect_class: str = "major") -> Characteristic:
    c = Characteristic(code=code, name="Bore", kind="variable", unit="mm", defect_class=defect_class)
    c.id, c.lsl, c.usl = cid, Decimal("9.95"), Decimal("10.05")
    return c


def _attribute(cid: int, code: str, defect_class: str = "minor") -> Characteristic:
    c = Characteristic(code=code, name="Label", kind="attribute", defect_class=defect_class)
    c.id = cid
    return c


def test_values_outside_a_limit_are_named_and_a_value_on_a_limit_is_in_spec():
    bore = _variable(1, "D1")
    values = {
        (1, 1): Decimal("9.95"),
        (2, 1): Decimal("10.051"),
        (3, 1): Decimal("9.90"),
        (4, 1): Decimal("10.05"),
    }
    [major] = nonconforming_by_class(["major"], [bore], values, [], 4)
    assert major.samples == (2, 3)
    assert [(r.sample, r.kind, r.value, r.limit, r.places) for r in major.reasons] == [
        (2, "above", Decimal("10.051"), Decimal("10.05"), 3),
        (3, "below", Decimal("9.90"), Decimal("9.95"), 2),
    ]


def test_a_sample_failing_twice_counts_once_and_every_reason_is_listed():
    bore, shaft, label = _variable(1, "D1"), _variable(2, "D2"), _attribute(3, "L1", "major")
    values = {(1, 1): Decimal("11"), (1, 2): Decimal("12"), (1, 3): False, (2, 3): True}
    [major] = nonconforming_by_class(["major"], [bore, shaft, label], values, [], 2)
    assert major.samples == (1,)
    assert [(r.code, r.kind) for r in major.reasons] == [("D1", "above"), ("D2", "above"), ("L1", "failed")]


def test_findings_count_in_their_defect_codes_class_and_classes_keep_the_given_order():
    burr = DefectCode(code="BUR", description="Burr", default_class="minor")
    finding = Finding(sample=5, count=2, zone="A")
    finding.defect_code = burr
    label = _attribute(3, "L1")
    [critical, minor] = nonconforming_by_class(["critical", "minor"], [label], {(4, 3): False}, [finding], 5)
    assert (critical.defect_class, critical.samples) == ("critical", ())
    assert minor.samples == (4, 5)
    assert [(r.sample, r.kind, r.code, r.count, r.zone) for r in minor.reasons] == [
        (4, "failed", "L1", 0, ""),
        (5, "finding", "BUR", 2, "A"),
    ]
