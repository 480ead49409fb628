"""Streamed CSV downloads: flat memory for any number of rows, and the reader's supplier scope kept."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context

from app import tenancy
from app.clock import utcnow
from app.extensions import db

ROWS_PER_CHUNK = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def safe_cell(value: object) -> str:
    """A cell for a CSV or XLSX export that a spreadsheet will not run as a formula (OWASP CSV
    injection): text that starts like a formula, and is not a number, gets a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER_RE.match(text):
        return "'" + text
    return text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so that Excel reads it as UTF-8): the header, then chunks of rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % ROWS_PER_CHUNK == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def streamed_csv(header: Sequence[str], rows: Iterable[Sequence[object]], name: str) -> Response:
    """A CSV attachment `<name>-<yyyymmdd-hhmm>.csv` whose rows are read while the body streams.

    The body is read after the request's teardown has removed its session, and the supplier scope
    with it; the rows are read under the scope the request had, so a supplier user's download
    never holds another supplier's rows.
    """
    scope = tenancy.current_scope(db.session)

    def scoped() -> Iterator[bytes]:
        tenancy.set_scope(db.session, scope)
        yield from csv_chunks(header, rows)

    response = Response(stream_with_context(scoped()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{utcnow():%Y%m%d-%H%M}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
