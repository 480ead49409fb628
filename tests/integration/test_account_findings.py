"""Findings of the security probe on accounts and sessions (issue #13): each stays fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth.models import User
from app.extensions import db
from app.security import verify_password
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD
from tests.integration.test_auth import _last_link, sign_in

pytestmark = pytest.mark.shared_world

NEW = "a new long passphrase 2026"


def _copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_f1_a_copied_session_cookie_stops_working_after_sign_out(app, client, world):
    assert sign_in(client, world.admin.email, PASSWORD).status_code == 302
    thief = _copy_of(app, client)
    assert thief.get("/users/invite").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    response = thief.get("/users/invite")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_f1_a_copied_cookie_cannot_invite_after_sign_out(app, client, world):
    sign_in(client, world.admin.email, PASSWORD)
    thief = _copy_of(app, client)
    token = csrf_token(thief, "/users/invite")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    data = {"csrf_token": token, "email": "x@evil.example", "name": "X", "role": "admin", "supplier_id": ""}
    assert thief.post("/users/invite", data=data).status_code == 302
    login_as(client, world.admin)
    assert "x@evil.example" not in client.get("/users/").get_data(as_text=True)


def test_f1_a_session_ends_at_its_maximum_lifetime_however_active(client, world, clock):
    login_as(client, world.reviewer)
    for _ in range(23):  # a request every half hour keeps the idle timeout away
        clock.advance(timedelta(minutes=30))
        assert client.get("/home").status_code == 200
    clock.advance(timedelta(minutes=31))
    assert client.get("/home").status_code == 302


def test_f5_a_dot_segment_in_next_does_not_leave_the_site(client, world):
    response = sign_in(client, world.admin.email, PASSWORD, "/.//evil.example/x")
    assert response.headers["Location"] == "/home"


def _change(client, current: str):
    data = {"csrf_token": csrf_token(client, "/account"), "current_password": current}
    return client.post("/account/password", data={**data, "password": NEW, "confirm": NEW})


def test_f8_guessing_the_current_password_is_locked_out_like_sign_in(app, client, world):
    login_as(client, world.reviewer)
    for _ in range(4):
        assert "This is not your current password." in _change(client, "a wrong guess 123").get_data(True)
    assert "Too many wrong passwords" in _change(client, "a wrong guess 123").get_data(as_text=True)
    page = _change(client, PASSWORD).get_data(as_text=True)
    assert "Too many wrong passwords" in page
    with app.app_context():
        assert verify_password(db.session.get(User, world.reviewer.id).password_hash, PASSWORD)


@pytest.mark.parametrize("path", ["/home", "/account", "/lots/{decided_a}/report.pdf", "/scars/export.csv"])
def test_f10_signed_in_pages_and_files_are_not_stored(client, world, path):
    login_as(client, world.inspector_a)
    response = client.get(path.format(decided_a=world.decided_a))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_f10_static_assets_stay_cacheable(client, world):
    login_as(client, world.inspector_a)
    response = client.get("/static/css/kensa.css")
    response.close()
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_reset_link_dies_when_the_password_is_changed_on_the_account_page(app, client, world):
    client.post("/forgot-password", data={"csrf_token": csrf_token(client), "email": world.reviewer.email})
    link = _last_link(app, world.reviewer.email)
    login_as(client, world.reviewer)
    assert _change(client, PASSWORD).status_code == 302
    login_as(client, None)
    assert client.get(link).status_code == 410
