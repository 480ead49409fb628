"""Evaluate one inspection lot: statistics per characteristic and a verdict per defect class.

A sample (one inspected unit, numbered 1..sample_size) is nonconforming in a class when any of
these holds for a characteristic or finding of that class:

* a variable value lies strictly outside its limits (a value equal to a limit is in spec, NOTES);
* an attribute check failed (False);
* a finding was recorded for the sample in that class.

Each class counts its nonconforming samples once, however many characteristics or findings a
sample fails, and is judged with its own plan (`sampling.judge`: accept if d <= Ac, reject if
d >= Re, Z1.4 reduced gap otherwise). The lot is recommended for acceptance only when every class
with a plan is accepted. Values not entered (None) are left out of the statistics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.quality.capability import capability
from app.quality.sampling import CLASSES, SamplingPlan, Verdict, judge

KINDS: tuple[str, ...] = ("variable", "attribute")
ACCEPT = "accept"
REJECT = "reject"


@dataclass(frozen=True)
class CharacteristicSpec:
    """A characteristic to inspect on every sample of the lot."""

    code: str
    kind: str  # "variable" | "attribute"
    defect_class: str  # "critical" | "major" | "minor"
    lsl: float | None = None
    usl: float | None = None
    target: float | None = None  # the nominal


@dataclass(frozen=True)
class FindingInput:
    """A nonconformity found on one sample outside the characteristic checks."""

    sample: int  # 1-based sample number
    defect_class: str
    count: int = 1


@dataclass(frozen=True)
class CharacteristicResult:
    """Statistics of one characteristic over the values entered (None where not applicable)."""

    code: str
    kind: str
    defect_class: str
    n: int  # values entered
    failed: int  # attribute: checks failed; variable: values out of spec (below + above)
    mean: float | None = None
    sd: float | None = None  # sample sd (n - 1), the "lot" sigma of NOTES; None for n < 2
    minimum: float | None = None
    maximum: float | None = None
    below: int | None = None  # values < LSL
    above: int | None = None  # values > USL
    out_of_spec: float | None = None  # (below + above) / n, 0..1
    cp: float | None = None
    cpk: float | None = None
    cpl: float | None = None
    cpu: float | None = None
    cpm: float | None = None


@dataclass(frozen=True)
class ClassResult:
    """The verdict of one defect class under its own sampling plan."""

    defect_class: str
    sample_size: int  # n of the class's plan
    accept: int  # Ac
    reject: int  # Re
    nonconforming: int  # distinct nonconforming samples in this class (d)
    verdict: Verdict
    accepted: bool


@dataclass(frozen=True)
class Evaluation:
    """Per-characteristic statistics, per-class verdicts and the lot recommendation."""

    characteristics: tuple[CharacteristicResult, ...]
    classes: tuple[ClassResult, ...]  # classes with a plan, in order critical, major, minor
    recommendation: str  # "accept" only if every class is accepted, else "reject"
    nonconforming_samples: Mapping[str, tuple[int, ...]]  # class -> sorted 1-based sample numbers


def _not_allowed(what: str, allowed: str) -> ValueError:
    """Build the ValueError for a bad value: what it is and what is allowed instead."""
    return ValueError(f"{what} is not allowed; allowed: {allowed}")


def _is_number(value: object) -> bool:
    """Return True for a finite int or float that is not a bool."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _is_count(value: object, minimum: int) -> bool:
    """Return True for an int (not a bool) of at least minimum."""
    return not isinstance(value, bool) and isinstance(value, int) and value >= minimum


def _check_spec(spec: CharacteristicSpec) -> None:
    """Raise ValueError for an unknown kind or class or bad limits of one characteristic."""
    of = f"of {spec.code!r}"
    if spec.kind not in KINDS:
        raise _not_allowed(f"kind {spec.kind!r} {of}", ", ".join(KINDS))
    if spec.defect_class not in CLASSES:
        raise _not_allowed(f"class {spec.defect_class!r} {of}", ", ".join(CLASSES))
    for name, limit in (("LSL", spec.lsl), ("USL", spec.usl), ("target", spec.target)):
        if limit is not None and not _is_number(limit):
            raise _not_allowed(f"{name} {limit!r} {of}", "a finite number or None")
    if spec.lsl is not None and spec.usl is not None and spec.lsl >= spec.usl:
        raise _not_allowed(f"LSL {spec.lsl!r} {of}", f"a value below USL {spec.usl!r}")


def _check_inputs(
    sample_size: int,
    specs: Sequence[CharacteristicSpec],
    measurements: Mapping[str, Sequence[float | bool | None]],
    findings: Sequence[FindingInput],
    plans: Mapping[str, SamplingPlan],
) -> None:
    """Raise ValueError naming the first bad argument value."""
    if not _is_count(sample_size, 1):
        raise _not_allowed(f"sample size {sample_size!r}", "an integer of 1 or more")
    codes: set[str] = set()
    for spec in specs:
        if spec.code in codes:
            raise _not_allowed(f"characteristic {spec.code!r} given twice", "unique codes")
        codes.add(spec.code)
        _check_spec(spec)
    for code, values in measurements.items():
        if code not in codes:
            raise _not_allowed(f"measurements for unknown characteristic {code!r}", ", ".join(sorted(codes)))
        if len(values) > sample_size:
            raise _not_allowed(f"{len(values)} values for {code!r}", f"at most the sample size {sample_size}")
    for finding in findings:
        if not _is_count(finding.sample, 1) or finding.sample > sample_size:
            raise _not_allowed(f"finding sample {finding.sample!r}", f"1..{sample_size}")
        if finding.defect_class not in CLASSES:
            raise _not_allowed(f"finding class {finding.defect_class!r}", ", ".join(CLASSES))
        if not _is_count(finding.count, 1):
            raise _not_allowed(f"finding count {finding.count!r}", "an integer of 1 or more")
    for cls in plans:
        if cls not in CLASSES:
            raise _not_allowed(f"plan for class {cls!r}", ", ".join(CLASSES))
    if not plans:
        raise _not_allowed("no plan for any class", f"a plan for at least one of {', '.join(CLASSES)}")


def _variable(
    spec: CharacteristicSpec, values: Sequence[float | bool | None], bad: set[int]
) -> CharacteristicResult:
    """Statistics of a variable characteristic; adds out-of-spec sample numbers to bad."""
    entered: list[float] = []
    lsl, usl = spec.lsl, spec.usl
    below = above = 0
    for index, value in enumerate(values):
        if value is None:
            continue
        if not _is_number(value):
            raise _not_allowed(f"value {value!r} of {spec.code!r} at sample {index + 1}", "a finite number")
        x = float(value)
        entered.append(x)
        if lsl is not None and x < lsl:
            below += 1
            bad.add(index + 1)
        elif usl is not None and x > usl:
            above += 1
            bad.add(index + 1)
    n = len(entered)
    if n == 0:
        return CharacteristicResult(
            code=spec.code, kind=spec.kind, defect_class=spec.defect_class, n=0, failed=0, below=0, above=0
        )
    cap = capability(entered, lsl=lsl, usl=usl, target=spec.target)
    return CharacteristicResult(
        code=spec.code,
        kind=spec.kind,
        defect_class=spec.defect_class,
        n=n,
        failed=below + above,
        mean=cap.mean,
        sd=cap.sd,
        minimum=min(entered),
        maximum=max(entered),
        below=below,
        above=above,
        out_of_spec=(below + above) / n,
        cp=cap.cp,
        cpk=cap.cpk,
        cpl=cap.cpl,
        cpu=cap.cpu,
        cpm=cap.cpm,
    )


def _attribute(
    spec: CharacteristicSpec, values: Sequence[float | bool | None], bad: set[int]
) -> CharacteristicResult:
    """Count checks entered and failed for an attribute characteristic; adds failed samples to bad."""
    n = failed = 0
    for index, value in enumerate(values):
        if value is None:
            continue
        if not isinstance(value, bool):
            raise _not_allowed(f"value {value!r} of {spec.code!r} at sample {index + 1}", "True or False")
        n += 1
        if not value:
            failed += 1
            bad.add(index + 1)
    return CharacteristicResult(
        code=spec.code, kind=spec.kind, defect_class=spec.defect_class, n=n, failed=failed
    )


def evaluate(
    sample_size: int,
    specs: Sequence[CharacteristicSpec],
    measurements: Mapping[str, Sequence[float | bool | None]],
    findings: Sequence[FindingInput],
    plans: Mapping[str, SamplingPlan],
) -> Evaluation:
    """Evaluate a lot's sample against its characteristics, findings and per-class plans.

    measurements maps a characteristic code to its values, index 0 = sample 1: a float for a
    variable characteristic, a bool (True = pass) for an attribute, None where nothing was entered.
    plans maps a defect class to its sampling plan; a nonconformity in a class without a plan is a
    ValueError.
    """
    _check_inputs(sample_size, specs, measurements, findings, plans)
    bad: dict[str, set[int]] = {cls: set() for cls in CLASSES}
    results = []
    for spec in specs:
        values = measurements.get(spec.code, ())
        compute = _variable if spec.kind == "variable" else _attribute
        results.append(compute(spec, values, bad[spec.defect_class]))
    for finding in findings:
        bad[finding.defect_class].add(finding.sample)
    for cls in CLASSES:
        if bad[cls] and cls not in plans:
            samples = ", ".join(map(str, sorted(bad[cls])))
            raise ValueError(
                f"class {cls!r} has nonconforming samples ({samples}) but no sampling plan; "
                f"classes with a plan: {', '.join(c for c in CLASSES if c in plans)}"
            )
    classes = []
    for cls in CLASSES:
        if cls not in plans:
            continue
        plan = plans[cls]
        verdict = judge(plan, len(bad[cls]))
        classes.append(
            ClassResult(
                defect_class=cls,
                sample_size=plan.sample_size,
                accept=plan.accept,
                reject=plan.reject,
                nonconforming=len(bad[cls]),
                verdict=verdict,
                accepted=verdict.accepted,
            )
        )
    return Evaluation(
        characteristics=tuple(results),
        classes=tuple(classes),
        recommendation=ACCEPT if all(result.accepted for result in classes) else REJECT,
        nonconforming_samples={cls: tuple(sorted(bad[cls])) for cls in CLASSES if cls in plans},
    )
