"""The JSON API for the OEMs' MES systems (`/api/v1`): Bearer tokens of one supplier, problem+json
errors, idempotent POSTs, and an OpenAPI document generated from the request and response models."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
API_PREFIX = "/api/"

from app.api import lots, meta, scars, webhooks  # noqa: E402,F401  (the views attach themselves to bp)
