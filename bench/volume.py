"""A portal's worth of rows for the page benches, bulk-inserted with SQLAlchemy Core.

100 suppliers with a site and an inspector each; 1,000 parts (10 per supplier), each with a
released standard revision and an approval at its supplier's site; a few reviewers assigned to
10 suppliers each; and N lots over 24 months. Lots older than six weeks are all decided (accepted,
rejected, on deviation, about 93 : 5 : 1); the queue (2.5 % of all lots: submitted, or in review
by a reviewer) and a few drafts and returned lots are among the last six weeks' lots. Lots accepted
on deviation have their approved deviation and its two signatures; a few lots in review have a
deviation waiting for its second signature. No measurements, datasets or evaluation results: the
pages that list lots read only the lot row.

Rows go in with one `conn.execute(table.insert(), rows)` executemany per batch, with explicit ids
(the PostgreSQL sequences are moved past them afterwards), in one transaction: no ORM objects, no
services, so neither the lots' plans nor the audit trail are computed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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
    """What was loaded: the reviewers (id, session token) and the count of lots per state."""

    reviewers: list[tuple[int, str]]
    assignments: dict[int, list[int]]
    states: dict[str, int] = field(default_factory=dict)
    rows: int = 0


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


def load(engine: Any, metadata: Any, lots: int, now: datetime, seed: int = 8) -> Volume:
    """Insert the whole volume in one transaction; on PostgreSQL, move the sequences and ANALYZE."""
    rng = random.Random(seed)
    created = sorted(now - SPAN * rng.random() for _ in range(lots))
    states = _lot_states(lots, created, now, rng)
    lot_rows = [_lot(i, states[i], created[i], now, rng) for i in range(lots)]
    signatures, deviations = _deviations(lot_rows, rng)
    tables = {**_masters(now), "lot": lot_rows, "signature": signatures, "deviation": deviations}
    volume = Volume(
        reviewers=[(SUPPLIERS + r, f"bench-token-{SUPPLIERS + r}") for r in range(1, REVIEWERS + 1)],
        assignments=assigned(),
    )
    for state in states:
        volume.states[state] = volume.states.get(state, 0) + 1
    with engine.begin() as conn:
        for name, rows in tables.items():
            volume.rows += _insert(conn, metadata.tables[name], rows)
        if engine.dialect.name == "postgresql":
            for name in tables:
                sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
                conn.exec_driver_sql(f'SELECT setval({sequence}, (SELECT max(id) FROM "{name}"))')  # noqa: S608
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load: the planner needs the statistics.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return volume
