"""API views of the supplier's webhooks: register one (its secret shown once), list, remove, and
read its delivery log."""

from __future__ import annotations

from flask import Response, abort, url_for

from app import tenancy
from app.api import schemas as s
from app.api.auth import current_token, token_required
from app.api.blueprint import bp
from app.api.idempotency import idempotent
from app.api.io import body, refused, send
from app.rules import RuleError
from app.webhooks.models import Webhook
from app.webhooks.services import create_webhook, delete_webhook, deliveries_of, webhooks_of


def _out(webhook: Webhook) -> s.WebhookOut:
    return s.WebhookOut(id=webhook.id, url=webhook.url, events=webhook.events, created_at=webhook.created_at)


def _live(webhook_id: int) -> Webhook:
    webhook = tenancy.get_or_404(Webhook, webhook_id)
    if webhook.deleted_at is not None:
        abort(404)
    return webhook


@bp.post("/webhooks")
@token_required
@idempotent
def create_hook() -> Response:
    given = body(s.WebhookIn)
    token = current_token()
    try:
        webhook = create_webhook(token.supplier_id, given.url, given.events, token.id)
    except RuleError as error:
        raise refused(error) from None
    created = s.WebhookCreated(**_out(webhook).model_dump(), secret=webhook.secret)
    return send(created, 201, {"Location": url_for("api.hook_deliveries", webhook_id=webhook.id)})


@bp.get("/webhooks")
@token_required
def list_hooks() -> Response:
    return send(s.WebhookList(items=[_out(w) for w in webhooks_of(current_token().supplier_id)]))


@bp.delete("/webhooks/<int:webhook_id>")
@token_required
def delete_hook(webhook_id: int) -> Response:
    delete_webhook(_live(webhook_id))
    return Response(status=204)


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@token_required
def hook_deliveries(webhook_id: int) -> Response:
    webhook = tenancy.get_or_404(Webhook, webhook_id)
    return send(
        s.DeliveryList(
            items=[s.DeliveryOut.model_validate(d, from_attributes=True) for d in deliveries_of(webhook)]
        )
    )
