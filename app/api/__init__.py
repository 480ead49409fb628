"""The JSON API for the OEMs' MES systems (`/api/v1`): Bearer tokens of one supplier, problem+json
errors, idempotent POSTs, and an OpenAPI document generated from the request and response models."""

from app.api import lots, meta, scars, webhooks  # noqa: F401  (the views attach themselves to bp)
from app.api.blueprint import API_PREFIX, bp

__all__ = ["API_PREFIX", "bp"]
