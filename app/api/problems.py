"""Errors as `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, and for
invalid input `errors`, one `{pointer, detail}` per problem. Details are plain English: machines read
them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json

PROBLEM_TYPE = "https://kensa.example/problems/"
TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid-input",
    429: "too-many-requests",
    500: "server-error",
}


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem response of `status`."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + TYPES.get(status, "error"),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


DEFAULT_DETAILS = {
    401: "Send a valid, unexpired API token as `Authorization: Bearer <token>`.",
    404: "There is no such resource.",
    405: "This method is not allowed on this resource.",
    413: "The request body is too large.",
    429: "Too many requests with this token; wait, then try again.",
    500: "The server failed; nothing was changed. Try again later.",
}


def for_status(status: int) -> Response:
    """The problem for an HTTP error raised by Flask or a view (`abort(404)`)."""
    return problem(status, DEFAULT_DETAILS.get(status, HTTPStatus(status).description))
