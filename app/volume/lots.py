"""Lots over 24 months in their states, and the deviations (with their signatures) of some of them."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from app.volume.shape import (
    PARTS_PER_SUPPLIER,
    RECENT,
    REVIEWERS,
    SPAN,
    SUPPLIERS,
    reviewer_of,
    supplier_of_part,
)

WAITING_SHARE = 0.025
OPEN_SHARE = 0.005  # drafts and returned lots
IN_REVIEW_SHARE = 0.3  # of the waiting lots
AWAITING_DEVIATIONS = 10
# ISO 2859-1 level II: lot size -> sample size (code letters H, J, K, L).
PLANS = ((500, 50), (1_200, 80), (3_200, 125), (10_000, 200))
SEVERITIES = {"major": "normal", "minor": "normal"}
DECIDED_WEIGHTS = (("accepted", 93), ("rejected", 5), ("accepted_on_deviation", 1))
CLAIMED_STATES = ("in_review", "accepted", "rejected", "accepted_on_deviation")


def lot_rows(lots: int, now: datetime, rng: random.Random) -> list[dict[str, Any]]:
    """`lots` lots created over the 24 months before `now`, in creation order (ids 1..lots)."""
    created = sorted(now - SPAN * rng.random() for _ in range(lots))
    states = _lot_states(lots, created, now, rng)
    return [_lot(i, states[i], created[i], now, rng) for i in range(lots)]


def _lot_states(lots: int, created: Sequence[datetime], now: datetime, rng: random.Random) -> list[str]:
    recent = [i for i in range(lots) if now - created[i] <= RECENT]
    chosen = rng.sample(recent, min(len(recent), round(lots * (WAITING_SHARE + OPEN_SHARE))))
    waiting = round(lots * WAITING_SHARE)
    states = rng.choices([name for name, _ in DECIDED_WEIGHTS], [w for _, w in DECIDED_WEIGHTS], k=lots)
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


def deviation_rows(
    lots: Sequence[dict[str, Any]], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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
