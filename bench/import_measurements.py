"""Import of a 200,000-value measurement file through Kensa, against a bare csv + Core floor.

The file is an MES export in the long layout (`sample,characteristic,value`, one row per value):
2,000 samples x 100 variable characteristics, values with 3 decimals. Kensa's path is the real one,
`data.import_file` (type check, `read_upload` parse and validation, `_store_values`, the stored
attachment, the audit event), then one commit. The floor, measured in the same run on the same
database, parses the same bytes with `csv` and inserts the rows with one SQLAlchemy Core
`conn.execute(table.insert(), rows)` in one transaction into `bench_measurement`, a copy of the
`measurement` table (same columns, types, constraints, foreign keys and indexes). Both tables are
emptied (and the database checkpointed) before every timed run; each figure is the median of the runs.

    .venv/bin/python -m bench.import_measurements                       # SQLite file in a temp dir
    .venv/bin/python -m bench.import_measurements --database-url postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.import_measurements --profile             # plus cProfile of one import

With a PostgreSQL URL a fresh database is created on that server and dropped afterwards (as
tests/databases.py does). `evaluate_lot.py` reuses the set-up helpers of this module.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import conv

from config import sqlalchemy_url

SAMPLES = 2_000
CHARACTERISTICS = 100
# ISO 2859-1, level III: 600,000 is code letter R, n = 2,000 (the largest n of the three classes).
LOT_SIZE = 600_000
LEVEL = "III"
AQLS = {"critical": "0.065", "major": "0.65", "minor": "2.5"}
TARGET_RATIO = 1 / 3
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_TABLE = "bench_measurement"
MIB = 1024 * 1024


# --- Shared set-up (also used by evaluate_lot.py) ------------------------------------------------


def server_reachable(url: str) -> bool:
    engine = create_engine(sqlalchemy_url(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except sqlalchemy.exc.OperationalError:
        return False
    finally:
        engine.dispose()


@contextmanager
def scratch_database(folder: Path, server_url: str | None) -> Iterator[str]:
    """An empty database, dropped afterwards: a SQLite file in `folder`, or a new PostgreSQL database."""
    if not server_url:
        yield f"sqlite:///{folder / f'kensa-bench-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    server = make_url(sqlalchemy_url(server_url))
    name = f"kensa_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def boot_app(database_url: str, upload_folder: Path, **config: Any) -> Any:
    """`create_app("testing")` on the database (migrated to head); its app context is pushed.

    TestingConfig reads DATABASE_URL when `config` is first imported, so no app module may be
    imported before this runs: that is why the app imports in the benches are local.
    """
    if "config" in sys.modules:
        raise RuntimeError("config was imported before DATABASE_URL was set")
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from app import create_app

    app = create_app("testing")
    app.config["UPLOAD_FOLDER"] = str(upload_folder)
    app.config.update(config)
    app.app_context().push()
    upgrade()
    return app


def describe_database() -> str:
    from app.extensions import db

    engine = db.engine
    if engine.dialect.name == "sqlite":
        return f"SQLite {engine.dialect.dbapi.sqlite_version} (WAL), file {engine.url.database}"
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    return f"PostgreSQL {version}, database {engine.url.database} on {engine.url.host}"


def variable_characteristic(position: int, defect_class: str = "major") -> Any:
    """A measured dimension with a nominal of its own and a +/-0.050 mm tolerance."""
    from app.standards.models import Characteristic

    nominal = Decimal(5) + Decimal(position) / 4
    return Characteristic(
        position=position,
        code=f"DIM-{position:03d}",
        name=f"Dimension {position}",
        kind="variable",
        unit="mm",
        nominal=nominal,
        lsl=nominal - Decimal("0.050"),
        usl=nominal + Decimal("0.050"),
        defect_class=defect_class,
    )


@dataclass
class World:
    supplier: Any
    site: Any
    inspector: Any
    part: Any
    revision: Any


def build_world(characteristics: Sequence[Any], *, level: str, aqls: Mapping[str, str | None]) -> World:
    """Supplier, certified site, inspector, approved part with a released standard; committed."""
    from app.auth.models import Role
    from app.clock import utcnow
    from app.demo.certificates import certificate_with_scan
    from app.extensions import db
    from app.standards.models import RevisionState, Standard, StandardRevision
    from tests import factories

    supplier = factories.supplier("BENCH")
    site = factories.site(supplier, "Bench plant")
    certificate_with_scan(site)
    inspector = factories.user(Role.SUPPLIER_INSPECTOR, supplier)
    part = factories.part("BENCH-0001")
    factories.approval(part, site)
    # factories.released_standard, with the level and AQLs of the bench (a released revision is frozen).
    standard = Standard(part_id=part.id)
    db.session.add(standard)
    db.session.flush()
    revision = StandardRevision(
        standard_id=standard.id,
        number=1,
        inspection_level=level,
        aql_critical=aqls.get("critical"),
        aql_major=aqls.get("major"),
        aql_minor=aqls.get("minor"),
    )
    revision.characteristics.extend(characteristics)
    db.session.add(revision)
    db.session.flush()
    revision.state, revision.released_at = RevisionState.RELEASED, utcnow()
    db.session.commit()
    return World(supplier, site, inspector, part, revision)


def new_lot(world: World, number: str, lot_size: int) -> Any:
    """A draft lot created through `services.create_lot` (factories.lot); committed."""
    from app.extensions import db
    from tests import factories

    lot = factories.lot(world.site, world.part, world.inspector, number, lot_size=lot_size)
    db.session.commit()
    return lot


def checkpoint() -> None:
    """Write dirty pages out now, so that no timed run pays for an earlier run's checkpoint."""
    from app.extensions import db

    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("CHECKPOINT")


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95_of(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def environment() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, "
        f"{os.cpu_count()} CPU(s), load average {load}"
    )


# --- This bench ------------------------------------------------------------------------------------


def measurement_csv(samples: int, characteristics: Sequence[Any], seed: int = 20_260_101) -> bytes:
    """The MES export: header, then one row per (sample, characteristic), 3 decimals, CRLF, UTF-8."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["sample", "characteristic", "value"])
    centres = [(c.code, float(c.nominal) + rng.uniform(-0.01, 0.01)) for c in characteristics]
    for sample in range(1, samples + 1):
        for code, centre in centres:
            writer.writerow([sample, code, f"{rng.gauss(centre, 0.012):.3f}"])
    return out.getvalue().encode("utf-8")


def bench_table() -> Any:
    """`bench_measurement`: the `measurement` table's copy (constraints, foreign keys, indexes)."""
    from app.extensions import db
    from app.lots.models import Measurement

    table = Measurement.__table__.to_metadata(db.metadata, name=BENCH_TABLE)
    # The copies keep the original names (pk_measurement...): PostgreSQL wants its own per table.
    for item in (*table.constraints, *table.indexes):
        if item.name and BENCH_TABLE not in item.name:
            item.name = conv(item.name.replace("measurement", BENCH_TABLE, 1))
    table.create(db.engine)
    return table


def empty_tables(table: Any) -> None:
    from app.extensions import db

    db.session.commit()  # no transaction of the session may hold a lock on the tables
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE measurement, {table.name}")
        else:
            conn.exec_driver_sql("DELETE FROM measurement")
            conn.exec_driver_sql(f"DELETE FROM {table.name}")  # noqa: S608 - our own table name
    checkpoint()


def count_rows(table: Any, dataset_id: int) -> int:
    from sqlalchemy import func, select

    from app.extensions import db

    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).where(table.c.dataset_id == dataset_id)) or 0


def run_floor(data: bytes, table: Any, supplier_id: int, dataset_id: int, ids: dict[str, int]) -> float:
    """csv-parse the file and insert its rows with one Core executemany in one transaction."""
    from app.extensions import db

    start = time.perf_counter()
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    next(reader)
    rows = [
        {
            "supplier_id": supplier_id,
            "dataset_id": dataset_id,
            "sample": int(sample),
            "characteristic_id": ids[code],
            "value": Decimal(value),
            "passed": None,
        }
        for sample, code, value in reader
    ]
    with db.engine.begin() as conn:
        conn.execute(table.insert(), rows)
    return time.perf_counter() - start


def run_kensa(data: bytes, lot: Any, inspector: Any) -> float:
    """`data.import_file` into the (fresh) lot's draft, then commit."""
    from werkzeug.datastructures import FileStorage

    from app.extensions import db
    from app.lots import data

    upload = FileStorage(io.BytesIO(data), filename="mes-export.csv", content_type="text/csv")
    start = time.perf_counter()
    data.import_file(lot, upload, inspector)
    db.session.commit()
    return time.perf_counter() - start


def run_read_upload(data: bytes, lot: Any) -> float:
    """Only parsing and validating the file (`data.read_upload`), nothing written."""
    from app.extensions import db
    from app.lots import data as lot_data

    start = time.perf_counter()
    result = lot_data.read_upload(lot, data, "text/csv")
    elapsed = time.perf_counter() - start
    assert not result.errors, result.errors[:3]
    db.session.rollback()
    return elapsed


def profile(label: str, call: Callable[[], object], limit: int = 30) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    print(f"\n--- cProfile of {label} ---")
    print(out.getvalue())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also cProfile one more Kensa import")
    args = parser.parse_args(argv)
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"import bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0

    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        return _bench(Path(folder), url, args.repeats, args.profile)


def _bench(folder: Path, url: str, repeats: int, with_profile: bool) -> int:
    app = boot_app(url, folder / "uploads")
    from app.attachments.storage import DEFAULT_MAX_BYTES
    from app.extensions import db
    from app.lots import data as lot_data
    from app.lots.models import Measurement

    try:
        characteristics = [variable_characteristic(p) for p in range(1, CHARACTERISTICS + 1)]
        world = build_world(characteristics, level=LEVEL, aqls=AQLS)
        probe = new_lot(world, "BENCH-PROBE", LOT_SIZE)
        samples = probe.sample_size
        assert samples == SAMPLES, f"the plan gives n = {samples}, not {SAMPLES}"
        data = measurement_csv(samples, lot_data.characteristics_of(probe))
        rows = samples * CHARACTERISTICS
        if len(data) > DEFAULT_MAX_BYTES:
            app.config["ATTACHMENT_MAX_BYTES"] = len(data)
        limit = app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)
        ids = {c.code: c.id for c in lot_data.characteristics_of(probe)}
        floor_dataset = lot_data.draft_of(probe).id
        supplier_id = world.supplier.id
        table = bench_table()

        floor_times: list[float] = []
        kensa_times: list[float] = []
        for run in range(1, repeats + 1):
            empty_tables(table)
            floor_times.append(run_floor(data, table, supplier_id, floor_dataset, ids))
            assert count_rows(table, floor_dataset) == rows
            lot = new_lot(world, f"BENCH-{run:03d}", LOT_SIZE)
            empty_tables(table)
            kensa_times.append(run_kensa(data, lot, world.inspector))
            assert count_rows(Measurement.__table__, lot_data.draft_of(lot).id) == rows
        read_times = [run_read_upload(data, probe) for _ in range(repeats)]

        floor, kensa, read = median_of(floor_times), median_of(kensa_times), median_of(read_times)
        ratio = floor / kensa
        raised = "raised for the bench" if limit > DEFAULT_MAX_BYTES else "default, not raised"
        print(
            f"Import of {rows:,} measurement values into one lot "
            f"({samples:,} samples x {CHARACTERISTICS} variable characteristics, long-layout CSV, "
            f"{len(data) / MIB:.1f} MiB; ATTACHMENT_MAX_BYTES {limit / MIB:.0f} MiB, {raised})"
        )
        print(f"  database: {describe_database()}")
        print(f"  {environment()}; median of {repeats} runs, one transaction each, committed")
        print(
            f"  floor  csv + Core executemany      {floor:7.2f} s  {rows / floor:>10,.0f} rows/s"
            f"   runs {_runs(floor_times)}"
        )
        print(
            f"  Kensa  data.import_file            {kensa:7.2f} s  {rows / kensa:>10,.0f} rows/s"
            f"   runs {_runs(kensa_times)}"
        )
        print(f"         of which read_upload only   {read:7.2f} s   (parse + validate, no writes)")
        verdict = "met" if ratio >= TARGET_RATIO else "NOT MET"
        print(f"  Kensa / floor rows/s: {ratio:.2f}  (target >= {TARGET_RATIO:.2f}: {verdict})")

        if with_profile:
            lot = new_lot(world, "BENCH-PROFILE", LOT_SIZE)
            empty_tables(table)
            profile("data.import_file + commit", lambda: run_kensa(data, lot, world.inspector))
        return 0
    finally:
        db.session.remove()
        db.engine.dispose()


def _runs(times: Sequence[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    sys.exit(main())
