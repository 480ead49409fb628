"""Every route is declared public or role-protected, and the matrix holds for each role and supplier."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.api.auth import TOKEN
from app.auth.models import Role
from app.security import PUBLIC, access_of
from tests.conftest import csrf_token, login_as
from tests.integration.access_routes import API_ROUTES, PUBLIC_ENDPOINTS, ROUTES

# Each row of the matrix reads or posts one request against the same world: built once for the
# module, each test in a savepoint rolled back after it.
pytestmark = pytest.mark.shared_world

ACTOR = {
    Role.SUPPLIER_INSPECTOR: "inspector_a",
    Role.SUPPLIER_MANAGER: "manager_a",
    Role.REVIEWER: "reviewer",
    Role.QUALITY_MANAGER: "quality_manager",
    Role.ADMIN: "admin",
}


def test_every_endpoint_is_declared_public_or_protected(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and access_of(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_public_endpoints_are_exactly_the_listed_ones(app):
    public = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint == "static" or access_of(app.view_functions[rule.endpoint]) == PUBLIC
    }
    assert public == PUBLIC_ENDPOINTS


def test_every_protected_route_is_in_the_matrix(app):
    protected = {r.endpoint for r in app.url_map.iter_rules()} - PUBLIC_ENDPOINTS
    assert protected == set(ROUTES) | set(API_ROUTES)


def test_declared_roles_match_the_matrix(app):
    for endpoint, route in ROUTES.items():
        assert access_of(app.view_functions[endpoint]) == route.allowed, endpoint
    for endpoint in API_ROUTES:
        assert access_of(app.view_functions[endpoint]) == TOKEN, endpoint


def _call(client, method: str, url: str):
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/account")})
    response.close()  # file downloads hold an open file until closed
    return response


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_anonymous_is_sent_to_sign_in(client, world, endpoint):
    route = ROUTES[endpoint]
    response = client.open(route.url(world, True), method=route.method)
    response.close()
    if response.status_code == 400:
        # A POST without a session has no CSRF token: refused before the view runs.
        assert route.method == "POST"
        return
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def _seen_by(world, role: Role):  # type: ignore[no-untyped-def]
    """The world with `me` naming the caller, so that user-bound routes pick the caller's own row."""
    return SimpleNamespace(**vars(world), me=ACTOR[role])


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_role_matrix_on_own_data(client, world, endpoint, role):
    route = ROUTES[endpoint]
    login_as(client, getattr(world, ACTOR[role]))
    response = _call(client, route.method, route.url(_seen_by(world, role), True))
    if role in route.allowed:
        # 422: the view ran and refused the empty form, as it would anyone's.
        assert response.status_code in (200, 302, 422), response.status_code
        assert "/login" not in response.headers.get("Location", "") or endpoint.startswith("auth.")
    else:
        assert response.status_code == 403


TENANT_ROUTES = sorted(e for e, r in ROUTES.items() if r.tenant_bound)
SUPPLIER_ROLES = [Role.SUPPLIER_INSPECTOR, Role.SUPPLIER_MANAGER]


@pytest.mark.parametrize("role", SUPPLIER_ROLES)
@pytest.mark.parametrize("endpoint", TENANT_ROUTES)
def test_other_suppliers_ids_give_404(client, world, endpoint, role):
    route = ROUTES[endpoint]
    login_as(client, getattr(world, ACTOR[role]))
    response = _call(client, route.method, route.url(world, False))
    expected = 404 if role in route.allowed else 403
    assert response.status_code == expected


INTERNAL_TENANT_ROUTES = [e for e in TENANT_ROUTES if ROUTES[e].allowed - set(SUPPLIER_ROLES)]


@pytest.mark.parametrize("endpoint", INTERNAL_TENANT_ROUTES)
def test_internal_users_reach_every_suppliers_records(client, world, endpoint):
    route = ROUTES[endpoint]
    role = next(r for r in (Role.ADMIN, Role.QUALITY_MANAGER, Role.REVIEWER) if r in route.allowed)
    login_as(client, getattr(world, ACTOR[role]))
    assert _call(client, route.method, route.url(world, False)).status_code in (200, 302, 422)


USER_ROUTES = sorted(e for e, r in ROUTES.items() if r.user_bound)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", USER_ROUTES)
def test_other_users_rows_give_404(client, world, endpoint, role):
    route = ROUTES[endpoint]
    login_as(client, getattr(world, ACTOR[role]))
    response = _call(client, route.method, route.url(_seen_by(world, role), False))
    assert response.status_code == (404 if role in route.allowed else 403)


# --- The API: a token of one supplier, never a role ------------------------------------------------


def _api(client, route, url: str, token: str | None, **headers: str):  # type: ignore[no-untyped-def]
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.open(url, method=route.method, headers=headers, json={} if route.method != "GET" else None)


@pytest.mark.parametrize("endpoint", sorted(API_ROUTES))
def test_api_answers_own_ids_with_a_token(client, world, endpoint):
    route = API_ROUTES[endpoint]
    response = _api(client, route, route.url(world, True), world.token_a_secret)
    # 422: the view ran and refused the empty body; 409: the lot's state forbids it.
    assert response.status_code in (200, 201, 204, 409, 422), response.status_code


API_TENANT_ROUTES = sorted(e for e, r in API_ROUTES.items() if r.tenant_bound)


@pytest.mark.parametrize("endpoint", API_TENANT_ROUTES)
def test_api_answers_other_suppliers_ids_with_404(client, world, endpoint):
    route = API_ROUTES[endpoint]
    response = _api(client, route, route.url(world, False), world.token_a_secret)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("endpoint", sorted(API_ROUTES))
@pytest.mark.parametrize("token", [None, "kensa_wrong", "not-a-token"])
def test_api_without_a_valid_token_is_401(client, world, endpoint, token):
    route = API_ROUTES[endpoint]
    response = _api(client, route, route.url(world, True), token)
    assert response.status_code == 401
    assert response.json["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", sorted(API_ROUTES))
def test_the_session_cookie_does_not_authenticate_the_api(client, world, endpoint):
    route = API_ROUTES[endpoint]
    login_as(client, world.manager_a)
    assert _api(client, route, route.url(world, True), None).status_code == 401
