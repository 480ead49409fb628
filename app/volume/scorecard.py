"""What the scorecard KPIs read: characteristics, datasets, results (Cpk) and findings, per lot.

Every standard revision gets 4 characteristics (2 critical and 1 major variable, 1 minor
attribute); every submitted lot its datasets (1 to `submissions`, the last one deciding, with its
nonconforming sample count) and a result per characteristic in each (Cpk around 1.33, each
supplier's around its own mean); a catalogue of 20 defect codes and a finding per nonconforming
sample (a Pareto per supplier); and the SCARs of `app.volume.scars`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.volume.scars import COMPLAINT_SHARE, SCAR_SHARE, scar_rows
from app.volume.shape import PARTS_PER_SUPPLIER, SPAN, SUPPLIERS, Profile

# Per standard revision: (code, kind, defect class); every submitted dataset has a result of each.
CHARACTERISTICS = (
    ("DIM-001", "variable", "critical"),
    ("DIM-002", "variable", "critical"),
    ("DIM-003", "variable", "major"),
    ("VIS-001", "attribute", "minor"),
)
TOLERANCE = 0.05  # mm either side of the nominal
DEFECT_CODES = (
    ("SCR", "Scratch", "minor"),
    ("DNT", "Dent", "major"),
    ("BUR", "Burr", "major"),
    ("FLS", "Flash", "minor"),
    ("SHS", "Short shot", "major"),
    ("SNK", "Sink mark", "minor"),
    ("DSC", "Discolouration", "minor"),
    ("CON", "Contamination", "major"),
    ("CRK", "Crack", "critical"),
    ("POR", "Porosity", "major"),
    ("DIM", "Dimension out of tolerance", "major"),
    ("MSF", "Missing feature", "critical"),
    ("MRK", "Wrong or missing marking", "minor"),
    ("RST", "Rust", "major"),
    ("PLT", "Plating peel-off", "major"),
    ("SPT", "Weld spatter", "minor"),
    ("DEF", "Deformation", "major"),
    ("FOM", "Foreign material", "critical"),
    ("PKG", "Packaging damage", "minor"),
    ("LBL", "Label error", "minor"),
)
CODE_IDS = range(1, len(DEFECT_CODES) + 1)
NO_STATISTICS = ("mean", "sd", "minimum", "maximum", "cp", "cpk", "cpl", "cpu", "cpm")  # attribute results


def supplier_profiles(rng: random.Random) -> dict[int, Profile]:
    profiles = {}
    for supplier in range(1, SUPPLIERS + 1):
        weights = [rng.lognormvariate(0, 0.6) / (k + 1) ** 1.2 for k in range(len(DEFECT_CODES))]
        cumulative = [sum(weights[: k + 1]) for k in range(len(weights))]
        profiles[supplier] = Profile(
            cpk_mean=rng.uniform(1.1, 1.75),
            defects=rng.uniform(0.5, 1.5),
            on_time=rng.uniform(0.5, 0.97),
            scars=rng.uniform(0.5, 1.5),
            code_weights=tuple(cumulative),
        )
    return profiles


def characteristic_id(revision_id: int, k: int) -> int:
    return (revision_id - 1) * len(CHARACTERISTICS) + k + 1


def nominal_of(k: int) -> float:
    return 10.0 + 5 * k


def _characteristics() -> list[dict[str, Any]]:
    rows = []
    for revision in range(1, SUPPLIERS * PARTS_PER_SUPPLIER + 1):
        for k, (code, kind, defect_class) in enumerate(CHARACTERISTICS):
            nominal = Decimal(f"{nominal_of(k):.3f}")
            variable = kind == "variable"
            rows.append(
                {
                    "id": characteristic_id(revision, k),
                    "revision_id": revision,
                    "position": k + 1,
                    "code": code,
                    "name": f"Dimension {k + 1}" if variable else "Visual check",
                    "kind": kind,
                    "unit": "mm" if variable else None,
                    "nominal": nominal if variable else None,
                    "lsl": nominal - Decimal(f"{TOLERANCE:.3f}") if variable else None,
                    "usl": nominal + Decimal(f"{TOLERANCE:.3f}") if variable else None,
                    "defect_class": defect_class,
                    "method": "Caliper" if variable else "Visual",
                    "zone": None if variable else "A",
                }
            )
    return rows


def _nonconforming(state: str, reject: bool, profile: Profile, rng: random.Random) -> int:
    """Samples with a nonconformity in a submitted dataset (every sample size here is 50 or more)."""
    if state == "rejected":
        return rng.randint(3, 15)
    if state == "accepted_on_deviation" or reject:
        return rng.randint(2, 8)
    return rng.randint(1, 2) if rng.random() < 0.25 * profile.defects else 0


def _dataset(
    dataset_id: int, lot: dict[str, Any], number: int, profile: Profile, rng: random.Random
) -> dict[str, Any]:
    """A submitted dataset: the lot's last (deciding) one, or an earlier one that was returned."""
    last = number == lot["submissions"]
    submitted = lot["submitted_at"]
    if not last:
        submitted = lot["created_at"] + (submitted - lot["created_at"]) * rng.uniform(0.2, 0.6)
    reject = last and lot["recommendation"] == "reject"
    return {
        "id": dataset_id,
        "lot_id": lot["id"],
        "supplier_id": lot["supplier_id"],
        "number": number,
        "created_at": lot["created_at"],
        "updated_at": submitted,
        "submitted_at": submitted,
        "submitted_by_id": lot["inspector_id"],
        "recommendation": "reject" if reject else "accept",
        "nonconforming": _nonconforming(lot["state"] if last else "accepted", reject, profile, rng),
        "source": "grid",
    }


def _draft_dataset(dataset_id: int, lot: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": dataset_id,
        "lot_id": lot["id"],
        "supplier_id": lot["supplier_id"],
        "number": lot["submissions"] + 1,
        "created_at": lot["updated_at"],
        "updated_at": lot["updated_at"],
        "submitted_at": None,
        "submitted_by_id": None,
        "recommendation": None,
        "nonconforming": None,
        "source": "grid",
    }


def _capability(nominal: float, cpk_mean: float, n: int, rng: random.Random) -> dict[str, Any]:
    """A variable characteristic's statistics with a Cpk drawn around `cpk_mean` (at most its Cp)."""
    sd = rng.uniform(0.004, 0.012)
    cp = TOLERANCE / (3 * sd)
    cpk = min(cp, max(0.2, rng.gauss(cpk_mean, 0.3)))
    mean = nominal + rng.choice((-1, 1)) * (cp - cpk) * 3 * sd
    cpu = (nominal + TOLERANCE - mean) / (3 * sd)
    cpl = (mean - nominal + TOLERANCE) / (3 * sd)
    above_share = 0.5 * math.erfc(3 * cpu / math.sqrt(2))
    below_share = 0.5 * math.erfc(3 * cpl / math.sqrt(2))
    below, above = round(n * below_share), round(n * above_share)
    return {
        "n": n,
        "failed": below + above,
        "mean": round(mean, 6),
        "sd": round(sd, 6),
        "minimum": round(mean - 2.5 * sd, 6),
        "maximum": round(mean + 2.5 * sd, 6),
        "below": below,
        "above": above,
        "out_of_spec": below_share + above_share,
        "cp": round(cp, 3),
        "cpk": round(cpk, 3),
        "cpl": round(cpl, 3),
        "cpu": round(cpu, 3),
        "cpm": round(cp / math.sqrt(1 + ((mean - nominal) / sd) ** 2), 3),
    }


def _results(
    last_id: int, dataset: dict[str, Any], lot: dict[str, Any], profile: Profile, rng: random.Random
) -> list[dict[str, Any]]:
    """One result per characteristic of the lot's revision (the critical ones around the supplier's Cpk)."""
    rows = []
    for k, (_code, kind, defect_class) in enumerate(CHARACTERISTICS):
        n = lot["sample_size"]
        if kind == "variable":
            cpk_mean = profile.cpk_mean + (0 if defect_class == "critical" else 0.2)
            stats = _capability(nominal_of(k), cpk_mean, n, rng)
        else:
            failed = rng.randint(0, dataset["nonconforming"])
            stats = {"n": n, "failed": failed, "below": 0, "above": 0, "out_of_spec": None}
            stats.update(dict.fromkeys(NO_STATISTICS))
        rows.append(
            {
                "id": last_id + k + 1,
                "dataset_id": dataset["id"],
                "characteristic_id": characteristic_id(lot["revision_id"], k),
                "supplier_id": lot["supplier_id"],
                "sigma_method": "lot",
                **stats,
            }
        )
    return rows


def _findings(
    last_id: int, dataset: dict[str, Any], lot: dict[str, Any], profile: Profile, rng: random.Random
) -> list[dict[str, Any]]:
    """A finding per nonconforming sample (a fifth of them a second one), codes by the supplier's Pareto."""
    rows: list[dict[str, Any]] = []
    samples = sorted(rng.sample(range(1, lot["sample_size"] + 1), dataset["nonconforming"]))
    for sample in samples:
        for _ in range(2 if rng.random() < 0.2 else 1):
            rows.append(
                {
                    "id": last_id + len(rows) + 1,
                    "dataset_id": dataset["id"],
                    "supplier_id": lot["supplier_id"],
                    "position": len(rows) + 1,
                    "defect_code_id": rng.choices(CODE_IDS, cum_weights=profile.code_weights)[0],
                    "zone": rng.choice(("A", "B", "C", None)),
                    "count": rng.choice((1, 1, 1, 2, 3)),
                    "sample": sample,
                }
            )
    return rows


def scorecard_rows(
    lots: Sequence[dict[str, Any]],
    now: datetime,
    rng: random.Random,
    scar_share: float = SCAR_SHARE,
    complaint_share: float = COMPLAINT_SHARE,
) -> dict[str, list[dict[str, Any]]]:
    """What the scorecard KPIs read, for the lots of `app.volume.lots`, by table in insertion order."""
    profiles = supplier_profiles(rng)
    stamp = {"created_at": now - SPAN - timedelta(days=30), "updated_at": now - SPAN}
    codes = [
        {"id": k + 1, "code": code, "description": description, "default_class": default, **stamp}
        for k, (code, description, default) in enumerate(DEFECT_CODES)
    ]
    datasets: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for lot in lots:
        profile = profiles[lot["supplier_id"]]
        for number in range(1, lot["submissions"] + 1):
            dataset = _dataset(len(datasets) + 1, lot, number, profile, rng)
            datasets.append(dataset)
            results += _results(len(results), dataset, lot, profile, rng)
            findings += _findings(len(findings), dataset, lot, profile, rng)
        if lot["state"] in ("draft", "returned"):
            datasets.append(_draft_dataset(len(datasets) + 1, lot))
    return {
        "defect_code": codes,
        "characteristic": _characteristics(),
        "lot_dataset": datasets,
        "characteristic_result": results,
        "finding": findings,
        **scar_rows(lots, profiles, now, rng, scar_share, complaint_share),
    }
