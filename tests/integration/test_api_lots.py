"""The API's lot flow with a supplier's token: create, fill, submit and read a lot, with the
problems, idempotency and token rules of the contract (issue #11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api.models import ApiToken
from app.api.tokens import create_token, revoke_token
from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot, LotDataset, Measurement
from tests.conftest import make_app

pytestmark = pytest.mark.shared_world


@pytest.fixture(autouse=True)
def _context(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _new_lot(world, number: str = "API-1", **changes) -> dict:  # type: ignore[no-untyped-def]
    return {
        "part_number": "PA-100",
        "site_id": world.site_a,
        "lot_number": number,
        "lot_size": 20,
        "production_date": "2026-11-17",
        "inspection_date": "2026-11-18",
        "inspector_email": world.inspector_a.email,
        **changes,
    }


def _create(client, world, **changes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/lots", json=_new_lot(world, **changes), headers=_auth(world.token_a_secret))


def _values(sample_size: int) -> list[dict]:
    return [
        {"sample": n, "characteristic": "D1", "value": f"10.00{n % 5}"} for n in range(1, sample_size + 1)
    ]


def test_a_lot_is_created_filled_submitted_and_read(client, world):
    created = _create(client, world)
    assert created.status_code == 201, created.json
    lot = created.json
    assert created.headers["Location"] == f"/api/v1/lots/{lot['id']}"
    assert lot["state"] == "draft" and lot["plan"]["major"]["sample_size"] == lot["sample_size"]
    url = f"/api/v1/lots/{lot['id']}"
    put = client.put(
        f"{url}/measurements",
        json={"measurements": _values(lot["sample_size"])},
        headers=_auth(world.token_a_secret),
    )
    assert put.status_code == 200, put.json
    submitted = client.post(f"{url}/submit", headers=_auth(world.token_a_secret))
    assert submitted.status_code == 200, submitted.json
    read = client.get(url, headers=_auth(world.token_a_secret)).json
    assert read["state"] == "submitted"
    assert read["evaluation"]["classes"]["major"]["result"]
    assert read["evaluation"]["characteristics"]["D1"]["n"] == lot["sample_size"]


def test_submitting_twice_is_a_conflict(client, world):
    url = f"/api/v1/lots/{world.submitted_a}/submit"
    response = client.post(url, headers=_auth(world.token_a_secret))
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"


def test_a_decided_lot_shows_its_decision(client, world):
    lot = client.get(f"/api/v1/lots/{world.decided_a}", headers=_auth(world.token_a_secret)).json
    assert lot["decision"]["decision"] == "accepted" and lot["decision"]["decided_at"]


def test_every_invalid_value_is_listed_with_its_pointer_and_nothing_is_saved(client, world):
    lot = _create(client, world).json
    values = _values(lot["sample_size"])
    values[3]["value"] = "abc"
    values[7]["value"] = "1.2.3"
    values.append({"sample": 1, "characteristic": "NOPE", "value": "1"})
    response = client.put(
        f"/api/v1/lots/{lot['id']}/measurements",
        json={"measurements": values},
        headers=_auth(world.token_a_secret),
    )
    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json["errors"]]
    assert pointers == [f"/measurements/{len(values) - 1}/characteristic"]
    values.pop()
    response = client.put(
        f"/api/v1/lots/{lot['id']}/measurements",
        json={"measurements": values},
        headers=_auth(world.token_a_secret),
    )
    assert [e["pointer"] for e in response.json["errors"]] == [
        "/measurements/3/value",
        "/measurements/7/value",
    ]


def test_body_validation_lists_every_field(client, world):
    response = _create(client, world, lot_size="many", production_date="yesterday", extra=1)
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json["errors"]} == {"/lot_size", "/production_date", "/extra"}


def test_the_forms_rules_apply_to_the_api(client, world):
    assert _create(client, world, site_id=world.site_b).status_code == 422  # not approved there
    taken = _create(client, world, lot_number="A-0001")
    assert taken.status_code == 422
    assert taken.json["errors"][0]["pointer"] == "/lot_number"


def test_a_retried_post_with_its_key_replays_the_first_response(client, world):
    headers = {**_auth(world.token_a_secret), "Idempotency-Key": "k-1"}
    first = client.post("/api/v1/lots", json=_new_lot(world), headers=headers)
    again = client.post("/api/v1/lots", json=_new_lot(world), headers=headers)
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert again.headers["Idempotency-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Lot).where(Lot.lot_number == "API-1")) == 1


def test_the_same_key_with_another_body_is_refused(client, world):
    headers = {**_auth(world.token_a_secret), "Idempotency-Key": "k-2"}
    assert client.post("/api/v1/lots", json=_new_lot(world), headers=headers).status_code == 201
    other = client.post("/api/v1/lots", json=_new_lot(world, "API-2"), headers=headers)
    assert other.status_code == 422


def test_a_refused_request_releases_its_key(client, world):
    headers = {**_auth(world.token_a_secret), "Idempotency-Key": "k-3"}
    assert client.post("/api/v1/lots", json=_new_lot(world, lot_size=1), headers=headers).status_code == 422
    assert client.post("/api/v1/lots", json=_new_lot(world), headers=headers).status_code == 201


def test_a_key_whose_first_request_is_running_gets_409(client, world, app):
    token = db.session.scalars(select(ApiToken).where(ApiToken.id == world.token_a)).one()
    from app.api.idempotency import _request_hash
    from app.api.models import IdempotencyKey

    with app.test_request_context("/api/v1/lots", method="POST", json=_new_lot(world)):
        fingerprint = _request_hash()
    db.session.add(
        IdempotencyKey(supplier_id=token.supplier_id, token_id=token.id, key="k-4", request_hash=fingerprint)
    )
    db.session.commit()
    headers = {**_auth(world.token_a_secret), "Idempotency-Key": "k-4"}
    assert client.post("/api/v1/lots", json=_new_lot(world), headers=headers).status_code == 409


def test_lots_are_listed_newest_first_a_page_at_a_time(client, world, monkeypatch):
    monkeypatch.setattr("app.api.lots.PAGE_SIZE", 2)
    seen, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/lots?cursor={cursor}", headers=_auth(world.token_a_secret)).json
        seen += [lot["id"] for lot in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    own = db.session.scalars(select(Lot.id).where(Lot.supplier_id == world.supplier_a)).all()
    assert sorted(seen) == sorted(own) and len(seen) == len(set(seen))
    drafts = client.get("/api/v1/lots?state=draft", headers=_auth(world.token_a_secret)).json["items"]
    assert {lot["state"] for lot in drafts} == {"draft"}


def test_parts_and_revisions_of_the_supplier(client, world):
    parts = client.get("/api/v1/parts", headers=_auth(world.token_a_secret)).json["items"]
    assert [p["part_number"] for p in parts] == ["PA-100"]
    revision = client.get(
        f"/api/v1/revisions/{parts[0]['revision']['id']}", headers=_auth(world.token_a_secret)
    )
    assert revision.json["characteristics"][0]["code"] == "D1"
    assert revision.json["characteristics"][0]["class"] == "major"


def test_a_revoked_or_expired_token_is_401(client, world, clock):
    token = db.session.scalars(select(ApiToken).where(ApiToken.id == world.token_a)).one()
    admin = db.session.get(User, world.admin.id)
    _expiring, secret = create_token(world.supplier_a, "short", None, expires_days=1)
    revoke_token(token, admin)
    db.session.commit()
    assert client.get("/api/v1/parts", headers=_auth(world.token_a_secret)).status_code == 401
    assert client.get("/api/v1/parts", headers=_auth(secret)).status_code == 200
    clock.advance(timedelta(days=1, seconds=1))
    assert client.get("/api/v1/parts", headers=_auth(secret)).status_code == 401


def test_a_supplier_managers_token_sees_nothing_of_another_supplier(client, world):
    manager = db.session.get(User, world.manager_b.id)
    _token, secret = create_token(world.supplier_b, "B's MES", manager)
    db.session.commit()
    assert client.get(f"/api/v1/lots/{world.lot_a}", headers=_auth(secret)).status_code == 404
    lots = client.get("/api/v1/lots", headers=_auth(secret)).json["items"]
    assert lots and {lot["part_number"] for lot in lots} == {"PB-200"}


def test_audit_events_name_the_token_and_its_last_use_is_kept(client, world):
    lot = _create(client, world).json
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "lot.created", AuditEvent.object_id == lot["id"])
    ).one()
    assert event.after["api_token"] == {"id": world.token_a, "name": "MES"}
    assert db.session.get(ApiToken, world.token_a).last_used_at is not None


def test_unknown_api_urls_answer_problems(client, world):
    response = client.get("/api/v1/nothing", headers=_auth(world.token_a_secret))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_rate_limit_answers_429_with_retry_after(app, world):
    # A fixed window of a day: no test run crosses into the next one between its three requests.
    limited = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True, RATELIMIT_API="2 per day"
    )
    client = limited.test_client()
    for _n in range(2):
        assert client.get("/api/v1/parts", headers=_auth(world.token_a_secret)).status_code == 200
    response = client.get("/api/v1/parts", headers=_auth(world.token_a_secret))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert response.json["status"] == 429


def test_scars_are_listed_and_read_with_their_steps(client, world):
    scars = client.get("/api/v1/scars", headers=_auth(world.token_a_secret)).json["items"]
    assert [x["id"] for x in scars] == [world.scar_a]
    scar = client.get(f"/api/v1/scars/{world.scar_a}", headers=_auth(world.token_a_secret)).json
    assert scar["steps"] and {"code", "state", "due_on", "comments"} <= set(scar["steps"][0])


def test_a_string_keeps_its_decimals_and_a_number_is_accepted(client, world):
    lot = _create(client, world).json
    values = [
        {"sample": 1, "characteristic": "D1", "value": "10.000"},
        {"sample": 2, "characteristic": "d1", "value": 10.01},
    ]
    response = client.put(
        f"/api/v1/lots/{lot['id']}/measurements",
        json={"measurements": values},
        headers=_auth(world.token_a_secret),
    )
    assert response.status_code == 200, response.json
    places = db.session.scalars(
        select(Measurement.places)
        .join(LotDataset, LotDataset.id == Measurement.dataset_id)
        .where(LotDataset.lot_id == lot["id"])
        .order_by(Measurement.sample)
    ).all()
    assert places == [3, 2]


def test_a_bad_finding_is_pointed_at(client, world):
    lot = _create(client, world).json
    body = {"measurements": [], "findings": [{"defect_code": "NOPE", "sample": 1}]}
    response = client.put(
        f"/api/v1/lots/{lot['id']}/measurements", json=body, headers=_auth(world.token_a_secret)
    )
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json["errors"]} == {"/findings/0"}


def test_the_inspector_must_be_an_active_user_of_the_tokens_supplier(client, world):
    response = _create(client, world, inspector_email=world.inspector_b.email)
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/inspector_email"
