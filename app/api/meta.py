"""The API's description: its OpenAPI document, and a reference page rendered from it on the
server (no script, so it works under the CSP)."""

from __future__ import annotations

from flask import Response, json, render_template

from app.api.blueprint import bp
from app.api.openapi import document
from app.security import public


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    return Response(json.dumps(document()), mimetype="application/json")


@bp.get("/reference")
@public
def reference() -> str:
    doc = document()
    return render_template("api/reference.html", doc=doc, schemas=doc["components"]["schemas"])
