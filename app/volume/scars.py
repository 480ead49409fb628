"""SCARs from rejected lots and complaints, each lived from its issue to `now` (8D steps, submissions)."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from app.volume.shape import PARTS_PER_SUPPLIER, SPAN, SUPPLIERS, Profile, reviewer_of

SCAR_SHARE = 0.08  # of the rejected lots raise a SCAR (times the supplier's propensity, 0.5-1.5)
COMPLAINT_SHARE = 0.1  # SCARs raised from complaints (no lot), per SCAR raised from a lot
SCAR_SEVERITIES = (("critical", 15), ("major", 60), ("minor", 25))
# The 8D stages, each answered in one go: containment, root cause, actions, closure.
STAGES = (("D0", "D1", "D2", "D3"), ("D4",), ("D5", "D6"), ("D7", "D8"))
RETURN_SHARE = 0.12  # stage answers returned once before being accepted
STALL_SHARE = 0.05  # SCARs whose supplier stops answering at some stage (they turn overdue)
REOPEN_SHARE = 0.15  # SCARs reaching D8 that a later failing lot of the same part reopens
REOPEN_WITHIN = timedelta(days=90)


class _ScarLife:
    """One SCAR from its issue to `now`: its 8D stages answered (on time or late, some returned once),
    D8 accepted, perhaps reopened by a later failing lot of the part, closed some weeks after D8."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], now: datetime, rng: random.Random) -> None:
        from app.scars.deadlines import DEFAULT_POLICIES

        self.rows, self.now, self.rng = rows, now, rng
        self.policies = DEFAULT_POLICIES

    def add(
        self,
        number: str,
        issued_at: datetime,
        supplier: int,
        part: int,
        lot: dict[str, Any] | None,
        profile: Profile,
        failing: list[tuple[datetime, int]],
    ) -> None:
        rng, rows = self.rng, self.rows
        severity = rng.choices([s for s, _ in SCAR_SEVERITIES], [w for _, w in SCAR_SEVERITIES])[0]
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


def scar_rows(
    lots: Sequence[dict[str, Any]],
    profiles: dict[int, Profile],
    now: datetime,
    rng: random.Random,
    scar_share: float = SCAR_SHARE,
    complaint_share: float = COMPLAINT_SHARE,
) -> dict[str, list[dict[str, Any]]]:
    """SCARs from some rejected lots and from complaints, issued in time order, numbered per year.

    A rejected lot raises one with the chance `scar_share` times its supplier's propensity; then
    `complaint_share` SCARs per SCAR so raised come from complaints (no lot).
    """
    failing: dict[int, list[tuple[datetime, int]]] = {}
    for lot in lots:
        if lot["state"] in ("rejected", "accepted_on_deviation"):
            failing.setdefault(lot["part_id"], []).append((lot["decided_at"], lot["id"]))
    for found in failing.values():
        found.sort()
    raised: list[tuple[datetime, int, int, dict[str, Any] | None]] = [
        (lot["decided_at"], lot["supplier_id"], lot["part_id"], lot)
        for lot in lots
        if lot["state"] == "rejected" and rng.random() < scar_share * profiles[lot["supplier_id"]].scars
    ]
    for _ in range(round(len(raised) * complaint_share)):
        supplier = rng.randint(1, SUPPLIERS)
        part = supplier + SUPPLIERS * rng.randrange(PARTS_PER_SUPPLIER)
        raised.append((now - SPAN * rng.random(), supplier, part, None))
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("scar", "scar_step", "step_submission", "scar_lot")
    }
    life = _ScarLife(rows, now, rng)
    per_year: dict[int, int] = {}
    for issued_at, supplier, part, source in sorted(raised, key=lambda item: item[0]):
        per_year[issued_at.year] = per_year.get(issued_at.year, 0) + 1
        number = f"SCAR-{issued_at.year}-{per_year[issued_at.year]:04d}"
        life.add(number, issued_at, supplier, part, source, profiles[supplier], failing.get(part, []))
    return rows
