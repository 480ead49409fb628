"""Tests of app.quality.evaluation: per-class counting of nonconforming samples and the verdicts.

Plans come from app.quality.sampling.plan_for; each one used here is first checked against its cell
in tests/fixtures/reference (copies of the reference tables, NOTES 1.3 and 1.5). Lot size 500 at
level II is code letter H (Table I row 281-500).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import pytest

from app.quality.evaluation import (
    CharacteristicResult,
    CharacteristicSpec,
    Evaluation,
    FindingInput,
    evaluate,
)
from app.quality.sampling import SamplingPlan, Verdict, plan_for

REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "reference"
CANS = Path(__file__).resolve().parents[2] / "fixtures" / "capability" / "sas_cans.csv"
LOT = 500


@cache
def _cell(name: str, letter: str, aql: str, prefix: str = "") -> tuple[int, int, int]:
    """(n, Ac, Re) of one reference-table cell."""
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["code_letter"] == letter and row["aql"] == aql:
                return int(row[f"{prefix}sample_size"]), int(row[f"{prefix}ac"]), int(row[f"{prefix}re"])
    raise LookupError((name, letter, aql))


def _plan(aql: str, severity: str = "normal", scheme: str = "iso2859-1") -> SamplingPlan:
    """plan_for(500, aql), asserted equal to its reference cell before use."""
    plan = plan_for(LOT, aql, severity=severity, scheme=scheme)
    assert plan.code_letter == "H"
    if severity == "reduced":
        cell = _cell("z14_reduced.csv", "H", plan.aql, "z14_" if scheme == "ansi-z14" else "iso1999_")
    else:
        cell = _cell(f"z14_{severity}.csv", "H", plan.aql)
    assert (plan.sample_size, plan.accept, plan.reject) == cell
    return plan


def critical() -> SamplingPlan:
    """z14_normal.csv, H @ 0.25: PLAN, n 50, Ac 0, Re 1."""
    plan = _plan("0.25")
    assert (plan.sample_size, plan.accept, plan.reject) == (50, 0, 1)
    return plan


def major() -> SamplingPlan:
    """z14_normal.csv, H @ 1.0: PLAN, n 50, Ac 1, Re 2."""
    plan = _plan("1.0")
    assert (plan.sample_size, plan.accept, plan.reject) == (50, 1, 2)
    return plan


def minor() -> SamplingPlan:
    """z14_normal.csv, H @ 4.0: PLAN, n 50, Ac 5, Re 6."""
    plan = _plan("4.0")
    assert (plan.sample_size, plan.accept, plan.reject) == (50, 5, 6)
    return plan


def major_reduced_z14() -> SamplingPlan:
    """z14_reduced.csv, H @ 1.0, ANSI/ASQ Z1.4 columns: n 20, Ac 0, Re 2 (a gap plan)."""
    plan = _plan("1.0", severity="reduced", scheme="ansi-z14")
    assert (plan.sample_size, plan.accept, plan.reject) == (20, 0, 2)
    assert plan.has_gap
    return plan


DIA = CharacteristicSpec("DIA", "variable", "major", lsl=9.5, usl=10.5, target=10.0)
LEN = CharacteristicSpec("LEN", "variable", "major", lsl=19.0, usl=21.0, target=20.0)
BURR = CharacteristicSpec("BURR", "attribute", "minor")
CRACK = CharacteristicSpec("CRACK", "attribute", "critical")


Value = float | bool | None


def _column(n: int, value: float | bool, overrides: Mapping[int, Value]) -> list[Value]:
    """n values (index 0 = sample 1), overrides keyed by 1-based sample number."""
    column: list[Value] = [value] * n
    for sample, override in overrides.items():
        column[sample - 1] = override
    return column


def _run(
    n: int,
    *,
    dia: Mapping[int, float | None] | None = None,
    length: Mapping[int, float | None] | None = None,
    burr: Mapping[int, bool | None] | None = None,
    crack: Mapping[int, bool | None] | None = None,
    findings: Sequence[FindingInput] = (),
    plans: Mapping[str, SamplingPlan] | None = None,
) -> Evaluation:
    """Evaluate n samples; every value is in spec / passes unless overridden."""
    measurements = {
        "DIA": _column(n, 10.0, dia or {}),
        "LEN": _column(n, 20.0, length or {}),
        "BURR": _column(n, True, burr or {}),
        "CRACK": _column(n, True, crack or {}),
    }
    if plans is None:
        plans = {"critical": critical(), "major": major(), "minor": minor()}
    return evaluate(n, [DIA, LEN, BURR, CRACK], measurements, findings, plans)


def _class(result: Evaluation, cls: str) -> tuple[int, Verdict, bool]:
    """(d, verdict, accepted) of one class."""
    (found,) = [item for item in result.classes if item.defect_class == cls]
    return found.nonconforming, found.verdict, found.accepted


def _char(result: Evaluation, code: str) -> CharacteristicResult:
    (found,) = [item for item in result.characteristics if item.code == code]
    return found


# --- counting ----------------------------------------------------------------------------------------


def test_all_conforming_is_accepted() -> None:
    result = _run(50)
    assert [item.defect_class for item in result.classes] == ["critical", "major", "minor"]
    assert all(item.nonconforming == 0 and item.verdict is Verdict.ACCEPT for item in result.classes)
    assert result.recommendation == "accept"
    assert result.nonconforming_samples == {"critical": (), "major": (), "minor": ()}


def test_sample_failing_several_characteristics_counts_once() -> None:
    """Sample 7 fails DIA (too small) and LEN (too long), both major: d = 1, accepted at Ac 1."""
    result = _run(50, dia={7: 9.4}, length={7: 21.2})
    assert _class(result, "major") == (1, Verdict.ACCEPT, True)
    assert result.nonconforming_samples["major"] == (7,)
    assert _char(result, "DIA").below == 1
    assert _char(result, "LEN").above == 1
    assert result.recommendation == "accept"


def test_finding_and_measurement_on_same_sample_count_once() -> None:
    result = _run(50, dia={3: 10.6}, findings=[FindingInput(sample=3, defect_class="major", count=2)])
    assert _class(result, "major") == (1, Verdict.ACCEPT, True)
    assert result.nonconforming_samples["major"] == (3,)


def test_findings_on_different_samples_each_count() -> None:
    findings = [FindingInput(3, "minor"), FindingInput(3, "minor"), FindingInput(9, "minor")]
    result = _run(50, burr={9: False, 12: False}, findings=findings)
    assert _class(result, "minor") == (3, Verdict.ACCEPT, True)
    assert result.nonconforming_samples["minor"] == (3, 9, 12)


def test_same_sample_in_two_classes_counts_in_each() -> None:
    result = _run(50, dia={5: 11.0}, burr={5: False})
    assert result.nonconforming_samples == {"critical": (), "major": (5,), "minor": (5,)}


# --- verdicts ----------------------------------------------------------------------------------------


def test_reject_only_when_d_reaches_re() -> None:
    """major H@1.0 is 1/2: d = 1 accepts, d = 2 rejects."""
    assert _class(_run(50, dia={1: 9.0}), "major")[1:] == (Verdict.ACCEPT, True)
    rejected = _run(50, dia={1: 9.0}, length={2: 18.0})
    assert _class(rejected, "major") == (2, Verdict.REJECT, False)
    assert rejected.recommendation == "reject"


def test_two_classes_with_different_ac_re() -> None:
    """Same d = 2 in major (1/2) and minor (5/6): major rejects, minor accepts."""
    result = _run(50, dia={1: 9.0, 2: 11.0}, burr={1: False, 2: False})
    assert _class(result, "major") == (2, Verdict.REJECT, False)
    assert _class(result, "minor") == (2, Verdict.ACCEPT, True)
    assert result.recommendation == "reject"
    by_class = {item.defect_class: (item.sample_size, item.accept, item.reject) for item in result.classes}
    assert by_class == {"critical": (50, 0, 1), "major": (50, 1, 2), "minor": (50, 5, 6)}


def test_minor_rejects_at_six() -> None:
    five = _run(50, burr={s: False for s in range(1, 6)})
    six = _run(50, burr={s: False for s in range(1, 7)})
    assert _class(five, "minor") == (5, Verdict.ACCEPT, True)
    assert _class(six, "minor") == (6, Verdict.REJECT, False)
    assert (five.recommendation, six.recommendation) == ("accept", "reject")


def test_critical_attribute_failure_rejects() -> None:
    """critical H@0.25 is 0/1: one cracked sample rejects the lot."""
    result = _run(50, crack={50: False})
    assert _class(result, "critical") == (1, Verdict.REJECT, False)
    assert result.recommendation == "reject"
    assert _char(result, "CRACK").failed == 1


def test_z14_reduced_gap_accepts_and_returns_to_normal() -> None:
    """Z1.4 reduced H@1.0 is n 20, 0/2: d = 1 lies in the gap (accept, back to normal); d = 2 rejects."""
    plans = {"major": major_reduced_z14()}
    gap = evaluate(20, [DIA], {"DIA": _column(20, 10.0, {4: 9.0})}, [], plans)
    assert _class(gap, "major") == (1, Verdict.ACCEPT_RETURN_TO_NORMAL, True)
    assert gap.recommendation == "accept"
    rejected = evaluate(20, [DIA], {"DIA": _column(20, 10.0, {4: 9.0, 5: 12.0})}, [], plans)
    assert _class(rejected, "major") == (2, Verdict.REJECT, False)
    assert rejected.recommendation == "reject"


# --- limits, statistics, missing values ----------------------------------------------------------------


def test_values_exactly_on_the_limits_are_in_spec() -> None:
    result = _run(50, dia={1: 9.5, 2: 10.5}, length={1: 19.0, 2: 21.0})
    assert _class(result, "major") == (0, Verdict.ACCEPT, True)
    dia = _char(result, "DIA")
    assert (dia.below, dia.above, dia.out_of_spec, dia.failed) == (0, 0, 0.0, 0)
    assert (dia.minimum, dia.maximum) == (9.5, 10.5)


def test_variable_statistics_by_hand() -> None:
    """9.9, 10.0, 10.1: mean 10, s 0.1; LSL 9.5, USL 10.5 -> Cp = 1/0.6 = 1.6667."""
    spec = CharacteristicSpec("D", "variable", "major", lsl=9.5, usl=10.5, target=10.0)
    result = evaluate(3, [spec], {"D": [9.9, 10.0, 10.1]}, [], {"major": major()})
    (stats,) = result.characteristics
    assert (stats.code, stats.kind, stats.defect_class, stats.n) == ("D", "variable", "major", 3)
    assert stats.mean == pytest.approx(10.0, abs=1e-12)
    assert stats.sd == pytest.approx(0.1, rel=1e-12)
    assert stats.cp == pytest.approx(1 / 0.6, rel=1e-12)
    assert stats.cpk == pytest.approx(1 / 0.6, rel=1e-9)
    assert stats.cpm == pytest.approx(1 / 0.6, rel=1e-9)
    assert (stats.minimum, stats.maximum, stats.below, stats.above, stats.out_of_spec) == (
        9.9,
        10.1,
        0,
        0,
        0.0,
    )


def test_sas_cans_through_evaluate() -> None:
    """The 100 SAS Cans weights as one characteristic: SAS's indices and 7 % / 16 % out of spec."""
    with CANS.open(encoding="utf-8", newline="") as handle:
        weights: list[float | bool | None] = [float(row["weight"]) for row in csv.DictReader(handle)]
    spec = CharacteristicSpec("W", "variable", "major", lsl=11.95, usl=12.05, target=12.0)
    result = evaluate(100, [spec], {"W": weights}, [], {"major": major()})
    (stats,) = result.characteristics
    assert (stats.n, stats.below, stats.above) == (100, 7, 16)
    assert stats.out_of_spec == pytest.approx(0.23, abs=1e-12)
    assert stats.cp == pytest.approx(0.354967, abs=5e-7)
    assert stats.cpk == pytest.approx(0.288943, abs=5e-7)
    assert stats.cpm == pytest.approx(0.348203, abs=5e-7)
    assert _class(result, "major") == (23, Verdict.REJECT, False)


def test_attribute_result_has_counts_only() -> None:
    result = _run(50, burr={2: False, 3: None})
    burr = _char(result, "BURR")
    assert (burr.kind, burr.n, burr.failed) == ("attribute", 49, 1)
    stats = (burr.mean, burr.sd, burr.minimum, burr.maximum, burr.below, burr.above, burr.out_of_spec)
    assert stats == (None,) * 7
    assert (burr.cp, burr.cpk, burr.cpl, burr.cpu, burr.cpm) == (None,) * 5


def test_missing_values_are_ignored() -> None:
    result = _run(50, dia={1: None, 2: None, 3: 9.0})
    dia = _char(result, "DIA")
    assert dia.n == 48
    assert dia.below == 1
    assert dia.out_of_spec == pytest.approx(1 / 48)


def test_incomplete_or_absent_measurements_do_not_crash() -> None:
    specs = [DIA, BURR]
    result = evaluate(5, specs, {"DIA": [None] * 5, "BURR": [True]}, [], {"major": major(), "minor": minor()})
    dia, burr = result.characteristics
    assert (dia.n, dia.mean, dia.sd, dia.cp, dia.out_of_spec) == (0, None, None, None, None)
    assert (burr.n, burr.failed) == (1, 0)
    single = evaluate(5, specs, {"DIA": [10.2]}, [], {"major": major(), "minor": minor()})
    assert (single.characteristics[0].n, single.characteristics[0].sd) == (1, None)
    assert single.characteristics[1].n == 0
    assert single.recommendation == "accept"


def test_nonconforming_samples_are_sorted_one_based() -> None:
    result = _run(50, dia={50: 11.0, 1: 9.0}, length={25: 22.0})
    assert result.nonconforming_samples["major"] == (1, 25, 50)


# --- classes without a plan --------------------------------------------------------------------------


def test_nonconformity_in_class_without_plan_names_the_class() -> None:
    plans = {"critical": critical(), "major": major()}
    with pytest.raises(ValueError, match="'minor'"):
        _run(50, burr={4: False}, plans=plans)
    with pytest.raises(ValueError, match="'minor'"):
        _run(50, findings=[FindingInput(4, "minor")], plans=plans)


def test_conforming_class_without_plan_is_fine() -> None:
    result = _run(50, plans={"critical": critical(), "major": major()})
    assert [item.defect_class for item in result.classes] == ["critical", "major"]
    assert result.recommendation == "accept"
    assert set(result.nonconforming_samples) == {"critical", "major"}


# --- validation --------------------------------------------------------------------------------------


def _evaluate(**kwargs: object) -> Evaluation:
    """evaluate with a small valid default input, any argument replaced."""
    arguments: dict[str, object] = {
        "sample_size": 3,
        "specs": [DIA, BURR],
        "measurements": {"DIA": [10.0, 10.0, 10.0], "BURR": [True, True, True]},
        "findings": [],
        "plans": {"major": major(), "minor": minor()},
    }
    arguments.update(kwargs)
    return evaluate(**arguments)  # type: ignore[arg-type]


def test_default_validation_input_is_valid() -> None:
    assert _evaluate().recommendation == "accept"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sample_size": 0}, "sample size 0"),
        ({"sample_size": True}, "sample size True"),
        ({"measurements": {"XYZ": [1.0]}}, "unknown characteristic 'XYZ'"),
        ({"measurements": {"DIA": [10.0] * 4}}, "4 values for 'DIA'"),
        ({"measurements": {"DIA": [10.0, "10", 10.0]}}, "value '10' of 'DIA' at sample 2"),
        ({"measurements": {"DIA": [10.0, float("nan")]}}, "value nan of 'DIA' at sample 2"),
        ({"measurements": {"DIA": [True]}}, "value True of 'DIA' at sample 1"),
        ({"measurements": {"BURR": [1.0]}}, "value 1.0 of 'BURR' at sample 1"),
        ({"findings": [FindingInput(0, "major")]}, "finding sample 0"),
        ({"findings": [FindingInput(4, "major")]}, "finding sample 4"),
        ({"findings": [FindingInput(1, "cosmetic")]}, "finding class 'cosmetic'"),
        ({"findings": [FindingInput(1, "major", 0)]}, "finding count 0"),
        ({"plans": {"cosmetic": major()}}, "plan for class 'cosmetic'"),
        ({"plans": {}}, "no plan for any class"),
        ({"specs": [DIA, DIA]}, "'DIA' given twice"),
        ({"specs": [CharacteristicSpec("X", "visual", "major")], "measurements": {}}, "kind 'visual'"),
        ({"specs": [CharacteristicSpec("X", "attribute", "severe")], "measurements": {}}, "class 'severe'"),
        ({"specs": [CharacteristicSpec("X", "variable", "major", 2.0, 1.0)], "measurements": {}}, "LSL 2.0"),
        ({"specs": [CharacteristicSpec("X", "variable", "major", 1.0, 1.0)], "measurements": {}}, "LSL 1.0"),
        (
            {"specs": [CharacteristicSpec("X", "variable", "major", usl=float("inf"))], "measurements": {}},
            "USL inf",
        ),
    ],
)
def test_bad_input_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        _evaluate(**kwargs)


def test_result_is_frozen() -> None:
    result = _evaluate()
    with pytest.raises(AttributeError):
        result.recommendation = "reject"  # type: ignore[misc]
