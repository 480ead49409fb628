"""The audit trail as CSV rows (streamed by `app.downloads.streamed_csv`)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from app.audit.texts import describe
from app.downloads import safe_cell

HEADER = (
    "id",
    "time",
    "actor_email",
    "supplier_code",
    "action",
    "description",
    "object_type",
    "object_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def csv_cells(row: Any) -> list[str]:
    """One event as CSV cells: UTC ISO 8601 time, before/after as JSON, formula-like text escaped."""
    cells = [
        row.id,
        row.created_at.astimezone(UTC).isoformat(),
        row.actor_email,
        row.supplier_code,
        row.action,
        describe(row),
        row.object_type,
        row.object_id,
        _json(row.before),
        _json(row.after),
        row.prev_hash,
        row.hash,
    ]
    return [safe_cell(cell) for cell in cells]
