"""Security headers, error pages, stale forms, configuration guards."""

from __future__ import annotations

import pytest

from app import create_app
from config import ProductionConfig
from tests.conftest import csrf_token, login_as, make_app


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_pages_have_no_inline_script(client, world):
    login_as(client, world.admin)
    for path in ("/login", "/home", "/users/invite", "/suppliers/new", "/account"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and " on" + "click=" not in page, path


def test_unknown_url_gets_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_oversize_body_gets_a_friendly_413(client):
    response = client.post("/login", data={"email": "x" * (17 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than 16 MB" in response.get_data(as_text=True)


def test_post_without_csrf_token_outside_a_form_gets_a_clear_400(client, world):
    login_as(client, world.admin)
    response = client.post(f"/users/{world.inspector_a.id}/deactivate")
    assert response.status_code == 400
    assert "had expired, so nothing was saved" in response.get_data(as_text=True)


def test_stale_form_keeps_what_was_typed(client, world):
    login_as(client, world.admin)
    response = client.post(
        "/suppliers/new",
        data={
            "csrf_token": "expired-token",
            "code": "NEWCO",
            "legal_name": "New Co Ltd",
            "country": "VN",
            "status": "active",
            "default_language": "en",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "has expired, so nothing was saved" in page
    assert 'value="NEWCO"' in page and 'value="New Co Ltd"' in page
    assert client.get("/suppliers/").get_data(as_text=True).count("NEWCO") == 0


def test_server_error_page_leaks_nothing(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/b.db", PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom-test")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom-test")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/kensa")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def _production_env(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("DATABASE_URL", "postgres://kensa@db/kensa")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://kensa.example")
    monkeypatch.setenv("AUDIT_KEY", "a" * 64)


@pytest.mark.parametrize("name", ["PUBLIC_BASE_URL", "AUDIT_KEY"])
def test_f4_f11_production_refuses_to_start_without_a_public_base_url_or_audit_key(monkeypatch, name):
    _production_env(monkeypatch)
    monkeypatch.delenv(name)
    with pytest.raises(RuntimeError, match=name):
        create_app("production")


def test_production_uses_secure_cookies_hsts_and_psycopg(monkeypatch):
    _production_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", "postgres://kensa@db/kensa")
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE and config.HSTS
    assert config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://kensa@db/kensa"


def test_proxy_fix_trusts_forwarded_headers_only_when_configured(tmp_path):
    trusting = make_app(f"sqlite:///{tmp_path}/a.db", PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    seen = {}

    @trusting.route("/where-test")
    def where():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return ""

    trusting.test_client().get(
        "/where-test", headers={"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"}
    )
    assert seen == {"addr": "10.1.2.3", "scheme": "https"}


def test_csrf_token_is_required_on_the_login_form(client, world):
    from tests.factories import PASSWORD

    response = client.post("/login", data={"email": world.admin.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/home").status_code == 302
    assert csrf_token(client)
