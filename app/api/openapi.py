"""The OpenAPI 3.1 document, generated: every schema is the JSON Schema pydantic makes of the models
that validate the requests and shape the responses (app/api/schemas.py); the table below only says
which model each operation takes and gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api import schemas as s

REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    endpoint: str  # the Flask endpoint that serves it (a test checks that each API view has one)
    method: str
    path: str
    summary: str
    response: type[BaseModel] | None
    status: int = 200
    body: type[BaseModel] | None = None
    query: tuple[tuple[str, str, str], ...] = ()  # (name, JSON type, description)
    errors: tuple[int, ...] = (401, 404, 429)
    idempotent: bool = False
    headers: dict[str, str] = field(default_factory=dict)


LOT_ID = ("lot_id", "The lot's id")
OPERATIONS = (
    Operation("api.parts", "get", "/parts", "The parts the supplier is approved for", s.PartList),
    Operation(
        "api.revision",
        "get",
        "/revisions/{revision_id}",
        "A standard revision's characteristics",
        s.RevisionOut,
    ),
    Operation(
        "api.create_lot",
        "post",
        "/lots",
        "Create a draft lot",
        s.LotOut,
        201,
        s.LotIn,
        errors=(401, 409, 422, 429),
        idempotent=True,
        headers={"Location": "The lot's URL"},
    ),
    Operation(
        "api.put_measurements",
        "put",
        "/lots/{lot_id}/measurements",
        "Replace the draft's values and findings, all or nothing",
        s.SavedOut,
        body=s.MeasurementsIn,
        errors=(401, 404, 409, 422, 429),
    ),
    Operation(
        "api.submit_lot",
        "post",
        "/lots/{lot_id}/submit",
        "Evaluate and submit the lot",
        s.LotOut,
        errors=(401, 404, 409, 422, 429),
        idempotent=True,
    ),
    Operation("api.get_lot", "get", "/lots/{lot_id}", "A lot with its evaluation and decision", s.LotOut),
    Operation(
        "api.list_lots",
        "get",
        "/lots",
        "The supplier's lots, newest first, a page at a time",
        s.LotList,
        query=(
            ("state", "string", "Only lots in this state"),
            ("part_number", "string", "Only lots of this part"),
            ("updated_since", "string", "Only lots changed at or after this ISO 8601 time (with offset)"),
            ("cursor", "string", "The `next_cursor` of the previous page"),
        ),
        errors=(401, 422, 429),
    ),
    Operation(
        "api.list_scars",
        "get",
        "/scars",
        "The supplier's SCARs, newest first",
        s.ScarList,
        query=(("cursor", "string", "The `next_cursor` of the previous page"),),
        errors=(401, 422, 429),
    ),
    Operation(
        "api.get_scar",
        "get",
        "/scars/{scar_id}",
        "A SCAR with its 8D steps and the brand's comments",
        s.ScarOut,
    ),
    Operation(
        "api.create_hook",
        "post",
        "/webhooks",
        "Register a webhook; its signing secret is in this answer only",
        s.WebhookCreated,
        201,
        s.WebhookIn,
        errors=(401, 409, 422, 429),
        idempotent=True,
        headers={"Location": "The webhook's delivery log"},
    ),
    Operation(
        "api.list_hooks", "get", "/webhooks", "The supplier's webhooks", s.WebhookList, errors=(401, 429)
    ),
    Operation("api.delete_hook", "delete", "/webhooks/{webhook_id}", "Remove a webhook", None, 204),
    Operation(
        "api.hook_deliveries",
        "get",
        "/webhooks/{webhook_id}/deliveries",
        "The webhook's delivery log, newest first",
        s.DeliveryList,
    ),
)


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": name[1:-1],
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": s.MAX_ID},
        }
        for name in op.path.split("/")
        if name.startswith("{")
    ]
    params += [
        {
            "name": n,
            "in": "query",
            "required": False,
            "schema": {"type": t, "pattern": s.PRINTABLE},
            "description": d,
        }
        for n, t, d in op.query
    ]
    if op.idempotent:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
                "description": "The same key and body within 24 h replays the first response",
            }
        )
    return params


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
    }


ERROR_TEXT = {
    401: "Missing, wrong, expired or revoked token",
    404: "No such resource for this supplier",
    409: "The resource's state forbids this (or the same Idempotency-Key is running)",
    422: "Invalid input: every error with its JSON pointer",
    429: "Rate limit of the token exceeded (see Retry-After)",
}


def _operation(op: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        success["content"] = {
            "application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}
        }
    if op.headers:
        success["headers"] = {
            h: {"description": d, "schema": {"type": "string"}} for h, d in op.headers.items()
        }
    document: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api."),
        "summary": op.summary,
        "parameters": _parameters(op),
        "responses": {str(op.status): success, **{str(c): _problem(ERROR_TEXT[c]) for c in op.errors}},
    }
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}},
        }
    return document


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API."""
    models = (
        {op.response for op in OPERATIONS if op.response}
        | {op.body for op in OPERATIONS if op.body}
        | {s.Problem}
    )
    _keys, schemas = models_json_schema(
        [(m, "serialization" if m not in {op.body for op in OPERATIONS} else "validation") for m in models],
        ref_template=REF,
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kensa API",
            "version": "1.0.0",
            "description": "Lots, measurements and decisions for the OEM's MES systems. Errors are "
            "application/problem+json (RFC 9457).",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
