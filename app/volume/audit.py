"""The volume's audit trail: the events the lots' and SCARs' lives wrote, hash-chained in time order.

Each lot has what `app.lots.services` and `app.reviews.services` record on the way to its state,
at the lot's own times, by the people of its row, with their `before`/`after` shapes:
`lot.created`, `lot.submitted` (and, for a lot sent back, `lot.claimed`, `lot.returned`,
`lot.resubmitted`), `lot.claimed`, then `lot.accepted` or `lot.rejected`, or
`lot.deviation_requested` and `lot.deviation_approved` (about 4 events per lot). Each SCAR has
its `scar.issued`. The 8D steps' moves and the lots' data saves are not generated.

The volume keeps no signature for a plain decision or a return, so their events name the signer,
the meaning and the reason but no signature id; a deviation's name its signature rows.

Events come out in time order without being held: lots are in creation order and every event of
a lot comes at or after its creation, so an event waiting in the heap is due once a lot created
after it comes up; only the lots still on their way (some days' worth) and the SCARs wait. Each
event is then hashed as `app.audit.services.record` would have (`event_hash`, under the given key),
chained to the one before it: `verify_chain()` holds, and events written later continue the chain.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.volume.shape import SUPPLIERS, reviewer_of

RETURN_REASON = "Please correct the data and submit again."
REJECT_REASON = "Nonconforming samples above the acceptance number."
# A lot sent back was claimed and returned in the time before its next submission (or `now`),
# within these bounds.
CLAIM_WITHIN = timedelta(hours=6)
RETURN_WITHIN = timedelta(hours=30)
DECISIONS = {
    "accepted": ("lot.accepted", "approved"),
    "rejected": ("lot.rejected", "rejected"),
}
# Sorted after a lot's events at the same instant: a SCAR is issued when its lot is rejected.
SCAR_ORDER = 1 << 62

Rows = dict[str, list[dict[str, Any]]]
# action, object type, object id, actor id, supplier id, before, after
Moment = tuple[str, str, int, int | None, int | None, dict[str, Any] | None, dict[str, Any]]


@dataclass(slots=True)
class _Event:
    """What `event_hash` reads of an event (`app.audit.services.EventContent`)."""

    prev_hash: str
    created_at: datetime
    actor_id: int | None
    supplier_id: int | None
    action: str
    object_type: str
    object_id: int | None
    before: Any
    after: Any
    key_id: str | None


def audit_rows(
    tables: Rows, now: datetime, key: tuple[str, bytes], head: tuple[int, str] | None = None
) -> Iterator[dict[str, Any]]:
    """The `audit_event` rows of the volume's lots and SCARs, in time order, hashed under `key`
    (its id and secret) and chained after `head` (id and hash of the trail's last event, if any)."""
    from app.audit.services import GENESIS_HASH, event_hash

    key_id, secret = key
    keys = {key_id: secret}
    last_id, prev = head or (0, GENESIS_HASH)
    for at, moment in _in_time_order(tables, now):
        action, object_type, object_id, actor, supplier, before, after = moment
        event = _Event(prev, at, actor, supplier, action, object_type, object_id, before, after, key_id)
        prev = event_hash(event, keys)
        last_id += 1
        yield {
            "id": last_id,
            "created_at": at,
            "actor_id": actor,
            "supplier_id": supplier,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": before,
            "after": after,
            "prev_hash": event.prev_hash,
            "key_id": key_id,
            "hash": prev,
        }


def _in_time_order(tables: Rows, now: datetime) -> Iterator[tuple[datetime, Moment]]:
    lots = tables["lot"]
    waiting: list[tuple[datetime, int, Moment]] = [
        (at, SCAR_ORDER + n, moment) for n, (at, moment) in enumerate(_scar_issues(tables))
    ]
    heapq.heapify(waiting)
    first_submitted = _first_submissions(tables.get("lot_dataset", ()), lots)
    deviations = _deviations(tables)
    order = 0
    for lot in lots:
        for at, moment in _lot_life(lot, first_submitted.get(lot["id"]), deviations.get(lot["id"]), now):
            heapq.heappush(waiting, (at, order, moment))
            order += 1
        # Every later event comes at or after this lot's creation.
        while waiting and waiting[0][0] <= lot["created_at"]:
            at, _order, moment = heapq.heappop(waiting)
            yield at, moment
    while waiting:
        at, _order, moment = heapq.heappop(waiting)
        yield at, moment


def _first_submissions(
    datasets: Sequence[dict[str, Any]], lots: Sequence[dict[str, Any]]
) -> dict[int, datetime]:
    """When each lot submitted twice first submitted (its dataset 1, when the volume has datasets)."""
    return {
        d["lot_id"]: d["submitted_at"]
        for d in datasets
        if d["number"] == 1 and d["submitted_at"] is not None and lots[d["lot_id"] - 1]["submissions"] > 1
    }


def _deviations(tables: Rows) -> dict[int, tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
    """Lot id -> its deviation, the signature requesting it and the second one (None: awaited)."""
    signatures = {row["id"]: row for row in tables.get("signature", ())}
    return {
        row["lot_id"]: (
            row,
            signatures[row["requested_signature_id"]],
            signatures.get(row["second_signature_id"]) if row["second_signature_id"] else None,
        )
        for row in tables.get("deviation", ())
    }


def _snapshot(lot: dict[str, Any], state: str) -> dict[str, Any]:
    """The lot's LOT_FIELDS (`app.lots.states`) as `snapshot` records them, in `state`."""
    return {
        "lot_number": lot["lot_number"],
        "lot_size": lot["lot_size"],
        "production_date": lot["production_date"].isoformat(),
        "inspection_date": lot["inspection_date"].isoformat(),
        "site_id": lot["site_id"],
        "part_id": lot["part_id"],
        "state": state,
    }


def _review(state: str, reviewer: int | None, version: int) -> dict[str, Any]:
    """The lot's REVIEW_FIELDS (`app.lots.states`)."""
    return {"state": state, "reviewer_id": reviewer, "version": version}


def _signed(
    signer: int, meaning: str, reason: str, submission: int, signature: int | None = None
) -> dict[str, Any]:
    """What `app.reviews.services._signed` adds to a signed move (the signature id where it is a row)."""
    named = {
        "signer": f"Reviewer{signer - SUPPLIERS}",
        "meaning": meaning,
        "reason": reason,
        "submission": submission,
    }
    return named if signature is None else {"signature": signature, **named}


class _LotLife:
    """A lot's events in the order its life wrote them, each at or after the one before it."""

    def __init__(self, lot: dict[str, Any]) -> None:
        self.lot = lot
        self.version = 1
        self.events: list[tuple[datetime, Moment]] = []

    def add(
        self,
        at: datetime,
        action: str,
        actor: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any],
    ) -> None:
        if self.events:
            at = max(at, self.events[-1][0])
        lot = self.lot
        self.events.append((at, (action, "Lot", lot["id"], actor, lot["supplier_id"], before, after)))

    def moved(
        self,
        at: datetime,
        action: str,
        actor: int,
        state: str,
        to: str,
        reviewer: int | None,
        details: dict[str, Any] | None = None,
        *,
        to_reviewer: int | None = None,
    ) -> None:
        """A brand move (`lots.states.move` with REVIEW_FIELDS): the version moves on with the row."""
        before = _review(state, reviewer, self.version)
        self.version += 1
        self.add(at, action, actor, before, {**_review(to, to_reviewer, self.version), **(details or {})})


def _lot_life(
    lot: dict[str, Any],
    first_submitted: datetime | None,
    deviation: tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None] | None,
    now: datetime,
) -> list[tuple[datetime, Moment]]:
    life = _LotLife(lot)
    life.add(lot["created_at"], "lot.created", lot["created_by_id"], None, _snapshot(lot, "draft"))
    rounds = lot["submissions"]
    if rounds == 0:
        return life.events
    state, last = lot["state"], lot["submitted_at"]
    reviewer = lot["reviewer_id"] or reviewer_of(lot["supplier_id"]) or SUPPLIERS + 1
    times = [first_submitted or lot["created_at"] + (last - lot["created_at"]) * 0.4, last][-rounds:]
    for number, at in enumerate(times, 1):
        final = number == rounds
        recommendation = lot["recommendation"] if final else "accept"
        life.version += 1
        life.add(
            at,
            "lot.submitted" if number == 1 else "lot.resubmitted",
            lot["inspector_id"],
            _snapshot(lot, "draft" if number == 1 else "returned"),
            {**_snapshot(lot, "submitted"), "dataset": number, "recommendation": recommendation},
        )
        if not final or state == "returned":
            end = now if final else times[number]
            claimed = at + min((end - at) / 3, CLAIM_WITHIN)
            life.moved(claimed, "lot.claimed", reviewer, "submitted", "in_review", None, to_reviewer=reviewer)
            details = _signed(reviewer, "returned", RETURN_REASON, number)
            returned = at + min((end - at) * 2 / 3, RETURN_WITHIN)
            life.moved(returned, "lot.returned", reviewer, "in_review", "returned", reviewer, details)
    if lot["claimed_at"] is None:
        return life.events
    life.moved(
        lot["claimed_at"], "lot.claimed", reviewer, "submitted", "in_review", None, to_reviewer=reviewer
    )
    if deviation is not None:
        _deviation_events(life, reviewer, rounds, *deviation)
    elif state in DECISIONS:
        action, meaning = DECISIONS[state]
        details = _signed(reviewer, meaning, REJECT_REASON if state == "rejected" else "", rounds)
        if (state == "accepted") == (lot["recommendation"] == "reject"):
            details["against_recommendation"] = True
        life.moved(
            lot["decided_at"], action, reviewer, "in_review", state, reviewer, details, to_reviewer=reviewer
        )
    return life.events


def _deviation_events(
    life: _LotLife,
    reviewer: int,
    rounds: int,
    deviation: dict[str, Any],
    requested: dict[str, Any],
    second: dict[str, Any] | None,
) -> None:
    """`lot.deviation_requested`, then, once signed again, `lot.deviation_approved`."""
    lot = life.lot
    life.version += 1  # the request touches the lot's row
    life.add(
        requested["signed_at"],
        "lot.deviation_requested",
        requested["signer_id"],
        _snapshot(lot, "in_review"),
        {
            **_snapshot(lot, "in_review"),
            **_signed(
                requested["signer_id"], requested["meaning"], requested["reason"], rounds, requested["id"]
            ),
            "quantity": deviation["quantity"],
            "expires_on": deviation["expires_on"].isoformat(),
        },
    )
    if second is None:
        return
    details = {
        **_signed(second["signer_id"], second["meaning"], second["reason"], rounds, second["id"]),
        "deviation": deviation["id"],
    }
    life.moved(
        second["signed_at"],
        "lot.deviation_approved",
        second["signer_id"],
        "in_review",
        "accepted_on_deviation",
        reviewer,
        details,
        to_reviewer=reviewer,
    )


def _scar_issues(tables: Rows) -> list[tuple[datetime, Moment]]:
    """Each SCAR's `scar.issued`, by whoever raised it, naming the lot that raised it."""
    raised = {row["scar_id"]: row["lot_id"] for row in tables.get("scar_lot", ()) if row["role"] == "raised"}
    return [
        (
            scar["created_at"],
            (
                "scar.issued",
                "Scar",
                scar["id"],
                scar["raised_by_id"],
                scar["supplier_id"],
                None,
                {
                    "number": scar["number"],
                    "severity": scar["severity"],
                    "source": scar["source"],
                    "title": scar["title"],
                    "lots": [raised[scar["id"]]] if scar["id"] in raised else [],
                },
            ),
        )
        for scar in tables.get("scar", ())
    ]
