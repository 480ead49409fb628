"""8D steps tell people (#14): a submitted step its issuer, a returned or accepted one the supplier's
people, in the portal and by e-mail; the reviewer's home lists the steps waiting for them, and the
SCAR list filters the SCARs waiting for the brand."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.outbox.models import OutboxMessage
from app.scars import services
from tests import factories
from tests.conftest import count_page_statements, login_as
from tests.integration.scar_answers import answer, complete, raise_scar, user

pytestmark = pytest.mark.shared_world


def _notices(kind: NotificationKind) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def _clear() -> None:
    db.session.execute(delete(Notification))
    db.session.execute(delete(OutboxMessage))


def test_a_submitted_step_tells_the_engineer_who_raised_the_scar(app, world):
    with app.app_context():
        scar = raise_scar(world)
        _clear()
        answer(scar, world.manager_a, world.reviewer, "D0", accept=None)
        [notice] = _notices(NotificationKind.SCAR_STEP_SUBMITTED)
        mail = db.session.scalars(select(OutboxMessage)).all()
        assert notice.user_id == world.reviewer.id and notice.params["step"] == "D0"
        assert notice.url == f"/scars/{scar.id}"
        assert [m.recipient for m in mail] == [world.reviewer.email]
        assert f"ALPHA submitted step D0 of SCAR {scar.number}" in mail[0].body


def test_a_returned_step_tells_the_suppliers_people_with_the_comment(app, world):
    with app.app_context():
        scar = raise_scar(world)
        answer(scar, world.manager_a, world.reviewer, "D0", accept=None)
        _clear()
        step = services.step_of(scar, "D0")
        services.decide_step(step, user(world.reviewer), accept=False, comment="Add the stock in transit")
        notices = _notices(NotificationKind.SCAR_STEP_RETURNED)
        assert {n.user_id for n in notices} == {world.inspector_a.id, world.manager_a.id}
        assert {n.params["message"] for n in notices} == {"Add the stock in transit"}
        bodies = [m.body for m in db.session.scalars(select(OutboxMessage))]
        assert len(bodies) == 2 and all("Add the stock in transit" in body for body in bodies)
        assert _notices(NotificationKind.SCAR_STEP_ACCEPTED) == []


def test_an_accepted_step_tells_the_supplier_and_nobody_at_another_supplier(app, world):
    with app.app_context():
        scar = raise_scar(world)
        _clear()
        answer(scar, world.manager_a, world.reviewer, "D0")
        notices = _notices(NotificationKind.SCAR_STEP_ACCEPTED)
        assert {n.user_id for n in notices} == {world.inspector_a.id, world.manager_a.id}
        assert _notices(NotificationKind.SCAR_STEP_RETURNED) == []


def _submitted(world, *, a: bool = True, title: str = "Burrs on bore") -> int:  # type: ignore[no-untyped-def]
    scar = raise_scar(world, a=a, title=title)
    manager = world.manager_a if a else world.manager_b
    step = services.step_of(scar, "D0")
    services.submit_step(step, complete("D0"), user(manager), password=factories.PASSWORD)
    db.session.commit()
    return scar.id


def test_the_reviewers_home_lists_the_steps_of_their_scars_waiting_for_them(app, client, world):
    with app.app_context():
        waiting = _submitted(world)
        raise_scar(world, a=False, title="Nothing submitted")
        db.session.commit()
    login_as(client, world.reviewer)
    page = client.get("/home").get_data(as_text=True)
    assert "8D steps waiting for you" in page
    assert f'href="/scars/{waiting}/steps/D0"' in page
    login_as(client, world.quality_manager)  # raised none of them
    page = client.get("/home").get_data(as_text=True)
    assert f'href="/scars/{waiting}/steps/D0"' not in page
    assert "No submitted step of your SCARs waits for a decision." in page


def test_the_scar_list_filters_the_scars_waiting_for_the_brand(app, client, world):
    with app.app_context():
        waiting = _submitted(world, title="Submitted D0")
        quiet = raise_scar(world, title="Nothing submitted").id
        db.session.commit()
    login_as(client, world.reviewer)
    page = client.get("/scars?waiting=brand").get_data(as_text=True)
    assert f'href="/scars/{waiting}"' in page and f'href="/scars/{quiet}"' not in page
    assert f'href="/scars/{quiet}"' in client.get("/scars").get_data(as_text=True)


def test_the_steps_waiting_on_the_home_page_cost_one_query_however_many(app, client, world):
    login_as(client, world.reviewer)
    with app.app_context():
        _submitted(world, title="First")
    few, _ = count_page_statements(app, client, "/home")
    with app.app_context():
        for n in range(3):
            _submitted(world, title=f"More {n}")
    many, page = count_page_statements(app, client, "/home")
    assert many == few
    assert page.count('/steps/D0"') == 4
