"""The audit trail as CSV, written in chunks so that any number of events streams in flat memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from app.audit.texts import describe
from app.lots.spreadsheets import safe_cell

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
ROWS_PER_CHUNK = 500


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


def csv_chunks(rows: Iterable[Any]) -> Iterator[bytes]:
    """UTF-8 CSV (with a BOM, so that Excel opens it as UTF-8): the header, then chunks of rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(HEADER)
    for count, row in enumerate(rows, start=1):
        writer.writerow(csv_cells(row))
        if count % ROWS_PER_CHUNK == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")
