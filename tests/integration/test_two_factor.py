"""Two-factor sign-in: the gate, enrolment, codes used once, recovery codes, resets, team rule, limits."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import RecoveryCode, Role, User
from app.clock import utcnow
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.rules import RuleError
from app.twofactor import services
from config import ProductionConfig
from tests.conftest import csrf_token, login_as, make_app
from tests.factories import PASSWORD
from tests.integration.access_routes import ROUTES

pytestmark = pytest.mark.shared_world


def _sign_in(client, email: str, next_url: str = ""):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"csrf_token": csrf_token(client), "email": email, "password": PASSWORD})


def _enrol(app, person) -> str:
    with app.app_context():
        user = db.session.get(User, person.id)
        user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), utcnow()
        db.session.commit()
        return user.totp_secret


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(int(utcnow().timestamp()) + 30 * steps)


def _answer(client, code: str):
    return client.post("/login/code", data={"csrf_token": csrf_token(client, "/login/code"), "code": code})


@pytest.fixture
def strict(app):
    """The app as production runs it: a second factor for every internal role."""
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], REQUIRE_2FA_INTERNAL=True)


def test_production_requires_a_second_factor_of_internal_roles_by_default(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "AUDIT_KEY"):
        monkeypatch.setenv(name, "x")
    monkeypatch.delenv("REQUIRE_2FA_INTERNAL", raising=False)
    assert ProductionConfig().REQUIRE_2FA_INTERNAL is True


REVIEWER_PAGES = [
    route.url
    for _e, route in sorted(ROUTES.items())
    if route.method == "GET" and Role.REVIEWER in route.allowed
]


def test_a_reviewer_reaches_no_page_before_the_second_factor(strict, world):
    client = strict.test_client()
    response = _sign_in(client, world.reviewer.email)
    assert response.headers["Location"] == "/login/code?next=/home"
    for url in REVIEWER_PAGES:
        path = url(world, True)
        if path.startswith(("/login/code", "/login/recovery", "/account/two-factor")):
            continue
        response = client.get(path)
        response.close()
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login/code"), path
    # Not enrolled yet: the code page sends the reviewer to set it up, the only page open besides.
    assert client.get("/login/code").headers["Location"].startswith("/account/two-factor")


def test_a_reviewer_enrols_at_first_sign_in_and_gets_ten_recovery_codes(strict, world, app):
    client = strict.test_client()
    _sign_in(client, world.reviewer.email)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    data = {"csrf_token": csrf_token(client, "/account/two-factor"), "code": _code(secret)}
    page = client.post("/account/two-factor", data=data).get_data(as_text=True)
    codes = re.findall(r"<li>([0-9a-f]{8}-[0-9a-f]{8})</li>", page)
    assert len(codes) == 10 and client.get("/review").status_code == 200
    with app.app_context():
        stored = set(
            db.session.scalars(
                select(RecoveryCode.code_hash).where(RecoveryCode.user_id == world.reviewer.id)
            )
        )
        assert len(stored) == 10 and not stored & set(codes)  # kept hashed


def test_a_wrong_code_keeps_the_gate_closed(app, client, world):
    secret = _enrol(app, world.inspector_a)
    assert _sign_in(client, world.inspector_a.email).headers["Location"] == "/login/code?next=/home"
    response = _answer(client, "000000" if _code(secret) != "000000" else "111111")
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert client.get("/lots").headers["Location"].startswith("/login/code")


def test_a_used_code_is_not_accepted_twice(app, client, world):
    secret = _enrol(app, world.inspector_a)
    _sign_in(client, world.inspector_a.email)
    code = _code(secret)
    assert _answer(client, code).headers["Location"] == "/home"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    _sign_in(client, world.inspector_a.email)
    assert _answer(client, code).status_code == 200  # refused: the same time step
    assert _answer(client, _code(secret, steps=1)).headers["Location"] == "/home"


def test_a_recovery_code_works_once(app, client, world):
    _enrol(app, world.inspector_a)
    with app.app_context():
        [code, *_rest] = services._new_recovery_codes(db.session.get(User, world.inspector_a.id))
        db.session.commit()
    for expected in (302, 200):
        login_as(client, None)
        _sign_in(client, world.inspector_a.email)
        data = {"csrf_token": csrf_token(client, "/login/recovery"), "code": code}
        assert client.post("/login/recovery", data=data).status_code == expected


def test_an_admins_reset_is_audited_and_emailed(app, client, world):
    _enrol(app, world.inspector_a)
    login_as(client, world.admin)
    url = f"/users/{world.inspector_a.id}/two-factor/reset"
    assert client.post(url, data={"csrf_token": csrf_token(client, "/account")}).status_code == 302
    with app.app_context():
        assert not db.session.get(User, world.inspector_a.id).has_second_factor
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == world.inspector_a.id)
        )
        assert "user.two_factor_reset" in set(actions)
        mail = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == world.inspector_a.email)
        )
        assert any("two-factor" in m.subject for m in mail)


def test_a_supplier_manager_requires_it_for_the_whole_team(app, client, world):
    inspector = app.test_client()
    login_as(inspector, world.inspector_a)
    login_as(client, world.manager_a)
    client.post("/team/two-factor", data={"csrf_token": csrf_token(client, "/account"), "required": "1"})
    assert inspector.get("/lots").headers["Location"].startswith("/login")  # signed out to enrol
    assert _sign_in(inspector, world.inspector_a.email).headers["Location"] == "/login/code?next=/home"
    other_supplier = app.test_client()
    assert _sign_in(other_supplier, world.inspector_b.email).headers["Location"] == "/home"


def test_codes_are_rate_limited_per_user(app, world):
    limited = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True, RATELIMIT_CODE_PER_USER="3 per minute"
    )
    secret = _enrol(app, world.inspector_a)
    with limited.test_request_context():
        user = db.session.get(User, world.inspector_a.id)
        for _ in range(3):
            with pytest.raises(RuleError, match="not right"):
                services.check_code(user, "12345x")
        with pytest.raises(RuleError, match="Too many attempts"):
            services.check_code(user, _code(secret))
