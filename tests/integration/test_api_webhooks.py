"""Webhooks: registered through the API (https only, secret shown once), fed by the domain events,
signed as Standard Webhooks describe, retried with exponential backoff, sent by `flask webhooks
deliver` without Redis (issue #11)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.jobs import tasks
from app.lots.models import Lot
from app.reviews import notices
from app.reviews.services import Decision, decide
from app.rules import RuleError
from app.webhooks import services
from app.webhooks.models import DeliveryState, WebhookDelivery
from app.webhooks.signing import sign
from tests.conftest import login_as
from tests.factories import PASSWORD
from tests.integration.test_jobs import queue  # noqa: F401 - the fixture of a test queue on Redis

pytestmark = pytest.mark.shared_world


@pytest.fixture(autouse=True)
def _context(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield


def _auth(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {world.token_a_secret}"}


def test_the_signature_matches_the_standard_webhooks_reference_vector():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_webhook_is_registered_listed_and_removed(client, world):
    created = client.post(
        "/api/v1/webhooks",
        json={"url": "https://127.0.0.1/mes", "events": ["lot.decided"]},
        headers=_auth(world),
    )
    assert created.status_code == 201 and created.json["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=_auth(world)).json["items"]
    assert "secret" not in listed[-1] and listed[-1]["url"] == "https://127.0.0.1/mes"
    assert client.delete(f"/api/v1/webhooks/{created.json['id']}", headers=_auth(world)).status_code == 204
    assert created.json["id"] not in [
        w["id"] for w in client.get("/api/v1/webhooks", headers=_auth(world)).json["items"]
    ]


@pytest.mark.parametrize("url", ["http://127.0.0.1/mes", "https://10.0.0.5/mes", "https://169.254.169.254/x"])
def test_plain_http_and_private_addresses_are_refused(client, world, url):
    response = client.post(
        "/api/v1/webhooks", json={"url": url, "events": ["lot.decided"]}, headers=_auth(world)
    )
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/url"


def test_production_refuses_loopback(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", False)
    with pytest.raises(RuleError):
        services.check_url("https://127.0.0.1/mes")


def _decide(world, number: str = "A-0003") -> Lot:  # type: ignore[no-untyped-def]
    lot = db.session.scalars(select(Lot).where(Lot.id == world.in_review_a)).one()
    reviewer = db.session.get(User, world.reviewer.id)
    with patch.object(notices, "lot_decided"):
        decide(lot, reviewer, Decision.ACCEPT, reason="fine", password=PASSWORD, version=None)
    db.session.commit()
    return lot


def _pending(world) -> list[WebhookDelivery]:  # type: ignore[no-untyped-def]
    return list(
        db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == world.webhook_a))
    )


def test_a_decision_is_delivered_signed(world):
    _decide(world)
    sent = []

    def receiver(url, body, headers):  # type: ignore[no-untyped-def]
        sent.append((url, body, headers))
        return 204

    assert services.deliver_due(receiver) == (1, 0)
    url, body, headers = sent[0]
    assert url == "https://127.0.0.1/hook"
    assert (
        json.loads(body)["type"] == "lot.decided" and json.loads(body)["data"]["lot_id"] == world.in_review_a
    )
    secret = _pending(world)[0].webhook.secret
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    assert _pending(world)[0].state == DeliveryState.DELIVERED


def test_a_failed_delivery_is_retried_with_growing_waits_then_given_up(world, clock):
    clock.freeze(clock.now())
    _decide(world)
    waits = []
    for _attempt in range(services.MAX_ATTEMPTS):
        assert services.deliver_due(lambda url, body, headers: 500) == (0, 1)
        delivery = _pending(world)[0]
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - clock.now())
            assert services.deliver_due(lambda url, body, headers: 500) == (0, 0)  # not due yet
            clock.advance(waits[-1])
    assert waits == [services.FIRST_RETRY * 2**n for n in range(services.MAX_ATTEMPTS - 1)]
    assert _pending(world)[0].state == DeliveryState.FAILED


def test_the_delivery_log_is_read_through_the_api_and_on_the_page(client, world):
    _decide(world)
    login_as(client, world.manager_a)
    assert "lot.decided" in client.get("/tokens/webhooks").get_data(as_text=True)
    log = client.get(f"/api/v1/webhooks/{world.webhook_a}/deliveries", headers=_auth(world)).json["items"]
    assert [d["event"] for d in log] == ["lot.decided"] and log[0]["state"] == "pending"


def test_flask_webhooks_deliver_sends_what_is_due(app, world, monkeypatch):
    _decide(world)
    monkeypatch.setattr(services, "_post", lambda url, body, headers: 200)
    monkeypatch.setattr(services.deliver_due, "__defaults__", (services._post,))
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0 and "1 delivered" in result.output


def test_another_suppliers_webhook_is_not_told(world):
    _decide(world)
    others = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == world.webhook_b)
    ).all()
    assert others == [] and len(_pending(world)) == 1
    assert timedelta(0) == services.next_due_in()


def test_a_decision_queues_the_delivery_job_once_committed_and_the_job_sends_it(world, queue, monkeypatch):  # noqa: F811
    _decide(world)
    assert ("app.jobs.tasks.deliver_webhooks", ()) in [(j.func_name, tuple(j.args)) for j in queue.get_jobs()]
    monkeypatch.setattr(services.deliver_due, "__defaults__", (lambda url, body, headers: 200,))
    assert tasks.deliver_webhooks() == 1
    assert _pending(world)[0].state == DeliveryState.DELIVERED
