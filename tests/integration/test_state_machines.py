"""The lot's and the 8D step's state machines are data, moved by one function each, which audits
the move and emits its domain event; the events reach their subscribers in a fixed order."""

from __future__ import annotations

import ast
from pathlib import Path
from unittest.mock import patch

import pytest
from sqlalchemy import select

from app import events, policies
from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot, LotState
from app.lots.states import TRANSITIONS, LotChangedError, move
from app.reviews.services import Decision, claim, decide
from app.rules import RuleError
from app.scars.models import Scar, StepState
from app.scars.states import STEP_TRANSITIONS, move_step
from tests.factories import PASSWORD

pytestmark = pytest.mark.shared_world

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def test_every_guard_is_a_permission_question_and_every_event_is_declared():
    questions = set(policies.questions())
    for name, transition in (*TRANSITIONS.items(), *STEP_TRANSITIONS.items()):
        assert transition.guard in questions | {"effectiveness_failed"}, name
        assert transition.event is None or transition.event in events.EVENTS, name


def test_every_lot_state_is_reached_and_only_the_decisions_are_final():
    reached = {t.target for t in TRANSITIONS.values()} | {LotState.DRAFT}
    left = {s for t in TRANSITIONS.values() for s in t.sources}
    assert reached == set(LotState)
    assert set(LotState) - left == {LotState.ACCEPTED, LotState.REJECTED, LotState.ACCEPTED_ON_DEVIATION}


def _assignments_of_state(path: Path) -> list[int]:
    """Lines where `<x>.state = …` is assigned, alone or in a tuple."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            for item in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(item, ast.Attribute) and item.attr == "state":
                    lines.append(node.lineno)
    return lines


def test_lot_and_step_states_change_only_in_their_state_machines():
    allowed = {APP_DIR / "lots" / "states.py", APP_DIR / "scars" / "states.py"}
    # Other `.state` attributes (SCARs, revisions, deviations, switching records) have no machine here.
    others = {
        "webhooks/services.py",  # a webhook delivery's state (pending, delivered, failed)
        "scars/effectiveness.py",
        "standards/services.py",
        "reviews/services.py",
        "sampling/services.py",
    }
    found = {
        str(path.relative_to(APP_DIR)): lines
        for path in APP_DIR.rglob("*.py")
        if path not in allowed and (lines := _assignments_of_state(path))
    }
    assert set(found) <= others, found


def test_a_move_out_of_the_table_is_refused_and_changes_nothing(app, world):
    with app.app_context():
        lot = db.session.get(Lot, world.decided_a)
        with pytest.raises(LotChangedError):
            move(lot, "claim", actor_id=world.reviewer.id)
        assert lot.state == LotState.ACCEPTED
        step = next(s for s in db.session.get(Scar, world.scar_a).steps if s.code == "D1")
        with pytest.raises(RuleError):
            move_step(step, "accept")
        assert step.state == StepState.OPEN


def test_a_decision_is_audited_once_and_emits_lot_decided_once(app, world):
    heard: list[tuple[int, str]] = []

    def listener(lot: Lot, reason: str) -> None:
        heard.append((lot.id, reason))

    with app.app_context(), patch.dict(events._handlers, {"lot.decided": [listener]}):
        lot = db.session.get(Lot, world.in_review_a)
        decide(
            lot,
            db.session.get(User, world.reviewer.id),
            Decision.REJECT,
            reason="Burr",
            password=PASSWORD,
            version=None,
            acknowledged=True,  # the lot recommends acceptance
        )
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "Lot", AuditEvent.object_id == lot.id)
        ).all()
    assert heard == [(world.in_review_a, "Burr")]
    assert actions.count("lot.rejected") == 1


def test_a_return_emits_lot_returned_and_not_lot_decided(app, world):
    heard: list[str] = []
    handlers = {
        "lot.decided": [lambda lot, reason: heard.append("decided")],
        "lot.returned": [lambda lot, reason: heard.append(f"returned: {reason}")],
    }
    with app.app_context(), patch.dict(events._handlers, handlers):
        lot = db.session.get(Lot, world.in_review_a)
        decide(
            lot,
            db.session.get(User, world.reviewer.id),
            Decision.RETURN,
            reason="Fix W1",
            password=PASSWORD,
            version=None,
        )
        assert lot.state == LotState.RETURNED and lot.reviewer_id is None
    assert heard == ["returned: Fix W1"]


def test_a_claim_emits_no_event_and_is_audited_with_the_reviewer(app, world):
    with app.app_context(), patch.dict(events._handlers, {name: [] for name in events.EVENTS}):
        lot = db.session.get(Lot, world.submitted_a)
        claim(lot, db.session.get(User, world.reviewer.id))
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "lot.claimed", AuditEvent.object_id == lot.id)
        ).one()
    assert event.before["state"] == "submitted" and event.after["state"] == "in_review"
    assert event.after["reviewer_id"] == world.reviewer.id


def test_lot_decided_reaches_switching_then_the_supplier_then_the_scars():
    events.load_subscribers()
    names = [f"{h.__module__}.{h.__name__}" for h in events.handlers_of("lot.decided")]
    assert names == [
        "app.sampling.subscribers.advance_switching",
        "app.reviews.subscribers.tell_supplier_decided",
        "app.scars.subscribers.count_for_effectiveness",
        "app.scorecards.subscribers.lot_counted",  # the supplier's data version: its snapshots are old
        "app.webhooks.subscribers.lot_decided",  # last: the MES hears once the portal has reacted
    ]


def test_an_event_carries_exactly_its_declared_data():
    with pytest.raises(TypeError, match=r"lot\.decided carries"):
        events.emit("lot.decided", lot=None)
    with pytest.raises(KeyError):
        events.subscribe("lot.vanished")
