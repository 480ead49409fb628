"""Rate limits (Flask-Limiter) on an app with them on: sign-in, forgot-password (F9), signatures,
and the forgot-password answer's timing (F9). The rest of the suite runs with them off."""

from __future__ import annotations

import time

import pytest

from app.auth.models import User
from app.auth.services import check_signature_password
from app.extensions import db
from app.rules import RuleError
from tests.conftest import csrf_token, make_app
from tests.factories import PASSWORD

pytestmark = pytest.mark.shared_world


@pytest.fixture
def limited(app):
    """A second app on the suite's database, with small limits switched on (its own memory storage)."""
    return make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_SIGN_IN="3 per minute",
        RATELIMIT_FORGOT_PASSWORD="3 per minute",
        RATELIMIT_RESET_PER_EMAIL="2 per hour",
        RATELIMIT_SIGNATURE="2 per minute",
    )


def _sign_in(client, email: str, password: str):
    return client.post(
        "/login", data={"csrf_token": csrf_token(client), "email": email, "password": password}
    )


def test_the_limiter_answers_429_on_sign_in(limited, world):
    client = limited.test_client()
    for _ in range(3):
        assert _sign_in(client, world.reviewer.email, "a wrong password 1").status_code == 200
    assert _sign_in(client, world.reviewer.email, PASSWORD).status_code == 429


def test_showing_the_sign_in_page_is_not_counted(limited, world):
    client = limited.test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200
    assert _sign_in(client, world.reviewer.email, PASSWORD).status_code == 302


def _forgot(client, email: str):
    return client.post("/forgot-password", data={"csrf_token": csrf_token(client), "email": email})


def test_f9_forgot_password_is_throttled_per_client_address(limited, world):
    client = limited.test_client()
    for n in range(3):
        assert _forgot(client, f"nobody{n}@example.com").status_code == 302
    assert _forgot(client, "nobody9@example.com").status_code == 429


def test_f9_one_inbox_gets_a_bounded_number_of_links_from_any_address(limited, world):
    for n in range(2):
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        assert _forgot(client, world.inspector_a.email).status_code == 302
    other = limited.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert _forgot(other, world.inspector_a.email.upper()).status_code == 429


def test_f9_forgot_password_takes_as_long_for_a_known_as_for_an_unknown_address(app, client, world):
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.2
    try:
        times = []
        for email in (world.inspector_a.email, "nobody@example.com"):
            token = csrf_token(client)
            started = time.perf_counter()
            client.post("/forgot-password", data={"csrf_token": token, "email": email})
            times.append(time.perf_counter() - started)
    finally:
        app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.0
    assert min(times) >= 0.2
    assert abs(times[0] - times[1]) < 0.05


def test_signature_passwords_are_rate_limited_per_user(limited, world):
    with limited.test_request_context():
        user = db.session.get(User, world.reviewer.id)
        addresses = iter(f"10.1.0.{n}" for n in range(10))  # not the per-address lockout
        assert check_signature_password(user, PASSWORD, next(addresses))
        assert check_signature_password(user, PASSWORD, next(addresses))
        with pytest.raises(RuleError, match="Too many attempts"):
            check_signature_password(user, PASSWORD, next(addresses))
