"""Admins manage suppliers, sites and users; supplier managers manage their own team only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.suppliers.models import Site, Supplier
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

SUPPLIER = {
    "code": "saigon-01",
    "legal_name": "Saigon Precision JSC",
    "country": "VN",
    "status": "active",
    "default_language": "en",
}


def post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/account"), **data})


def test_admin_creates_a_supplier_and_it_is_audited(app, client, world):
    login_as(client, world.admin)
    response = post(client, "/suppliers/new", SUPPLIER)
    assert response.status_code == 302
    with app.app_context():
        supplier = db.session.scalars(select(Supplier).where(Supplier.code == "SAIGON-01")).one()
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "supplier.created")).one()
        assert event.object_id == supplier.id and event.actor_id == world.admin.id
        assert event.after["legal_name"] == "Saigon Precision JSC"


def test_duplicate_supplier_code_is_refused_next_to_the_field_keeping_input(app, client, world):
    login_as(client, world.admin)
    response = post(client, "/suppliers/new", {**SUPPLIER, "code": "alpha"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error"' in page and "Another supplier already uses the code ALPHA." in page
    assert 'value="Saigon Precision JSC"' in page


def test_missing_fields_are_named_in_plain_words(client, world):
    login_as(client, world.admin)
    page = post(client, "/suppliers/new", {**SUPPLIER, "legal_name": "  ", "code": "bad code!"}).get_data(
        as_text=True
    )
    assert 'id="legal_name-error"' in page and "Please fill this in." in page
    assert "Use letters, digits, - and _ only" in page


def test_admin_edits_a_supplier_recording_before_and_after(app, client, world):
    login_as(client, world.admin)
    post(
        client, f"/suppliers/{world.supplier_a}/edit", {**SUPPLIER, "code": "ALPHA", "status": "on_probation"}
    )
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "supplier.updated")).one()
    assert (event.before["status"], event.after["status"]) == ("active", "on_probation")


def test_admin_adds_a_site_and_a_duplicate_name_is_refused(app, client, world):
    login_as(client, world.admin)
    assert (
        post(
            client,
            f"/suppliers/{world.supplier_a}/sites/new",
            {"name": "Bang Kadi", "city": "Pathum Thani", "country": "TH"},
        ).status_code
        == 302
    )
    again = post(
        client,
        f"/suppliers/{world.supplier_a}/sites/new",
        {"name": "Bang Kadi", "city": "Pathum Thani", "country": "TH"},
    )
    assert "already has a site called Bang Kadi" in again.get_data(as_text=True)
    with app.app_context():
        names = set(db.session.scalars(select(Site.name).where(Site.supplier_id == world.supplier_a)))
    assert names == {"Chonburi", "Bang Kadi"}


def test_supplier_manager_invites_a_colleague_into_their_own_supplier(app, client, world):
    login_as(client, world.manager_a)
    response = post(
        client,
        "/team/invite",
        {
            "email": "Qc.Lead@alpha.example",
            "name": "QC Lead",
            "role": "supplier_inspector",
            "supplier_id": world.supplier_b,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "qc.lead@alpha.example")).one()
        assert user.supplier_id == world.supplier_a and user.password_hash is None
        assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["qc.lead@alpha.example"]


def test_supplier_manager_cannot_invite_internal_roles(client, world):
    login_as(client, world.manager_a)
    response = post(client, "/team/invite", {"email": "boss@alpha.example", "name": "Boss", "role": "admin"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_team_page_lists_only_the_managers_own_supplier(client, world):
    login_as(client, world.manager_a)
    page = client.get("/team").get_data(as_text=True)
    assert world.inspector_a.email in page and world.manager_a.email in page
    assert world.inspector_b.email not in page and world.admin.email not in page


def test_invite_refuses_an_existing_email(client, world):
    login_as(client, world.admin)
    page = post(
        client,
        "/users/invite",
        {"email": world.inspector_b.email, "name": "Again", "role": "reviewer", "supplier_id": ""},
    ).get_data(as_text=True)
    assert "A user with this e-mail address already exists." in page


def test_admin_invite_needs_a_supplier_for_supplier_roles(client, world):
    login_as(client, world.admin)
    page = post(
        client,
        "/users/invite",
        {"email": "x@y.example", "name": "X", "role": "supplier_inspector", "supplier_id": ""},
    ).get_data(as_text=True)
    assert "Supplier roles need a supplier" in page


def test_nobody_can_deactivate_themselves(app, client, world):
    login_as(client, world.manager_a)
    response = post(client, f"/users/{world.manager_a.id}/deactivate", {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, world.manager_a.id).is_active_account


def test_manager_deactivates_and_reactivates_a_colleague(app, client, world):
    login_as(client, world.manager_a)
    post(client, f"/users/{world.inspector_a.id}/deactivate", {})
    with app.app_context():
        assert not db.session.get(User, world.inspector_a.id).is_active_account
    post(client, f"/users/{world.inspector_a.id}/reactivate", {})
    with app.app_context():
        assert db.session.get(User, world.inspector_a.id).is_active_account
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["user.deactivated", "user.reactivated"]


def test_user_list_runs_a_bounded_number_of_queries(app, client, world):
    from sqlalchemy import event

    login_as(client, world.admin)
    statements = []
    with app.app_context():
        engine = db.session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/users/")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects
