"""SCAR services: due dates by severity, the 8D step order, signed submissions kept, and the
effectiveness check that closes a SCAR after clean lots or reopens it at D4 when a lot fails."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot
from app.notifications.models import Notification
from app.parts.models import Part
from app.reviews import services as reviews
from app.rules import RuleError
from app.scars import deadlines as scar_deadlines
from app.scars import services, steps
from app.scars.models import STEPS, ScarLot, ScarState, StepState
from app.suppliers.models import Site
from tests import factories

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world


def _user(person) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, person.id)


def complete(code: str) -> dict:
    """An answer to a step that its check accepts, built from the step's description."""
    content: dict = {}
    for field in steps.SPECS[code].fields:
        if field.kind == steps.TABLE:
            row = {
                c.name: ("2026-12-01" if c.kind == steps.DATE else f"{c.name} text") for c in field.columns
            }
            content[field.name] = [dict(row) for _ in range(max(field.min_rows, 1))]
        elif field.kind == steps.COUNT:
            content[field.name] = "12"
        elif field.kind == steps.DATE:
            content[field.name] = "2026-12-01"
        else:
            content[field.name] = f"{field.name} answer"
    assert steps.check(code, content, complete=True) == {}
    return content


def _raise(world, severity: str = "major"):  # type: ignore[no-untyped-def]
    data = services.ScarInput(
        world.supplier_a, world.part_a, severity, "other", "Burrs on bore", "Burrs found"
    )
    return services.raise_scar(data, _user(world.reviewer))


def _answer(scar, world, codes, accept: bool = True):  # type: ignore[no-untyped-def]
    manager, reviewer = _user(world.manager_a), _user(world.reviewer)
    for code in codes:
        step = services.step_of(scar, code)
        services.submit_step(step, complete(code), manager, password=factories.PASSWORD)
        if accept:
            services.decide_step(step, reviewer, accept=True, comment="")


def test_due_dates_follow_the_severity_across_month_and_year_ends(app, world):
    """Major: containment 2 days, root cause 10, actions 30, closure 60 (SPEC.md section 6)."""
    with app.app_context():
        policy = scar_deadlines.policy_for("major")
        dates = scar_deadlines.due_dates(date(2026, 12, 30), policy)
        assert dates["D0"] == dates["D3"] == date(2027, 1, 1)
        assert dates["D4"] == date(2027, 1, 9)
        assert dates["D5"] == dates["D6"] == date(2027, 1, 29)
        assert dates["D7"] == dates["D8"] == date(2027, 2, 28)
        assert scar_deadlines.due_dates(date(2028, 1, 30), scar_deadlines.policy_for("critical"))[
            "D3"
        ] == date(2028, 1, 31)


def test_a_step_waits_for_the_steps_it_needs_and_d0_to_d3_go_together(app, world):
    with app.app_context():
        scar = _raise(world)
        manager = _user(world.manager_a)
        d4 = services.step_of(scar, "D4")
        with pytest.raises(RuleError, match="D0, D1, D2, D3 are accepted"):
            services.submit_step(d4, complete("D4"), manager, password=factories.PASSWORD)
        _answer(scar, world, ["D0", "D1", "D2", "D3"], accept=False)
        assert {services.step_of(scar, c).state for c in ("D0", "D1", "D2", "D3")} == {StepState.SUBMITTED}
        with pytest.raises(RuleError, match="can be submitted once"):
            services.submit_step(d4, complete("D4"), manager, password=factories.PASSWORD)


def test_only_a_manager_signs_and_a_submitted_step_is_frozen(app, world):
    with app.app_context():
        scar = _raise(world)
        d0 = services.step_of(scar, "D0")
        inspector, manager = _user(world.inspector_a), _user(world.manager_a)
        services.save_draft(d0, {"symptom": "Burrs"}, inspector)  # an incomplete draft is kept
        assert d0.draft["symptom"] == "Burrs"
        with pytest.raises(RuleError, match="manager of your company signs"):
            services.submit_step(d0, complete("D0"), inspector, password=factories.PASSWORD)
        with pytest.raises(services.StepError) as incomplete:
            services.submit_step(d0, {"symptom": "Burrs"}, manager, password=factories.PASSWORD)
        assert incomplete.value.problems == {"emergency_actions": "Please fill this in."}
        with pytest.raises(RuleError, match="password is not correct"):
            services.submit_step(d0, complete("D0"), manager, password="wrong-password-1")
        services.submit_step(d0, complete("D0"), manager, password=factories.PASSWORD)
        with pytest.raises(RuleError, match="can no longer be changed"):
            services.save_draft(d0, {"symptom": "Changed"}, manager)


def test_returning_keeps_every_submission_and_needs_a_comment(app, world):
    with app.app_context():
        scar = _raise(world)
        d3 = services.step_of(scar, "D3")
        reviewer, manager = _user(world.reviewer), _user(world.manager_a)
        with pytest.raises(RuleError, match="has not been submitted"):
            services.decide_step(d3, reviewer, accept=True, comment="")
        services.submit_step(d3, complete("D3"), manager, password=factories.PASSWORD)
        with pytest.raises(RuleError) as refused:
            services.decide_step(d3, reviewer, accept=False, comment=" ")
        assert refused.value.field == "comment"
        services.decide_step(d3, reviewer, accept=False, comment="Include the stock in transit")
        assert d3.state == StepState.RETURNED
        services.submit_step(d3, complete("D3"), manager, password=factories.PASSWORD)
        services.decide_step(d3, reviewer, accept=True, comment="")
        kept = [(s.number, s.decision, s.comment) for s in services.submissions_of(scar)]
        assert kept == [(1, "returned", "Include the stock in transit"), (2, "accepted", "")]


def test_due_dates_move_forward_only(app, world):
    with app.app_context():
        scar = _raise(world)
        step, reviewer = services.step_of(scar, "D4"), _user(world.reviewer)
        with pytest.raises(RuleError, match="in the past") as refused:
            scar_deadlines.change_due_date(step, date(2020, 1, 1), "late", reviewer)
        assert refused.value.field == "due_on"


def _decided_lot(world, number: str, reject: bool) -> Lot:  # type: ignore[no-untyped-def]
    site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
    lot = factories.submitted_lot(site, part, _user(world.inspector_a), number)
    reviewer = _user(world.reviewer)
    reviews.claim(lot, reviewer)
    decision = reviews.Decision.REJECT if reject else reviews.Decision.ACCEPT
    reviews.decide(
        lot,
        reviewer,
        decision,
        reason="Burrs again",
        password=factories.PASSWORD,
        version=None,
        acknowledged=reject,
    )
    return lot


def test_clean_lots_after_d8_close_the_scar_effective(app, world):
    with app.app_context():
        scar = _raise(world)
        _answer(scar, world, list(STEPS))
        assert scar.state == ScarState.VERIFYING and scar.effectiveness_lots == 3
        for i in range(3):
            assert scar.state == ScarState.VERIFYING
            _decided_lot(world, f"E-{i}", reject=False)
        assert scar.state == ScarState.CLOSED and scar.closed_at is not None


def test_a_failed_lot_after_d8_reopens_the_scar_at_d4_and_tells_both_sides(app, world):
    with app.app_context():
        scar = _raise(world)
        _answer(scar, world, list(STEPS))
        _decided_lot(world, "E-0", reject=False)
        failed = _decided_lot(world, "E-1", reject=True)
        assert scar.state == ScarState.OPEN and scar.reopened == 1
        states = {s.code: s.state for s in scar.steps}
        assert {states[c] for c in ("D0", "D1", "D2", "D3")} == {StepState.ACCEPTED}
        assert {states[c] for c in ("D4", "D5", "D6", "D7", "D8")} == {StepState.OPEN}
        link = db.session.scalars(
            select(ScarLot).where(ScarLot.scar_id == scar.id, ScarLot.lot_id == failed.id)
        ).one()
        assert link.role == "reopened"
        told = set(
            db.session.scalars(select(Notification.user_id).where(Notification.kind == "scar_reopened"))
        )
        assert {world.reviewer.id, world.manager_a.id, world.inspector_a.id} <= told
