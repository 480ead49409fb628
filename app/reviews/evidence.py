"""The evidence a reviewer decides on: which samples are nonconforming in each class, and why.

The stored evaluation (`lots.evaluation`) keeps only each class's count; this names the samples
behind the count from the submission's values and findings, by the same rules as
`quality.evaluation` (a value strictly outside a limit, a failed check, a finding of the class).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.lots.entry import Value
from app.lots.models import Finding
from app.standards.models import Characteristic, CharacteristicKind


@dataclass(frozen=True)
class Nonconformity:
    """One reason a sample is nonconforming: a value past a limit, a failed check, or a finding."""

    sample: int
    kind: str  # "below" | "above" | "failed" | "finding"
    code: str  # the characteristic's or the defect's code
    name: str
    value: Decimal | None = None  # "below", "above": the value as recorded
    limit: Decimal | None = None  # "below": the LSL, "above": the USL
    unit: str = ""
    count: int = 0  # "finding": how many
    zone: str = ""  # "finding": where

    @property
    def places(self) -> int:
        """Digits after the point the value was recorded with (shown so, in the reader's locale)."""
        return _places(self.value)

    @property
    def limit_places(self) -> int:
        return _places(self.limit)


def _places(number: Decimal | None) -> int:
    exponent = number.as_tuple().exponent if number is not None else 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class ClassEvidence:
    """A class's nonconforming samples (each once, ascending) and every reason, by sample."""

    defect_class: str
    samples: tuple[int, ...]
    reasons: tuple[Nonconformity, ...]


def _of_characteristic(c: Characteristic, sample: int, value: Value | None) -> Nonconformity | None:
    if value is None:
        return None
    if c.kind != CharacteristicKind.VARIABLE:
        return Nonconformity(sample, "failed", c.code, c.name) if value is False else None
    if isinstance(value, bool):
        return None
    for kind, limit, outside in (
        ("below", c.lsl, c.lsl is not None and value < c.lsl),
        ("above", c.usl, c.usl is not None and value > c.usl),
    ):
        if outside:
            return Nonconformity(sample, kind, c.code, c.name, value, limit, c.unit or "")
    return None


def _of_findings(findings: Iterable[Finding]) -> Iterable[tuple[str, Nonconformity]]:
    for f in findings:
        code = f.defect_code
        yield (
            code.default_class,
            Nonconformity(f.sample, "finding", code.code, code.description, count=f.count, zone=f.zone or ""),
        )


def nonconforming_by_class(
    classes: Sequence[str],
    characteristics: Sequence[Characteristic],
    values: Mapping[tuple[int, int], Value],
    findings: Sequence[Finding],
    sample_size: int,
) -> list[ClassEvidence]:
    """The nonconforming samples of each of `classes` (those with a plan), in the given order."""
    reasons: dict[str, list[Nonconformity]] = {cls: [] for cls in classes}
    for c in characteristics:
        if c.defect_class not in reasons:
            continue
        for sample in range(1, sample_size + 1):
            found = _of_characteristic(c, sample, values.get((sample, c.id)))
            if found is not None:
                reasons[c.defect_class].append(found)
    for cls, found in _of_findings(findings):
        if cls in reasons:
            reasons[cls].append(found)
    evidence = []
    for cls in classes:
        rows = sorted(reasons[cls], key=lambda r: r.sample)  # stable: characteristics keep their order
        evidence.append(ClassEvidence(cls, tuple(sorted({r.sample for r in rows})), tuple(rows)))
    return evidence
