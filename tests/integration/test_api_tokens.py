"""API tokens from the command line and the token page, and the API's OpenAPI document and
reference page (issue #11)."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from app.api.models import ApiToken
from app.api.openapi import OPERATIONS
from app.api.tokens import hash_token
from app.extensions import db
from tests.conftest import csrf_token, login_as
from tests.integration.access_routes import API_ROUTES

pytestmark = pytest.mark.shared_world
SECRET = re.compile(r"kensa_[\w-]{40,}")


def test_flask_tokens_create_prints_the_token_alone_on_its_last_line(app, world):
    result = app.test_cli_runner().invoke(
        args=["tokens", "create", "--supplier", "ALPHA", "--name", "Line 3 MES", "--expires-days", "30"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    with app.app_context():
        token = db.session.scalars(select(ApiToken).where(ApiToken.name == "Line 3 MES")).one()
        assert token.token_hash == hash_token(secret) and secret not in token.prefix
        assert token.supplier_id == world.supplier_a and token.expires_at is not None
    client = app.test_client()
    assert client.get("/api/v1/parts", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_flask_tokens_create_refuses_an_unknown_supplier(app, world):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--supplier", "NOPE", "--name", "x"])
    assert result.exit_code != 0 and "NOPE" in result.output


def _create_on_page(client, supplier_id: int) -> str:
    return client.post(
        "/tokens",
        data={"csrf_token": csrf_token(client, "/tokens"), "supplier_id": supplier_id, "name": "MES 2"},
    ).get_data(as_text=True)


def test_a_supplier_manager_makes_a_token_shown_once(client, world, app):
    login_as(client, world.manager_a)
    page = _create_on_page(client, world.supplier_a)
    secret = SECRET.search(page).group(0)
    assert secret not in client.get("/tokens").get_data(as_text=True)
    assert client.get("/api/v1/parts", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_supplier_manager_cannot_make_a_token_for_another_supplier(client, world, app):
    login_as(client, world.manager_a)
    assert SECRET.search(_create_on_page(client, world.supplier_b)) is None
    with app.app_context():
        assert db.session.scalars(select(ApiToken).where(ApiToken.name == "MES 2")).all() == []


def test_an_admin_makes_a_token_for_any_supplier(client, world, app):
    login_as(client, world.admin)
    assert "kensa_" in _create_on_page(client, world.supplier_b)
    with app.app_context():
        token = db.session.scalars(select(ApiToken).where(ApiToken.name == "MES 2")).one()
        assert token.supplier_id == world.supplier_b and token.created_by_id == world.admin.id


def test_the_openapi_document_is_valid_and_describes_every_api_route(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert {op.endpoint for op in OPERATIONS} == set(API_ROUTES)


def test_the_reference_page_is_rendered_on_the_server_without_scripts(client):
    response = client.get("/api/v1/reference")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "POST /lots" in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))  # no inline script (CSP)
