"""Sign-in, lockout, sessions and e-mailed password links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import AccountToken, LoginAttempt, User
from app.clock import utcnow
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.conftest import csrf_token, login_as
from tests.factories import PASSWORD

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

GENERIC = "The e-mail address or password is not right."


def sign_in(client, email: str, password: str, next_url: str | None = None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"csrf_token": csrf_token(client), "email": email, "password": password})


def test_right_password_signs_in_and_goes_home(client, world):
    response = sign_in(client, world.inspector_a.email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200


def test_email_is_matched_without_case_or_spaces(client, world):
    assert sign_in(client, f"  {world.inspector_a.email.upper()} ", PASSWORD).status_code == 302


@pytest.mark.parametrize("which", ["wrong password", "unknown e-mail"])
def test_wrong_credentials_get_one_generic_message(client, world, which):
    email = world.inspector_a.email if which == "wrong password" else "nobody@example.com"
    response = sign_in(client, email, "not-the-password-at-all")
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_deactivated_user_cannot_sign_in(app, client, world):
    with app.app_context():
        db.session.get(User, world.inspector_a.id).is_active_account = False
        db.session.commit()
    assert GENERIC in sign_in(client, world.inspector_a.email, PASSWORD).get_data(as_text=True)


def test_five_failures_lock_the_account_with_a_retry_time(client, world):
    for _ in range(5):
        sign_in(client, world.inspector_a.email, "wrong-password-123")
    response = sign_in(client, world.inspector_a.email, PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-ins" in page and "paused until" in page
    assert client.get("/home").status_code == 302


def test_four_failures_do_not_lock(client, world):
    for _ in range(4):
        sign_in(client, world.inspector_a.email, "wrong-password-123")
    assert sign_in(client, world.inspector_a.email, PASSWORD).status_code == 302


def test_lockout_ends_after_the_window(app, client, world):
    for _ in range(5):
        sign_in(client, world.inspector_a.email, "wrong-password-123")
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.created_at = utcnow() - timedelta(minutes=16)
        db.session.commit()
    assert sign_in(client, world.inspector_a.email, PASSWORD).status_code == 302


def test_failures_from_one_address_lock_that_address_for_every_account(client, world):
    for n in range(5):
        sign_in(client, f"guess{n}@example.com", "wrong-password-123")
    assert sign_in(client, world.inspector_b.email, PASSWORD).status_code == 429


def test_a_locked_account_does_not_count_more_failures(app, client, world):
    for _ in range(8):
        sign_in(client, world.inspector_a.email, "wrong-password-123")
    with app.app_context():
        mine = LoginAttempt.email == world.inspector_a.email
        count = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(mine))
    assert count == 5


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/suppliers/1", "/suppliers/1"),
        ("/account?tab=password", "/account?tab=password"),
        ("http://localhost/account", "/account"),
        ("https://evil.example/phish", "/home"),
        ("//evil.example/phish", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
    ],
)
def test_next_redirects_only_within_the_site(client, world, next_url, expected):
    response = sign_in(client, world.admin.email, PASSWORD, next_url)
    assert response.headers["Location"] == expected


def test_logout_ends_the_session(client, world):
    login_as(client, world.reviewer)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.headers["Location"] == "/login"
    assert client.get("/home").status_code == 302


def test_logout_with_a_stale_token_asks_again_instead_of_failing(client, world):
    login_as(client, world.reviewer)
    response = client.post("/logout", data={"csrf_token": "stale"})
    assert response.status_code == 200
    assert "Sign out?" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 200


def test_deactivating_a_user_ends_their_sessions(app, client, world):
    login_as(client, world.inspector_a)
    assert client.get("/home").status_code == 200
    admin = app.test_client()
    login_as(admin, world.admin)
    admin.post(
        f"/users/{world.inspector_a.id}/deactivate", data={"csrf_token": csrf_token(admin, "/account")}
    )
    assert client.get("/home").status_code == 302


def test_log_out_everywhere_ends_other_sessions(app, client, world):
    other = app.test_client()
    login_as(other, world.manager_a)
    login_as(client, world.manager_a)
    client.post("/account/sessions/end", data={"csrf_token": csrf_token(client, "/account")})
    assert other.get("/home").status_code == 302
    assert client.get("/home").status_code == 302


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, client, world):
    other = app.test_client()
    login_as(other, world.reviewer)
    login_as(client, world.reviewer)
    new = "a new long passphrase 2026"
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "current_password": PASSWORD,
            "password": new,
            "confirm": new,
        },
    )
    assert response.headers["Location"] == "/account"
    assert client.get("/home").status_code == 200
    assert other.get("/home").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert sign_in(client, world.reviewer.email, new).status_code == 302


def test_changing_the_password_needs_the_current_one(client, world):
    login_as(client, world.reviewer)
    new = "a new long passphrase 2026"
    response = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "current_password": "wrong-one-123",
            "password": new,
            "confirm": new,
        },
    )
    assert "This is not your current password." in response.get_data(as_text=True)


def _last_link(app, recipient: str) -> str:
    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        ).first()
    match = re.search(r"http://localhost(/set-password/\S+)", body or "")
    assert match, body
    return match.group(1)


def _set_password(client, link: str, password: str, confirm: str | None = None):
    return client.post(
        link,
        data={"csrf_token": csrf_token(client, link), "password": password, "confirm": confirm or password},
    )


def test_invited_user_sets_a_password_once_and_signs_in(app, client, world):
    login_as(client, world.admin)
    client.post(
        "/users/invite",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "email": "new.qe@brand.example",
            "name": "New Engineer",
            "role": "reviewer",
            "supplier_id": "",
        },
    )
    login_as(client, None)
    link = _last_link(app, "new.qe@brand.example")
    assert _set_password(client, link, "my own long passphrase").headers["Location"].startswith("/login")
    assert client.get(link).status_code == 410
    assert sign_in(client, "new.qe@brand.example", "my own long passphrase").status_code == 302


def test_an_expired_link_is_refused(app, client, world):
    with app.app_context():
        from app.auth.models import TokenPurpose
        from app.auth.services import issue_token

        raw = issue_token(db.session.get(User, world.inspector_a.id), TokenPurpose.PASSWORD_RESET)
        db.session.scalars(select(AccountToken)).one().expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get(f"/set-password/{raw}")
    assert response.status_code == 410
    assert "This link no longer works" in response.get_data(as_text=True)


def test_reset_answers_the_same_for_known_and_unknown_addresses(app, client, world):
    known = client.post(
        "/forgot-password", data={"csrf_token": csrf_token(client), "email": world.inspector_a.email}
    )
    unknown = client.post(
        "/forgot-password", data={"csrf_token": csrf_token(client), "email": "x@example.com"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    with app.app_context():
        recipients = list(db.session.scalars(select(OutboxMessage.recipient)))
    assert recipients == [world.inspector_a.email]


def test_password_reset_link_sets_a_new_password_and_ends_sessions(app, client, world):
    other = app.test_client()
    login_as(other, world.inspector_a)
    client.post("/forgot-password", data={"csrf_token": csrf_token(client), "email": world.inspector_a.email})
    _set_password(client, _last_link(app, world.inspector_a.email), "fresh long passphrase 7")
    assert other.get("/home").status_code == 302
    assert sign_in(client, world.inspector_a.email, "fresh long passphrase 7").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "Use at least 12 characters"),
        ("x" * 129, "Use at most 128 characters"),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),
        ("my kensa password", "portal&#39;s name"),
    ],
)
def test_weak_passwords_are_refused_next_to_the_field(app, client, world, password, message):
    client.post("/forgot-password", data={"csrf_token": csrf_token(client), "email": world.inspector_a.email})
    response = _set_password(client, _last_link(app, world.inspector_a.email), password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="password-error"' in page


def test_mismatched_confirmation_is_refused(app, client, world):
    client.post("/forgot-password", data={"csrf_token": csrf_token(client), "email": world.inspector_a.email})
    response = _set_password(
        client, _last_link(app, world.inspector_a.email), "first long passphrase", "second one here"
    )
    assert "The two passwords are not the same." in response.get_data(as_text=True)


def test_password_is_stored_as_argon2id(app, world):
    with app.app_context():
        assert db.session.get(User, world.admin.id).password_hash.startswith("$argon2id$")


def test_session_cookie_is_httponly_and_lax(client, world):
    response = sign_in(client, world.admin.email, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
