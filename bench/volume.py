"""A portal's worth of rows for the page benches, bulk-inserted with SQLAlchemy Core.

100 suppliers with a site and an inspector each; 1,000 parts (10 per supplier), each with a
released standard revision and an approval at its supplier's site; a few reviewers assigned to
10 suppliers each; and N lots over 24 months. Lots older than six weeks are all decided (accepted,
rejected, on deviation, about 93 : 5 : 1); the queue (2.5 % of all lots: submitted, or in review
by a reviewer) and a few drafts and returned lots are among the last six weeks' lots. Lots accepted
on deviation have their approved deviation and its two signatures; a few lots in review have a
deviation waiting for its second signature. No measurements, datasets or evaluation results: the
pages that list lots read only the lot row.

`load(..., scorecard_data=True)` adds what the scorecard KPIs read (bench/scorecard_kpis.py), from
a random generator of its own, so the rows above stay exactly the same: 4 characteristics on every
standard revision (2 critical and 1 major variable, 1 minor attribute), every submitted lot's
datasets (1 to `submissions`, the last one deciding, with its nonconforming sample count) and a
result per characteristic in each (Cpk around 1.33, each supplier's around its own mean), a
catalogue of 20 defect codes and a finding per nonconforming sample (a Pareto per supplier), and
a few hundred SCARs (from 8 % of the rejected lots, plus complaints) with their 9 steps due by the
default deadline policy, answered on time or late in stages, some returned once, some reopened
after D8 by a later failing lot, some stalled (overdue), the older ones closed. Still no
measurements: the KPIs read the stored results.

Rows go in with one `conn.execute(table.insert(), rows)` executemany per batch, with explicit ids
(the PostgreSQL sequences are moved past them afterwards), in one transaction: no ORM objects, no
services, so neither the lots' plans nor the audit trail are computed.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

SUPPLIERS = 100
PARTS_PER_SUPPLIER = 10
REVIEWERS = 6
SUPPLIERS_PER_REVIEWER = 10
SPAN = timedelta(days=730)
RECENT = timedelta(days=42)
WAITING_SHARE = 0.025
OPEN_SHARE = 0.005  # drafts and returned lots
IN_REVIEW_SHARE = 0.3  # of the waiting lots
AWAITING_DEVIATIONS = 10
BATCH = 5_000
# ISO 2859-1 level II: lot size -> sample size (code letters H, J, K, L).
PLANS = ((500, 50), (1_200, 80), (3_200, 125), (10_000, 200))
SEVERITIES = {"major": "normal", "minor": "normal"}
DECIDED_WEIGHTS = (("accepted", 93), ("rejected", 5), ("accepted_on_deviation", 1))
CLAIMED_STATES = ("in_review", "accepted", "rejected", "accepted_on_deviation")


@dataclass
class Volume:
    """What was loaded: the reviewers (id, session token), the count of lots per state, rows per table."""

    reviewers: list[tuple[int, str]]
    assignments: dict[int, list[int]]
    states: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    tables: dict[str, int] = field(default_factory=dict)


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _insert(conn: Any, table: Any, rows: Sequence[dict[str, Any]]) -> int:
    for batch in _batches(rows):
        conn.execute(table.insert(), list(batch))
    return len(rows)


def _masters(now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Suppliers, sites, users, parts, standards, released revisions, approvals, assignments."""
    stamp = {"created_at": now - SPAN - timedelta(days=30), "updated_at": now - SPAN}
    suppliers = [
        {"id": s, "code": f"S{s:03d}", "legal_name": f"Supplier {s} Co., Ltd.", "country": "TH", **stamp}
        for s in range(1, SUPPLIERS + 1)
    ]
    sites = [
        {"id": s, "supplier_id": s, "name": f"Plant {s}", "city": "Chonburi", "country": "TH", **stamp}
        for s in range(1, SUPPLIERS + 1)
    ]
    users = [
        _user(s, f"inspector{s}@s{s:03d}.example", "supplier_inspector", s, stamp)
        for s in range(1, SUPPLIERS + 1)
    ]
    users += [
        _user(SUPPLIERS + r, f"reviewer{r}@brand.example", "reviewer", None, stamp)
        for r in range(1, REVIEWERS + 1)
    ]
    parts, standards, revisions, approvals = [], [], [], []
    for p in range(1, SUPPLIERS * PARTS_PER_SUPPLIER + 1):
        supplier = supplier_of_part(p)
        parts.append(
            {
                "id": p,
                "part_number": f"P-{p:05d}",
                "name": f"Housing {p}",
                "product_line": f"Line {p % 7}",
                "drawing_revision": "B",
                **stamp,
            }
        )
        standards.append({"id": p, "part_id": p, **stamp})
        revisions.append(
            {
                "id": p,
                "standard_id": p,
                "number": 1,
                "state": "released",
                "inspection_level": "II",
                "aql_major": "0.65",
                "aql_minor": "2.5",
                "released_at": stamp["updated_at"],
                **stamp,
            }
        )
        approvals.append({"id": p, "supplier_id": supplier, "site_id": supplier, "part_id": p, **stamp})
    assignments = [
        {
            "id": user_id * 1000 + supplier_id,
            "user_id": user_id,
            "supplier_id": supplier_id,
            "created_at": now,
        }
        for user_id, supplier_ids in assigned().items()
        for supplier_id in supplier_ids
    ]
    return {
        "supplier": suppliers,
        "site": sites,
        "user": users,
        "part": parts,
        "standard": standards,
        "standard_revision": revisions,
        "part_approval": approvals,
        "reviewer_assignment": assignments,
    }


def assigned() -> dict[int, list[int]]:
    """Reviewer user id -> the 10 suppliers assigned to them (suppliers 1-60; the rest have none)."""
    return {
        SUPPLIERS + r + 1: [r * SUPPLIERS_PER_REVIEWER + k + 1 for k in range(SUPPLIERS_PER_REVIEWER)]
        for r in range(REVIEWERS)
    }


def supplier_of_part(part_id: int) -> int:
    return (part_id - 1) % SUPPLIERS + 1


def reviewer_of(supplier_id: int) -> int | None:
    """The user id of the supplier's assigned reviewer, if it has one."""
    index = (supplier_id - 1) // SUPPLIERS_PER_REVIEWER
    return SUPPLIERS + index + 1 if index < REVIEWERS else None


def _user(user_id: int, email: str, role: str, supplier: int | None, stamp: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": user_id,
        "email": email,
        "name": email.split("@")[0].title(),
        "role": role,
        "supplier_id": supplier,
        "session_token": f"bench-token-{user_id}",
        **stamp,
    }


def _lot_states(lots: int, created: Sequence[datetime], now: datetime, rng: random.Random) -> list[str]:
    recent = [i for i in range(lots) if now - created[i] <= RECENT]
    chosen = rng.sample(recent, min(len(recent), round(lots * (WAITING_SHARE + OPEN_SHARE))))
    waiting = round(lots * WAITING_SHARE)
    names, weights = zip(*DECIDED_WEIGHTS, strict=True)
    states = rng.choices(names, weights, k=lots)
    for n, i in enumerate(chosen):
        if n < waiting:
            states[i] = "in_review" if rng.random() < IN_REVIEW_SHARE else "submitted"
        else:
            states[i] = "draft" if n % 2 else "returned"
    return states


def _lot(i: int, state: str, created: datetime, now: datetime, rng: random.Random) -> dict[str, Any]:
    part = rng.randint(1, SUPPLIERS * PARTS_PER_SUPPLIER)
    supplier = supplier_of_part(part)
    lot_size, sample_size = rng.choice(PLANS)
    reviewer = reviewer_of(supplier) or SUPPLIERS + rng.randint(1, REVIEWERS)
    submitted = claimed = decided = None
    recommendation, flags = None, 0
    if state != "draft":
        submitted = min(created + timedelta(hours=rng.uniform(1, 30)), now - timedelta(minutes=30))
        flags = rng.randint(1, 3) if rng.random() < 0.08 else 0
        rejectable = state in ("rejected", "accepted_on_deviation")
        recommendation = "reject" if rejectable or rng.random() < (0.3 if flags else 0.05) else "accept"
        if state in CLAIMED_STATES:
            claimed = min(submitted + timedelta(hours=rng.uniform(0.5, 48)), now - timedelta(minutes=20))
            if state != "in_review":
                decided = min(claimed + timedelta(hours=rng.uniform(0.5, 72)), now - timedelta(minutes=10))
    return {
        "id": i + 1,
        "supplier_id": supplier,
        "site_id": supplier,
        "part_id": part,
        "revision_id": part,
        "lot_number": f"L{i + 1:07d}",
        "lot_size": lot_size,
        "production_date": (created - timedelta(days=rng.randint(1, 4))).date(),
        "inspection_date": created.date(),
        "inspector_id": supplier,
        "created_by_id": supplier,
        "state": state,
        "severities": SEVERITIES,
        "sample_size": sample_size,
        "submitted_at": submitted,
        "recommendation": recommendation,
        "flag_count": flags,
        "submissions": 0 if state == "draft" else (2 if rng.random() < 0.1 else 1),
        "reviewer_id": reviewer if claimed else None,
        "claimed_at": claimed,
        "decided_at": decided,
        "version": 4 if decided else 2,
        "created_at": created,
        "updated_at": decided or claimed or submitted or created,
    }


def _deviations(lots: Sequence[dict[str, Any]], rng: random.Random) -> tuple[list[dict], list[dict]]:
    """Approved deviations of the lots accepted on deviation; a few awaiting a second signature."""
    in_review = [lot for lot in lots if lot["state"] == "in_review"]
    awaiting = rng.sample(in_review, min(AWAITING_DEVIATIONS, len(in_review)))
    signatures: list[dict[str, Any]] = []
    deviations: list[dict[str, Any]] = []

    def sign(lot: dict[str, Any], meaning: str, at: datetime) -> int:
        signer = lot["reviewer_id"]
        signatures.append(
            {
                "id": len(signatures) + 1,
                "lot_id": lot["id"],
                "supplier_id": lot["supplier_id"],
                "signer_id": signer,
                "signer_name": f"Reviewer{signer - SUPPLIERS}",
                "signer_role": "reviewer",
                "signed_at": at,
                "meaning": meaning,
                "reason": "Cosmetic only; accepted for this lot.",
            }
        )
        return len(signatures)

    for lot in [lot for lot in lots if lot["state"] == "accepted_on_deviation"] + awaiting:
        at = lot["decided_at"] or lot["claimed_at"]
        requested = sign(lot, "deviation_requested", at)
        second = sign(lot, "deviation_approved", at) if lot["decided_at"] else None
        deviations.append(
            {
                "id": len(deviations) + 1,
                "lot_id": lot["id"],
                "supplier_id": lot["supplier_id"],
                "reason": "Cosmetic only; accepted for this lot.",
                "quantity": lot["lot_size"],
                "expires_on": (at + timedelta(days=90)).date(),
                "state": "approved" if second else "awaiting",
                "requested_signature_id": requested,
                "second_signature_id": second,
                "created_at": at,
            }
        )
    return signatures, deviations


# --- Scorecard rows (load(..., scorecard_data=True)) ------------------------------------------------

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
SCAR_SHARE = 0.08  # of the rejected lots raise a SCAR (times the supplier's propensity, 0.5-1.5)
COMPLAINT_SHARE = 0.1  # SCARs raised from complaints (no lot), per SCAR raised from a lot
SCAR_SEVERITIES = (("critical", 15), ("major", 60), ("minor", 25))
# The 8D stages, each answered in one go: containment, root cause, actions, closure.
STAGES = (("D0", "D1", "D2", "D3"), ("D4",), ("D5", "D6"), ("D7", "D8"))
RETURN_SHARE = 0.12  # stage answers returned once before being accepted
STALL_SHARE = 0.05  # SCARs whose supplier stops answering at some stage (they turn overdue)
REOPEN_SHARE = 0.15  # SCARs reaching D8 that a later failing lot of the same part reopens
REOPEN_WITHIN = timedelta(days=90)


@dataclass(frozen=True)
class _Profile:
    """How one supplier does: Cpk, nonconformities, 8D answers on time, SCARs, its usual defects."""

    cpk_mean: float
    defects: float
    on_time: float
    scars: float
    code_weights: tuple[float, ...]  # cumulative, over DEFECT_CODES


def _profiles(rng: random.Random) -> dict[int, _Profile]:
    profiles = {}
    for supplier in range(1, SUPPLIERS + 1):
        weights = [rng.lognormvariate(0, 0.6) / (k + 1) ** 1.2 for k in range(len(DEFECT_CODES))]
        cumulative = [sum(weights[: k + 1]) for k in range(len(weights))]
        profiles[supplier] = _Profile(
            cpk_mean=rng.uniform(1.1, 1.75),
            defects=rng.uniform(0.5, 1.5),
            on_time=rng.uniform(0.5, 0.97),
            scars=rng.uniform(0.5, 1.5),
            code_weights=tuple(cumulative),
        )
    return profiles


def _characteristic_id(revision_id: int, k: int) -> int:
    return (revision_id - 1) * len(CHARACTERISTICS) + k + 1


def _nominal(k: int) -> float:
    return 10.0 + 5 * k


def _characteristics() -> list[dict[str, Any]]:
    rows = []
    for revision in range(1, SUPPLIERS * PARTS_PER_SUPPLIER + 1):
        for k, (code, kind, defect_class) in enumerate(CHARACTERISTICS):
            nominal = Decimal(f"{_nominal(k):.3f}")
            variable = kind == "variable"
            rows.append(
                {
                    "id": _characteristic_id(revision, k),
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


def _nonconforming(state: str, reject: bool, profile: _Profile, rng: random.Random) -> int:
    """Samples with a nonconformity in a submitted dataset (every sample size here is 50 or more)."""
    if state == "rejected":
        return rng.randint(3, 15)
    if state == "accepted_on_deviation" or reject:
        return rng.randint(2, 8)
    return rng.randint(1, 2) if rng.random() < 0.25 * profile.defects else 0


def _dataset(
    dataset_id: int, lot: dict[str, Any], number: int, profile: _Profile, rng: random.Random
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
    last_id: int, dataset: dict[str, Any], lot: dict[str, Any], profile: _Profile, rng: random.Random
) -> list[dict[str, Any]]:
    """One result per characteristic of the lot's revision (the critical ones around the supplier's Cpk)."""
    rows = []
    for k, (_code, kind, defect_class) in enumerate(CHARACTERISTICS):
        n = lot["sample_size"]
        if kind == "variable":
            cpk_mean = profile.cpk_mean + (0 if defect_class == "critical" else 0.2)
            stats = _capability(_nominal(k), cpk_mean, n, rng)
        else:
            failed = rng.randint(0, dataset["nonconforming"])
            stats = {"n": n, "failed": failed, "below": 0, "above": 0, "out_of_spec": None}
            stats.update(dict.fromkeys(NO_STATISTICS))
        rows.append(
            {
                "id": last_id + k + 1,
                "dataset_id": dataset["id"],
                "characteristic_id": _characteristic_id(lot["revision_id"], k),
                "supplier_id": lot["supplier_id"],
                "sigma_method": "lot",
                **stats,
            }
        )
    return rows


def _findings(
    last_id: int, dataset: dict[str, Any], lot: dict[str, Any], profile: _Profile, rng: random.Random
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


class _ScarLife:
    """One SCAR from its issue to `now`: its 8D stages answered (on time or late, some returned once),
    D8 accepted, perhaps reopened by a later failing lot of the part, closed some weeks after D8."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], now: datetime, rng: random.Random) -> None:
        from app.scars.services import DEFAULT_POLICIES

        self.rows, self.now, self.rng = rows, now, rng
        self.policies = DEFAULT_POLICIES

    def add(
        self,
        number: str,
        issued_at: datetime,
        supplier: int,
        part: int,
        lot: dict[str, Any] | None,
        profile: _Profile,
        failing: list[tuple[datetime, int]],
    ) -> None:
        rng, rows = self.rng, self.rows
        severity = rng.choices(*zip(*SCAR_SEVERITIES, strict=True))[0]
        days = self.policies[severity]  # containment, root cause, actions, closure days; lots
        scar_id = len(rows["scar"]) + 1
        self.supplier, self.profile = supplier, profile
        self.reviewer = reviewer_of(supplier) or SUPPLIERS + 1
        self.last_event = issued_at
        self.steps: dict[str, dict[str, Any]] = {}
        self.numbers: dict[str, int] = {}
        for stage, codes in enumerate(STAGES):
            for code in codes:
                self.steps[code] = {
                    "id": len(rows["scar_step"]) + 1,
                    "scar_id": scar_id,
                    "supplier_id": supplier,
                    "code": code,
                    "state": "open",
                    "due_on": issued_at.date() + timedelta(days=days[stage]),
                    "draft": {},
                    "draft_saved_at": None,
                    "accepted_at": None,
                }
                rows["scar_step"].append(self.steps[code])
                self.numbers[code] = 0
        if lot is not None:
            self._link(scar_id, lot["id"], "raised", issued_at)
        self.stall = rng.randrange(len(STAGES)) if rng.random() < STALL_SHARE else None
        state, verifying_since, closed_at, reopened = "open", None, None, 0
        done = self._answer(range(len(STAGES)), issued_at)
        if done is not None:
            state, verifying_since = "verifying", done
            after = bisect.bisect_right(failing, (done, 0))
            if rng.random() < REOPEN_SHARE and after < len(failing):
                reopened_at, reopening_lot = failing[after]
                if reopened_at < min(self.now, done + REOPEN_WITHIN):
                    state, verifying_since, reopened = "open", None, 1
                    self._link(scar_id, reopening_lot, "reopened", reopened_at)
                    self.last_event = reopened_at
                    for stage, codes in enumerate(STAGES[1:], 1):
                        for code in codes:
                            step = self.steps[code]
                            step["state"], step["accepted_at"] = "open", None
                            step["due_on"] = reopened_at.date() + timedelta(days=days[stage] - days[0])
                    done = self._answer(range(1, len(STAGES)), reopened_at)
                    if done is not None:
                        state, verifying_since = "verifying", done
        if verifying_since is not None:
            closing = verifying_since + timedelta(days=rng.uniform(7, 45))
            if closing < self.now:
                state, closed_at = "closed", closing
                self.last_event = closing
        source = "lot" if lot is not None else "complaint"
        rows["scar"].append(
            {
                "id": scar_id,
                "number": number,
                "part_id": part,
                "severity": severity,
                "source": source,
                "title": f"Rejected lot {lot['lot_number']}" if lot else f"Complaint on P-{part:05d}",
                "problem": "Nonconforming parts found; contain, find the root cause and correct it.",
                "state": state,
                "raised_by_id": self.reviewer,
                "issued_on": issued_at.date(),
                "effectiveness_lots": days[4],
                "verifying_since": verifying_since,
                "closed_at": closed_at,
                "reopened": reopened,
                "version": 1 + sum(self.numbers.values()),
                "supplier_id": supplier,
                "created_at": issued_at,
                "updated_at": self.last_event,
            }
        )

    def _link(self, scar_id: int, lot_id: int, role: str, at: datetime) -> None:
        links = self.rows["scar_lot"]
        links.append(
            {
                "id": len(links) + 1,
                "scar_id": scar_id,
                "lot_id": lot_id,
                "supplier_id": self.supplier,
                "role": role,
                "created_at": at,
            }
        )

    def _answer(self, stages: range, ready: datetime) -> datetime | None:
        """Answer the stages in turn from `ready`: when the last is accepted, None if `now` comes first."""
        rng = self.rng
        for stage in stages:
            if stage == self.stall:
                return None
            codes = STAGES[stage]
            due_end = datetime.combine(self.steps[codes[0]]["due_on"] + timedelta(days=1), time(), UTC)
            if rng.random() < self.profile.on_time and ready < due_end:
                sent = ready + (due_end - ready) * rng.uniform(0.1, 0.95)
            else:
                sent = max(ready, due_end) + timedelta(days=rng.uniform(0.2, 20))
            for attempt in range(2):
                if sent >= self.now:
                    return None
                sent_now = [self._submit(self.steps[code], sent) for code in codes]
                decided = sent + timedelta(hours=rng.uniform(4, 72))
                if decided >= self.now:
                    return None
                returned = attempt == 0 and rng.random() < RETURN_SHARE
                for submission in sent_now:
                    submission["decision"] = "returned" if returned else "accepted"
                    submission["comment"] = "Please complete the analysis." if returned else ""
                    submission["decided_by_id"] = self.reviewer
                    submission["decided_by_name"] = f"Reviewer{self.reviewer - SUPPLIERS}"
                    submission["decided_at"] = decided
                for code in codes:
                    step = self.steps[code]
                    step["state"] = "returned" if returned else "accepted"
                    step["accepted_at"] = None if returned else decided
                self.last_event = decided
                if not returned:
                    break
                sent = decided + timedelta(days=rng.uniform(1, 7))
            ready = decided
        return ready

    def _submit(self, step: dict[str, Any], at: datetime) -> dict[str, Any]:
        self.numbers[step["code"]] += 1
        step["state"] = "submitted"
        self.last_event = at
        submissions = self.rows["step_submission"]
        submissions.append(
            {
                "id": len(submissions) + 1,
                "step_id": step["id"],
                "supplier_id": self.supplier,
                "number": self.numbers[step["code"]],
                "content": {"summary": f"{step['code']} answer {self.numbers[step['code']]}"},
                "submitted_by_id": self.supplier,
                "submitted_by_name": f"Inspector{self.supplier}",
                "submitted_at": at,
                "decision": None,
                "comment": "",
                "decided_by_id": None,
                "decided_by_name": None,
                "decided_at": None,
            }
        )
        return submissions[-1]


def _scars(
    lots: Sequence[dict[str, Any]], profiles: dict[int, _Profile], now: datetime, rng: random.Random
) -> dict[str, list[dict[str, Any]]]:
    """SCARs from some rejected lots and from complaints, issued in time order, numbered per year."""
    failing: dict[int, list[tuple[datetime, int]]] = {}
    for lot in lots:
        if lot["state"] in ("rejected", "accepted_on_deviation"):
            failing.setdefault(lot["part_id"], []).append((lot["decided_at"], lot["id"]))
    for found in failing.values():
        found.sort()
    raised: list[tuple[datetime, int, int, dict[str, Any] | None]] = [
        (lot["decided_at"], lot["supplier_id"], lot["part_id"], lot)
        for lot in lots
        if lot["state"] == "rejected" and rng.random() < SCAR_SHARE * profiles[lot["supplier_id"]].scars
    ]
    for _ in range(round(len(raised) * COMPLAINT_SHARE)):
        supplier = rng.randint(1, SUPPLIERS)
        part = supplier + SUPPLIERS * rng.randrange(PARTS_PER_SUPPLIER)
        raised.append((now - SPAN * rng.random(), supplier, part, None))
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("scar", "scar_step", "step_submission", "scar_lot")
    }
    life = _ScarLife(rows, now, rng)
    per_year: dict[int, int] = {}
    for issued_at, supplier, part, lot in sorted(raised, key=lambda item: item[0]):
        per_year[issued_at.year] = per_year.get(issued_at.year, 0) + 1
        number = f"SCAR-{issued_at.year}-{per_year[issued_at.year]:04d}"
        life.add(number, issued_at, supplier, part, lot, profiles[supplier], failing.get(part, []))
    return rows


def scorecard_rows(
    lots: Sequence[dict[str, Any]], now: datetime, rng: random.Random
) -> dict[str, list[dict[str, Any]]]:
    """What the scorecard KPIs read, for the lots of `_lot`, by table in insertion order."""
    profiles = _profiles(rng)
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
        **_scars(lots, profiles, now, rng),
    }


def load(
    engine: Any, metadata: Any, lots: int, now: datetime, seed: int = 8, *, scorecard_data: bool = False
) -> Volume:
    """Insert the whole volume in one transaction; on PostgreSQL, move the sequences and ANALYZE.

    `scorecard_data` adds the rows the scorecard KPIs read (datasets, results, findings, SCARs);
    they come from a generator of their own, so every other row is the same with or without them.
    """
    rng = random.Random(seed)
    created = sorted(now - SPAN * rng.random() for _ in range(lots))
    states = _lot_states(lots, created, now, rng)
    lot_rows = [_lot(i, states[i], created[i], now, rng) for i in range(lots)]
    signatures, deviations = _deviations(lot_rows, rng)
    tables = {**_masters(now), "lot": lot_rows, "signature": signatures, "deviation": deviations}
    if scorecard_data:
        tables.update(scorecard_rows(lot_rows, now, random.Random(seed + 1)))
    volume = Volume(
        reviewers=[(SUPPLIERS + r, f"bench-token-{SUPPLIERS + r}") for r in range(1, REVIEWERS + 1)],
        assignments=assigned(),
    )
    for state in states:
        volume.states[state] = volume.states.get(state, 0) + 1
    with engine.begin() as conn:
        for name, rows in tables.items():
            volume.tables[name] = _insert(conn, metadata.tables[name], rows)
            volume.rows += volume.tables[name]
        if engine.dialect.name == "postgresql":
            for name in tables:
                sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
                conn.exec_driver_sql(f'SELECT setval({sequence}, (SELECT max(id) FROM "{name}"))')  # noqa: S608
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: the planner needs the statistics.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return volume
