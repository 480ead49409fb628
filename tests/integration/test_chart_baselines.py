"""Frozen control-chart baselines (#14): a quality manager freezes a chart's limits and the lots that
make them; later lots' charts use them, say so in words, until the limits are unfrozen."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.extensions import db
from app.lots.models import Lot
from app.reviews import baselines, charts
from app.reviews.models import FrozenBaseline
from app.rules import RuleError
from app.standards.models import Characteristic
from tests.conftest import csrf_token, login_as
from tests.integration.test_review_charts import _lots

pytestmark = pytest.mark.shared_world

WORLD_LOTS = "A-0002, A-0003, A-0004"  # the world's submitted lots of part A, before the test's


def _d1(lot: Lot) -> str:
    return str(
        db.session.scalar(select(Characteristic.id).where(Characteristic.revision_id == lot.revision_id))
    )


def _made(world, spreads: list[int], prefix: str = "F") -> Lot:  # type: ignore[no-untyped-def]
    """Submitted lots of the world's part A, committed so that the client's requests see them."""
    lot = _lots(world, spreads, prefix)
    db.session.commit()  # releases the test's savepoint only: rolled back after the test
    return lot


def _view(lot: Lot, key: str) -> charts.ChartView:
    return next(v for v in charts.for_lot(db.session.get(Lot, lot.id)) if v.key == key)


def _post(client, lot_id: int, key: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {f"{action}-{key}-{name}": value for name, value in fields.items()}
    data[f"{action}-{key}-csrf_token"] = csrf_token(client, "/account")
    return client.post(f"/lots/{lot_id}/charts/{key}/{action}", data=data)


def _frozen(app, client, world, reason: str = "Process validated after the new tooling"):  # type: ignore[no-untyped-def]
    """Five lots of a small spread, and the D1 limits of the fifth's chart frozen by the quality manager."""
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        key = _d1(lot)
        basis = baselines.basis_ids(_view(lot, key).basis)
    login_as(client, world.quality_manager)
    response = _post(client, lot.id, key, "freeze", reason=reason, basis=basis)
    assert response.status_code == 302
    return lot.id, key


def test_a_quality_manager_freezes_the_limits_and_the_lots_that_make_them(app, client, world):
    _frozen(app, client, world)
    with app.app_context():
        row = db.session.scalars(select(FrozenBaseline)).one()
        assert [lot.lot_number for lot in row.lots] == [
            *WORLD_LOTS.split(", "),
            "F-000",
            "F-001",
            "F-002",
            "F-003",
        ]
        assert (row.kind, row.n, row.frozen_by_id, row.reason) == (
            "xbar_r",
            20,
            world.quality_manager.id,
            "Process validated after the new tooling",
        )
        assert row.ucl > row.center > row.lcl and row.spread_ucl > row.spread_center
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "baseline.frozen")).one()
        assert event.after["lots"] == f"{WORLD_LOTS}, F-000, F-001, F-002, F-003"


def test_frozen_limits_judge_a_later_lot_although_new_lots_would_move_recomputed_ones(app, client, world):
    _lot_id, key = _frozen(app, client, world)
    with app.app_context():
        later = _made(world, [2] * 8, "G")
        view = _view(later, key)
        name = db.session.get(User, world.quality_manager.id).name
        assert view.frozen is not None and view.computed is not None
        # Recomputed from the lots before G-007, wider but in control, the R chart's centre line would
        # have moved up by nearly half...
        assert view.computed.spread_center is not None and view.frozen.spread_center is not None
        assert view.computed.spread_center > view.frozen.spread_center * 1.4
    # ...but the frozen limits judge it, and the words say whose and from which lots.
    assert view.note.endswith(
        f"limits frozen on 2026-11-18 by {name} from lots {WORLD_LOTS}, F-000, F-001, F-002, F-003."
    )
    assert "The spread of lot G-007 is beyond its control limits." in view.violations


def test_the_lot_page_says_the_limits_are_frozen_and_why(app, client, world):
    lot_id, key = _frozen(app, client, world, reason="Capability study CS-12")
    page = client.get(f"/lots/{lot_id}").get_data(as_text=True)
    assert f"from lots {WORLD_LOTS}, F-000, F-001, F-002, F-003" in page
    assert "Reason for freezing: Capability study CS-12" in page
    assert f'action="/lots/{lot_id}/charts/{key}/unfreeze"' in page


def test_unfreezing_is_recorded_and_the_charts_recompute(app, client, world):
    lot_id, key = _frozen(app, client, world)
    response = _post(client, lot_id, key, "unfreeze", reason="Tooling changed again")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalars(select(FrozenBaseline)).one()
        assert (row.unfrozen_by_id, row.unfreeze_reason) == (
            world.quality_manager.id,
            "Tooling changed again",
        )
        assert row.unfrozen_at is not None
        view = _view(db.session.get(Lot, lot_id), key)
        assert view.frozen is None and view.note.endswith("limits from the 7 lots before this one.")
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "FrozenBaseline")
        )
        assert list(actions) == ["baseline.frozen", "baseline.unfrozen"]


def test_the_p_chart_can_be_frozen_too(app, client, world):
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        basis = baselines.basis_ids(_view(lot, "p").basis)
    login_as(client, world.quality_manager)
    assert _post(client, lot.id, "p", "freeze", reason="Stable", basis=basis).status_code == 302
    with app.app_context():
        view = _view(lot, "p")
    assert view.frozen is not None and "limits frozen on 2026-11-18" in view.note


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN, Role.SUPPLIER_INSPECTOR, Role.SUPPLIER_MANAGER])
def test_only_a_quality_manager_freezes_or_unfreezes(app, client, world, role):
    actor = {
        Role.REVIEWER: world.reviewer,
        Role.ADMIN: world.admin,
        Role.SUPPLIER_INSPECTOR: world.inspector_a,
        Role.SUPPLIER_MANAGER: world.manager_a,
    }[role]
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        key = _d1(lot)
        basis = baselines.basis_ids(_view(lot, key).basis)
    login_as(client, actor)
    assert _post(client, lot.id, key, "freeze", reason="x", basis=basis).status_code == 403
    assert _post(client, lot.id, key, "unfreeze", reason="x").status_code == 403
    page = client.get(f"/lots/{lot.id}").get_data(as_text=True)
    assert "/freeze" not in page


def test_the_service_refuses_anyone_but_a_quality_manager(app, world):
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        key = _d1(lot)
        basis = baselines.basis_ids(_view(lot, key).basis)
        with pytest.raises(RuleError, match="Only a quality manager"):
            baselines.freeze(lot, key, db.session.get(User, world.reviewer.id), "x", basis)


def test_another_suppliers_lot_or_characteristic_gives_404(app, client, world):
    lot_id, key = _frozen(app, client, world)
    # Supplier B's lot with supplier A's characteristic: not one of that lot's charts.
    assert _post(client, world.decided_b, key, "unfreeze", reason="x").status_code == 404
    assert _post(client, world.decided_b, key, "freeze", reason="x", basis="").status_code == 404
    assert _post(client, lot_id, "D1", "freeze", reason="x", basis="").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(FrozenBaseline)).one().unfrozen_at is None


def test_a_missing_reason_is_said_next_to_the_field(app, client, world):
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        key = _d1(lot)
        basis = baselines.basis_ids(_view(lot, key).basis)
    login_as(client, world.quality_manager)
    response = _post(client, lot.id, key, "freeze", reason="", basis=basis)
    assert response.status_code == 422
    assert "Give the reason for freezing these limits." in response.get_data(as_text=True)


def test_a_chart_changed_since_the_page_was_opened_is_not_frozen(app, client, world):
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        key = _d1(lot)
    login_as(client, world.quality_manager)
    response = _post(client, lot.id, key, "freeze", reason="Kept", basis="1,2,3")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The chart has changed since you opened the page" in page and "Kept</textarea>" in page
    with app.app_context():
        assert db.session.scalars(select(FrozenBaseline)).all() == []


def test_a_baseline_of_too_few_lots_is_not_frozen(app, client, world):
    with app.app_context():
        lot = db.session.get(Lot, world.decided_a)  # 3 lots on its charts
        key = _d1(lot)
        basis = baselines.basis_ids(_view(lot, key).basis)
    login_as(client, world.quality_manager)
    response = _post(client, lot.id, key, "freeze", reason="Early", basis=basis)
    assert response.status_code == 422
    assert "A baseline needs at least 5 in-control lots; this one has 3." in response.get_data(as_text=True)


def test_the_audit_trail_names_the_frozen_limits_in_words(app, client, world):
    _frozen(app, client, world)
    page = client.get("/audit").get_data(as_text=True)
    assert "Control limits frozen" in page
    assert "Frozen control limits PA-100 rev. 1 D1" in page
    assert f"{WORLD_LOTS}, F-000, F-001, F-002, F-003" in page


def test_a_second_freeze_of_a_frozen_chart_is_refused(app, client, world):
    lot_id, key = _frozen(app, client, world)
    with app.app_context():
        lot = db.session.get(Lot, lot_id)
        manager = db.session.get(User, world.quality_manager.id)
        with pytest.raises(RuleError, match="frozen already"):
            baselines.freeze(lot, key, manager, "Again", baselines.basis_ids(_view(lot, key).basis))


def test_two_managers_freezing_at_once_leave_one_baseline(app, client, world):
    lot_id, key = _frozen(app, client, world)
    with app.app_context():
        lot = db.session.get(Lot, lot_id)
        manager = db.session.get(User, world.quality_manager.id)
        # The second one read the chart before the first one's freeze: the database refuses the twin.
        with patch.object(charts.frozen_words, "active_for", return_value={}):
            basis = baselines.basis_ids(_view(lot, key).basis)
            with pytest.raises(RuleError, match="frozen already"):
                baselines.freeze(lot, key, manager, "Again", basis)
        assert len(db.session.scalars(select(FrozenBaseline)).all()) == 1
