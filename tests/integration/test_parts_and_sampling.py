"""Parts and approvals, the stored switching states, and the sampling calculator page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.parts import services as parts
from app.parts.models import Part
from app.quality.sampling import plan_for
from app.sampling import services as switching
from app.sampling.models import SwitchingEvent, SwitchingRecord
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world


def test_quality_manager_creates_a_part_and_a_duplicate_number_is_refused(app, client, world):
    login_as(client, world.quality_manager)
    data = {
        "part_number": "xq-1001",
        "name": "Rear glass",
        "product_line": "Xperia 1 VII",
        "drawing_revision": "C",
    }
    assert (
        client.post("/parts/new", data={"csrf_token": csrf_token(client, "/parts/new"), **data}).status_code
        == 302
    )
    again = client.post("/parts/new", data={"csrf_token": csrf_token(client, "/parts/new"), **data})
    assert "Another part already has the number XQ-1001." in again.get_data(as_text=True)


def test_approval_decides_is_approved_and_revoking_ends_it(app, world):
    with app.app_context():
        assert parts.is_approved(world.supplier_a, world.site_a, world.part_a)
        assert not parts.is_approved(world.supplier_a, world.site_a, world.part_b)
        approval = parts.approvals_of_part(world.part_a)[0]
        parts.revoke(approval)
        assert not parts.is_approved(world.supplier_a, world.site_a, world.part_a)
        with pytest.raises(parts.RuleError):
            parts.revoke(approval)


def test_approving_the_same_site_twice_is_refused_next_to_the_field(client, world):
    login_as(client, world.admin)
    url = f"/parts/{world.part_a}/approvals/new"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "site_id": world.site_a}).get_data(
        as_text=True
    )
    assert 'id="site_id-error"' in page and "already approved" in page


def test_supplier_lists_only_parts_it_is_approved_for(client, world):
    login_as(client, world.inspector_a)
    page = client.get("/parts/").get_data(as_text=True)
    assert "PA-100" in page and "PB-200" not in page


def _lot(app, world, nonconforming: int, defect_class: str = "major"):
    with app.app_context():
        severity = switching.severity_of(world.supplier_a, world.part_a, defect_class)
        plan = plan_for(500, "0.65", severity=severity)
        transition = switching.apply_lot_result(
            world.supplier_a, world.part_a, defect_class, plan, nonconforming
        )
        db.session.commit()
        return transition


def test_two_rejections_in_five_lots_store_tightened_with_history(app, world):
    for d in (0, 9, 0, 9):  # lot 500 at 0.65 normal: J, n=80, Ac 1 -- 9 nonconforming rejects
        _lot(app, world, d)
    with app.app_context():
        row = db.session.get(SwitchingRecord, world.switching_a)
        assert row.severity == "tightened"
        events = db.session.scalars(select(SwitchingEvent).where(SwitchingEvent.record_id == row.id)).all()
        # The world's accepted lot (decided_a) is the first of the five.
        assert [e.severity_after for e in events] == ["normal", "normal", "normal", "normal", "tightened"]
        assert events[-1].rule == "normal_to_tightened"


def test_a_discontinued_part_refuses_lots_until_a_quality_manager_restores_it(app, client, world):
    with app.app_context():
        db.session.get(SwitchingRecord, world.switching_a).state = {
            "severity": "tightened",
            "tightened_rejections": 4,
        }
        db.session.get(SwitchingRecord, world.switching_a).severity = "tightened"
        db.session.commit()
    _lot(app, world, 9)
    with app.app_context():
        assert db.session.get(SwitchingRecord, world.switching_a).discontinued
    with pytest.raises(switching.RuleError, match="discontinued"):
        _lot(app, world, 0)
    login_as(client, world.quality_manager)
    url = f"/switching/{world.switching_a}/restore"
    empty = client.post(url, data={"csrf_token": csrf_token(client, "/account"), "reason": ""})
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    client.post(
        url, data={"csrf_token": csrf_token(client, "/account"), "reason": "8D closed, sorting verified"}
    )
    with app.app_context():
        row = db.session.get(SwitchingRecord, world.switching_a)
        assert (row.severity, row.discontinued) == ("tightened", False)


def test_allowing_reduced_switches_at_once_when_the_score_is_earned(app, client, world):
    with app.app_context():
        db.session.get(SwitchingRecord, world.switching_a).state = {"switching_score": 30}
        db.session.commit()
    login_as(client, world.quality_manager)
    client.post(
        f"/switching/{world.switching_a}/reduced",
        data={"csrf_token": csrf_token(client, "/account"), "allowed": "y", "reason": "Stable for 6 months"},
    )
    with app.app_context():
        row = db.session.get(SwitchingRecord, world.switching_a)
        assert (row.severity, row.reduced_allowed) == ("reduced", True)


def test_supplier_sees_its_severity_and_the_way_to_reduced(app, client, world):
    _lot(app, world, 0)
    login_as(client, world.inspector_a)
    page = client.get("/sampling/status").get_data(as_text=True)
    assert "PA-100" in page and "PB-200" not in page
    assert "Switching score 2 of 30" in page  # major class, plan J n=80 Ac 1, accepted: +2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Lot 500, level II -> H (n=50); normal H@0.65 is an arrow down to J: n=80, Ac 1, Re 2
        (
            "lot_size=500&aql_major=0.65&aql_critical=&aql_minor=",
            ["H → J", ">80<", ">1<", ">2<", "Sample 80 units from the lot of 500"],
        ),
        # ISO vs Z1.4 reduced, lot 125, level III, AQL 1.0 (NOTES 1.5): ANSI H n=20 0/2, ISO J n=32 1/2
        (
            "lot_size=125&level=III&severity=reduced&scheme=ansi-z14&aql_major=1.0&aql_critical=&aql_minor=",
            ["G → H", ">20<", ">0<", ">2<", "accepted but inspection returns to normal"],
        ),
        (
            "lot_size=125&level=III&severity=reduced&scheme=iso2859-1&aql_major=1.0&aql_critical=&aql_minor=",
            ["G → J", ">32<", ">1<", ">2<"],
        ),
    ],
)
def test_calculator_shows_plans_and_reasoning(client, world, query, expected):
    login_as(client, world.inspector_a)
    page = client.get(f"/sampling/calculator?{query}").get_data(as_text=True)
    for text in expected:
        assert text in page, text


def test_calculator_explains_a_bad_lot_size_next_to_the_field(client, world):
    login_as(client, world.inspector_a)
    page = client.get("/sampling/calculator?lot_size=1").get_data(as_text=True)
    assert 'id="lot_size-error"' in page and "A lot has at least 2 units." in page


def test_part_page_runs_a_bounded_number_of_queries(app, client, world):
    from sqlalchemy import event

    with app.app_context():
        for n in range(5):
            db.session.add(Part(part_number=f"EXTRA-{n}", name="x", product_line="y", drawing_revision="A"))
        db.session.commit()
        engine = db.engine
    login_as(client, world.admin)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/parts/{world.part_a}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 10


def test_a_lot_inspected_before_its_class_switched_is_decided_and_leaves_the_new_state(app, world):
    """Two lots made on normal inspection; the class switches to tightened before the second is decided.
    Deciding it must not fail (the state expects a tightened plan) nor move the tightened run."""
    from app.auth.models import User
    from app.lots.models import Lot
    from app.reviews.services import Decision, decide
    from tests import factories

    with app.test_request_context():
        lot = db.session.get(Lot, world.in_review_a)
        row = switching.record_for(world.supplier_a, world.part_a, "major")
        # As a decision on another lot would have switched it: the stored state and its column.
        row.state = {**(row.state or {}), "severity": "tightened", "recent": []}
        row.severity = "tightened"
        db.session.flush()
        before = dict(row.state)
        reviewer = db.session.get(User, world.reviewer.id)
        decide(
            lot, reviewer, Decision.ACCEPT, reason="", password=factories.PASSWORD, version=None,
            acknowledged=True,
        )  # fmt: skip
        db.session.flush()
        assert lot.state == "accepted"
        row = switching.record_for(world.supplier_a, world.part_a, "major")
        assert row.severity == "tightened" and row.state == before
        db.session.rollback()
