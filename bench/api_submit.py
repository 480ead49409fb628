"""The API under load (issue #11).

1. One lot of 200,000 values (2,000 samples x 100 variable characteristics, as in
   import_measurements.py) through `PUT /api/v1/lots/{id}/measurements` then `POST …/submit`, in
   process through the WSGI app (JSON encoding and decoding included), against the insert floor of
   the file import: the same values csv-parsed and inserted with one Core executemany. Target:
   Kensa's rows/s (PUT alone) at least 1/3 of the floor's.
2. `--clients N --seconds S` (default 50 for 60 s): N threads, each with a token of its own (of
   one supplier), POST lots and retry a third of them with the same `Idempotency-Key`; checks zero
   5xx, no duplicate lot, and lots in the database equal to the distinct successes. In process:
   threads on the WSGI app, each with its own app context and so its own SQLAlchemy session.

    .venv/bin/python -m bench.api_submit [--database-url URL] [--repeats 3] [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.import_measurements import (
    AQLS,
    CHARACTERISTICS,
    LEVEL,
    LOT_SIZE,
    SAMPLES,
    TARGET_RATIO,
    bench_table,
    build_world,
    count_rows,
    describe_database,
    empty_tables,
    environment,
    measurement_csv,
    median_of,
    new_lot,
    run_floor,
    scratch_database,
    server_reachable,
    variable_characteristic,
)


def boot(database_url: str, upload_folder: Path) -> Any:
    """import_measurements.boot_app, but `config` is already imported by that module (its
    `sqlalchemy_url`): read again with DATABASE_URL set, before any app module is imported."""
    os.environ["DATABASE_URL"] = database_url
    import config

    importlib.reload(config)
    # One connection per client thread: the pool's default 5 + 10 would make 50 threads wait on it.
    config.TestingConfig.SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 60,
        "pool_timeout": 120,
    }
    from flask_migrate import upgrade

    from app import create_app

    app = create_app("testing")
    app.config["UPLOAD_FOLDER"] = str(upload_folder)
    app.app_context().push()
    upgrade()
    return app


def _body(data: bytes) -> dict[str, Any]:
    """The CSV's values as the API's JSON body (decimal strings keep their 3 decimals)."""
    lines = data.decode().splitlines()[1:]
    rows = (line.split(",") for line in lines)
    return {
        "measurements": [{"sample": int(s), "characteristic": c, "value": v} for s, c, v in rows],
        "findings": [],
    }


def _token(supplier_id: int, name: str) -> str:
    from app.api.tokens import create_token
    from app.extensions import db

    _row, secret = create_token(supplier_id, name, None)
    db.session.commit()
    return secret


def run_put(client: Any, lot_id: int, body: dict[str, Any], secret: str) -> tuple[float, float]:
    """PUT the values, then submit; the seconds of each."""
    headers = {"Authorization": f"Bearer {secret}"}
    start = time.perf_counter()
    response = client.put(f"/api/v1/lots/{lot_id}/measurements", json=body, headers=headers)
    put = time.perf_counter() - start
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    start = time.perf_counter()
    response = client.post(f"/api/v1/lots/{lot_id}/submit", headers=headers)
    submit = time.perf_counter() - start
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return put, submit


def bench_one_lot(app: Any, repeats: int) -> tuple[str, int, int, str]:
    from app.extensions import db
    from app.lots import data as lot_data
    from app.lots.models import Measurement
    from app.tenancy import set_scope

    characteristics = [variable_characteristic(p) for p in range(1, CHARACTERISTICS + 1)]
    world = build_world(characteristics, level=LEVEL, aqls=AQLS)
    facts = (world.inspector.email, world.site.id, world.supplier.id, world.part.part_number)
    probe = new_lot(world, "API-PROBE", LOT_SIZE)
    assert probe.sample_size == SAMPLES
    data = measurement_csv(SAMPLES, lot_data.characteristics_of(probe))
    body = _body(data)
    rows = len(body["measurements"])
    ids = {c.code: c.id for c in lot_data.characteristics_of(probe)}
    table = bench_table()
    secret = _token(world.supplier.id, "bench")
    client = app.test_client()
    floor_times, put_times, submit_times = [], [], []
    for run in range(1, repeats + 1):
        empty_tables(table)
        floor_times.append(run_floor(data, table, world.supplier.id, lot_data.draft_of(probe).id, ids))
        lot = new_lot(world, f"API-{run:03d}", LOT_SIZE)
        lot_id = lot.id
        empty_tables(table)
        put, submit = run_put(client, lot_id, body, secret)
        put_times.append(put)
        submit_times.append(submit)
        assert count_rows(Measurement.__table__, _last_dataset(lot_id)) == rows
        set_scope(db.session, None)  # the requests shared this app context, and so the token's scope
    floor, put, submit = median_of(floor_times), median_of(put_times), median_of(submit_times)
    print(
        f"One lot of {rows:,} values through the API "
        f"({SAMPLES:,} samples x {CHARACTERISTICS} characteristics)"
    )
    print(f"  database: {describe_database()}")
    print(f"  {environment()}; median of {repeats} runs")
    print(f"  floor  csv + Core executemany   {floor:7.2f} s  {rows / floor:>10,.0f} rows/s")
    print(f"  Kensa  PUT …/measurements       {put:7.2f} s  {rows / put:>10,.0f} rows/s")
    print(f"         POST …/submit            {submit:7.2f} s  (evaluation of the whole lot)")
    ratio = floor / put
    verdict = "met" if ratio >= TARGET_RATIO else "NOT MET"
    print(f"  Kensa PUT / floor rows/s: {ratio:.2f}  (target >= {TARGET_RATIO:.2f}: {verdict})")
    return facts


def _last_dataset(lot_id: int) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.lots.models import LotDataset

    return db.session.scalar(
        select(LotDataset.id).where(LotDataset.lot_id == lot_id).order_by(LotDataset.number.desc()).limit(1)
    )


def bench_concurrency(app: Any, facts: tuple[str, int, int, str], clients: int, seconds: float) -> bool:
    """N threads posting lots for `seconds`, a third retried with the same key; the checks' verdict."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.lots.models import Lot

    inspector_email, site_id, supplier_id, world_part = facts
    secrets = [_token(supplier_id, f"client {n}") for n in range(clients)]
    statuses: Counter[int] = Counter()
    created: set[int] = set()
    replays = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client_loop(n: int) -> None:
        nonlocal replays
        rng = random.Random(n)
        http = app.test_client()
        headers = {"Authorization": f"Bearer {secrets[n]}"}
        with app.app_context():
            count = 0
            while time.monotonic() < deadline:
                count += 1
                body = {
                    "part_number": world_part,
                    "site_id": site_id,
                    "lot_number": f"C{n:02d}-{count:05d}",
                    "lot_size": 500,
                    "production_date": today,
                    "inspection_date": today,
                    "inspector_email": inspector_email,
                }
                key = {"Idempotency-Key": str(uuid.uuid4())}
                tries = 2 if rng.random() < 1 / 3 else 1
                for _try in range(tries):
                    try:
                        response = http.post("/api/v1/lots", json=body, headers={**headers, **key})
                    except Exception as error:
                        with lock:
                            statuses[599] += 1
                            if statuses[599] == 1:
                                print(f"  a request raised: {error!r}")
                        continue
                    with lock:
                        statuses[response.status_code] += 1
                        if response.status_code == 201:
                            if response.headers.get("Idempotency-Replayed"):
                                replays += 1
                            created.add(response.json["id"])

    from app.clock import utcnow

    today = utcnow().date().isoformat()
    db.session.remove()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The lots of this part only: the first part's lots are in the count of neither side.
    mine = (Lot.supplier_id == supplier_id, Lot.lot_number.like("C%"))
    stored = db.session.scalar(select(func.count()).select_from(Lot).where(*mine))
    duplicates = db.session.scalar(
        select(func.count()).select_from(
            select(Lot.lot_number)
            .where(Lot.supplier_id == supplier_id)
            .group_by(Lot.lot_number)
            .having(func.count() > 1)
            .subquery()
        )
    )
    server_errors = sum(v for k, v in statuses.items() if k >= 500)
    print(
        f"\n{clients} concurrent API clients for {seconds:.0f} s, a third of the POSTs retried with their key"
    )
    print(f"  answers: {dict(sorted(statuses.items()))} (599: raised in the app); replayed: {replays}")
    print(
        f"  lots created (distinct ids): {len(created)}; in the database: {stored}; duplicates: {duplicates}"
    )
    ok = server_errors == 0 and duplicates == 0 and stored == len(created)
    print(f"  zero 5xx, no duplicate, database = successes: {'met' if ok else 'NOT MET'}")
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"API bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        app = boot(url, Path(folder) / "uploads")
        from app.extensions import db

        try:
            world = bench_one_lot(app, args.repeats)
            ok = bench_concurrency(app, world, args.clients, args.seconds) if args.clients else True
        finally:
            db.session.remove()
            db.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
