"""A portal's worth of rows for the benches and `flask seed volume`, bulk-inserted in one transaction.

100 suppliers with a site, an inspector and a manager each; 1,000 parts (10 per supplier), each
with a released standard revision and an approval at its supplier's site; 6 reviewers assigned to
10 suppliers each, a quality manager and an admin; and N lots over 24 months. Lots older than six
weeks are all decided (accepted, rejected, on deviation, about 93 : 5 : 1); the queue (2.5 % of
all lots: submitted, or in review by a reviewer) and a few drafts and returned lots are among the
last six weeks' lots. Lots accepted on deviation have their approved deviation and its two
signatures; a few lots in review have a deviation waiting for its second signature.

`scorecard_data=True` adds what the scorecard KPIs read (`app.volume.scorecard`: characteristics,
datasets, results, findings, SCARs with their 8D steps and submissions), and `measurements=True`
every dataset's values (`app.volume.measurements`), each from a random generator of its own, so
the rows above stay exactly the same with or without them.

Rows go in with explicit ids through `app.volume.bulk` (COPY on PostgreSQL, prepared executemany
on SQLite), in one transaction; the PostgreSQL sequences are moved past the ids afterwards, then
ANALYZE runs (what autovacuum would soon do; SQLite keeps no statistics, as in use). No ORM
objects, no services: the lots' plans are not computed; with `audit_key`, the audit trail their
services would have written is generated (`app.volume.audit`), hash-chained, as it goes in.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, select

from app.volume import bulk
from app.volume.audit import audit_rows
from app.volume.lots import deviation_rows, lot_rows
from app.volume.masters import masters
from app.volume.measurements import COLUMNS, MEASURED_SHARE, measurement_rows
from app.volume.scars import COMPLAINT_SHARE, SCAR_SHARE
from app.volume.scorecard import scorecard_rows
from app.volume.shape import REVIEWERS, SUPPLIERS, assigned


@dataclass
class Volume:
    """What was loaded: reviewers (id, session token), lots per state, rows per table, seconds per phase."""

    reviewers: list[tuple[int, str]]
    assignments: dict[int, list[int]]
    states: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # generate, insert, constraints, analyze
    table_seconds: dict[str, float] = field(default_factory=dict)


def generate(
    lots: int,
    now: datetime,
    seed: int = 8,
    *,
    scorecard_data: bool = False,
    scar_share: float = SCAR_SHARE,
    complaint_share: float = COMPLAINT_SHARE,
    password_hash: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Every row but the measurements, by table in insertion order (parents first)."""
    rng = random.Random(seed)
    lot_list = lot_rows(lots, now, rng)
    signatures, deviations = deviation_rows(lot_list, rng)
    tables = {
        **masters(now, password_hash),
        "lot": lot_list,
        "signature": signatures,
        "deviation": deviations,
    }
    if scorecard_data:
        tables.update(scorecard_rows(lot_list, now, random.Random(seed + 1), scar_share, complaint_share))
    return tables


def load(
    engine: Engine,
    metadata: MetaData,
    lots: int,
    now: datetime,
    seed: int = 8,
    *,
    scorecard_data: bool = False,
    measurements: bool = False,
    measured_share: float = MEASURED_SHARE,
    scar_share: float = SCAR_SHARE,
    complaint_share: float = COMPLAINT_SHARE,
    password_hash: str | None = None,
    audit_key: tuple[str, bytes] | None = None,
    echo: Callable[[str], None] | None = None,
) -> Volume:
    """Insert the whole volume in one transaction; on PostgreSQL, move the sequences and ANALYZE.

    `scorecard_data` adds the datasets, results, findings and SCARs (`scar_share` of the rejected
    lots raise one, times their supplier's propensity, plus `complaint_share` per such SCAR from
    complaints); `measurements` (which needs them) every dataset's values; `password_hash` is
    every user's (None: nobody can sign in with a password, only with a forged session);
    `audit_key` (the id and secret of the server's audit key, AUDIT_KEY_ID and AUDIT_KEY) adds
    the lots' and SCARs' audit trail, chained under that key (`app.volume.audit`). `echo` hears
    of each phase as it starts.
    """
    if measurements and not scorecard_data:
        raise ValueError("measurements need the datasets and results of scorecard_data")
    say = echo or (lambda message: None)
    volume = Volume(
        reviewers=[(SUPPLIERS + r, f"bench-token-{SUPPLIERS + r}") for r in range(1, REVIEWERS + 1)],
        assignments=assigned(),
    )
    start = time.perf_counter()
    say(f"generating the rows of {lots:,} lots")
    tables = generate(
        lots,
        now,
        seed,
        scorecard_data=scorecard_data,
        scar_share=scar_share,
        complaint_share=complaint_share,
        password_hash=password_hash,
    )
    for lot in tables["lot"]:
        volume.states[lot["state"]] = volume.states.get(lot["state"], 0) + 1
    volume.seconds["generate"] = time.perf_counter() - start
    start = time.perf_counter()
    say(f"inserting {sum(map(len, tables.values())):,} rows into {len(tables)} tables")
    names = [*tables, *(["measurement"] if measurements else []), *(["audit_event"] if audit_key else [])]
    with engine.begin() as conn:
        with bulk.page_cache(conn), bulk.foreign_keys_after(conn, names):
            for name, rows in tables.items():
                began = time.perf_counter()
                volume.tables[name] = bulk.insert_dicts(conn, metadata.tables[name], rows)
                volume.table_seconds[name] = time.perf_counter() - began
            if measurements:
                say("inserting measurement (generated as it goes in)")
                began = time.perf_counter()
                values = measurement_rows(tables["lot"], tables, seed + 2, measured_share)
                volume.tables["measurement"] = bulk.insert_tuples(
                    conn, metadata.tables["measurement"], COLUMNS, values
                )
                volume.table_seconds["measurement"] = time.perf_counter() - began
            if audit_key is not None:
                say("inserting audit_event (hash-chained as it goes in)")
                began = time.perf_counter()
                volume.tables["audit_event"] = _insert_audit_trail(conn, metadata, tables, now, audit_key)
                volume.table_seconds["audit_event"] = time.perf_counter() - began
            volume.seconds["insert"] = time.perf_counter() - start
            start = time.perf_counter()
            if engine.dialect.name == "postgresql":
                say("adding the foreign keys back (checks every row)")
        bulk.move_sequences(conn, volume.tables)
        say("committing")
    volume.rows = sum(volume.tables.values())
    volume.seconds["constraints"] = time.perf_counter() - start  # and the commit
    start = time.perf_counter()
    if engine.dialect.name == "postgresql":
        say("ANALYZE")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    volume.seconds["analyze"] = time.perf_counter() - start
    return volume


def _insert_audit_trail(
    conn: Connection,
    metadata: MetaData,
    tables: dict[str, list[dict[str, Any]]],
    now: datetime,
    key: tuple[str, bytes],
) -> int:
    """The lots' and SCARs' events, chained after the trail's last event (none in a new database)."""
    table = metadata.tables["audit_event"]
    last = conn.execute(select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)).first()
    head = None if last is None else (last.id, last.hash)
    return bulk.insert_dicts(conn, table, audit_rows(tables, now, key, head))
