"""Evaluation of a lot of 125 samples x 40 variable characteristics, pure and through `services.submit`.

1. `app.quality.evaluation.evaluate` on in-memory values (target: median < 50 ms). Its floor is
   plain Python doing the statistics every characteristic needs (mean and sd with `math.fsum`,
   min, max, values outside the limits), on the same values.
2. The app-level submit path, `services.submit(lot, inspector)` and the commit, on a scratch
   database: values read back, completeness check, evaluation, the integrity checks against the
   20 earlier lots of the same supplier and part (HISTORY_LOTS), the stored characteristic and class
   results and integrity flags, the lot's state and its audit event. 20 lots are submitted untimed
   first so that every timed submission has a full history; two characteristics are made to raise
   flags (one repeats the same values in every lot, one is read to 0.005), so flags are stored too.
   Each timed lot's draft is saved through `data.save_entries` beforehand (untimed). No floor.

    .venv/bin/python -m bench.evaluate_lot                    # SQLite file in a temp dir
    .venv/bin/python -m bench.evaluate_lot --database-url postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.import_measurements import (
    boot_app,
    build_world,
    describe_database,
    environment,
    median_of,
    new_lot,
    p95_of,
    profile,
    scratch_database,
    server_reachable,
    variable_characteristic,
)

SAMPLES = 125
CHARACTERISTICS = 40
# ISO 2859-1, level II: 3,000 is code letter K, n = 125 for major 0.65 and minor 2.5.
LOT_SIZE = 3_000
LEVEL = "II"
AQLS: dict[str, str | None] = {"critical": None, "major": "0.65", "minor": "2.5"}
TARGET_MS = 50.0
WARM_UP = 5


def defect_class(position: int) -> str:
    return "minor" if position % 4 == 0 else "major"


def timed(call: Callable[[], object], runs: int) -> list[float]:
    for _ in range(WARM_UP):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def line(label: str, times: Sequence[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"  {label:<36} median {median_of(ms):8.2f} ms   p95 {p95_of(ms):8.2f} ms   "
        f"max {max(ms):8.2f} ms   ({len(ms)} runs)"
    )


# --- 1. The pure evaluation ----------------------------------------------------------------------


def bench_evaluate(runs: int) -> None:
    from app.quality.evaluation import CharacteristicSpec, evaluate
    from app.quality.sampling import lot_plan

    rng = random.Random(7)
    plans = lot_plan(LOT_SIZE, {k: v for k, v in AQLS.items() if v}, level=LEVEL).plans
    assert max(p.sample_size for p in plans.values()) == SAMPLES
    specs = []
    columns: dict[str, list[float]] = {}
    for position in range(1, CHARACTERISTICS + 1):
        nominal = 5 + position / 4
        code = f"DIM-{position:03d}"
        specs.append(
            CharacteristicSpec(
                code=code,
                kind="variable",
                defect_class=defect_class(position),
                lsl=nominal - 0.05,
                usl=nominal + 0.05,
                target=nominal,
            )
        )
        columns[code] = [round(rng.gauss(nominal, 0.012), 3) for _ in range(SAMPLES)]
    measurements: dict[str, list[float | bool | None]] = {k: list(v) for k, v in columns.items()}

    def kensa() -> object:
        return evaluate(SAMPLES, specs, measurements, [], plans)

    def floor() -> object:
        out = []
        for spec in specs:
            values, lsl, usl = columns[spec.code], spec.lsl or -math.inf, spec.usl or math.inf
            n = len(values)
            mean = math.fsum(values) / n
            sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
            out.append((mean, sd, min(values), max(values), sum(1 for v in values if v < lsl or v > usl)))
        return out

    kensa_times, floor_times = timed(kensa, runs), timed(floor, runs)
    median_ms = median_of(kensa_times) * 1000
    verdict = "met" if median_ms < TARGET_MS else "NOT MET"
    print(f"evaluate(): {SAMPLES} samples x {CHARACTERISTICS} variable characteristics, no database")
    print(line("floor  fsum mean/sd, min/max/out", floor_times))
    print(line("Kensa  quality.evaluation.evaluate", kensa_times))
    print(
        f"  evaluate / floor time: {median_of(kensa_times) / median_of(floor_times):.1f}x;"
        f"  target median < {TARGET_MS:.0f} ms: {verdict}"
    )


# --- 2. services.submit ----------------------------------------------------------------------------


def lot_cells(characteristics: Sequence[Any], rng: random.Random) -> list[Any]:
    """A complete sample as the grid would post it (RawCells), with two flag-raising characteristics."""
    from app.lots.entry import RawCell

    copied = random.Random(99)  # the same "measurements" in every lot: repeated values
    cells = []
    for c in characteristics:
        centre = float(c.nominal)
        for sample in range(1, SAMPLES + 1):
            if c.position == 1:
                value = f"{copied.gauss(centre, 0.012):.3f}"
            elif c.position == 2:  # read to 0.005: last digit 0 or 5
                value = f"{round(rng.gauss(centre, 0.012) * 200) / 200:.3f}"
            else:
                value = f"{rng.gauss(centre, 0.012):.3f}"
            cells.append(RawCell(sample, c, value))
    return cells


def draft_lot(world: Any, number: str, rng: random.Random) -> Any:
    from app.extensions import db
    from app.lots import data

    lot = new_lot(world, number, LOT_SIZE)
    assert lot.sample_size == SAMPLES, lot.sample_size
    data.save_entries(lot, lot_cells(data.characteristics_of(lot), rng), [])
    db.session.commit()
    return lot


def bench_submit(runs: int, with_profile: bool) -> None:
    from app.extensions import db
    from app.lots import services
    from app.lots.evaluation import HISTORY_LOTS
    from app.lots.models import IntegrityFlag

    try:
        characteristics = [variable_characteristic(p, defect_class(p)) for p in range(1, CHARACTERISTICS + 1)]
        world = build_world(characteristics, level=LEVEL, aqls=AQLS)
        rng = random.Random(11)
        for number in range(1, HISTORY_LOTS + 1):
            lot = draft_lot(world, f"HIST-{number:03d}", rng)
            services.submit(lot, world.inspector)
            db.session.commit()
        times, flags = [], 0
        for number in range(1, runs + 1):
            lot = draft_lot(world, f"TIMED-{number:03d}", rng)
            start = time.perf_counter()
            services.submit(lot, world.inspector)
            db.session.commit()
            times.append(time.perf_counter() - start)
            flags += lot.flag_count
        stored = db.session.query(IntegrityFlag).count()
        print(
            f"services.submit + commit: {SAMPLES} samples x {CHARACTERISTICS} variable characteristics, "
            f"{HISTORY_LOTS} earlier lots of history"
        )
        print(f"  database: {describe_database()}")
        print(line("Kensa  services.submit + commit", times))
        print(f"  integrity flags raised in the timed lots: {flags} ({stored} stored in all)")
        if with_profile:
            lot = draft_lot(world, "PROFILED", rng)

            def submit() -> None:
                services.submit(lot, world.inspector)
                db.session.commit()

            profile("services.submit + commit", submit)
    finally:
        db.session.remove()
        db.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="also cProfile one more submission")
    args = parser.parse_args(argv)
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"evaluate bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        # No app module may be imported before boot_app (see there), app.quality included.
        boot_app(url, Path(folder) / "uploads")
        bench_evaluate(args.runs)
        bench_submit(args.runs, args.profile)
        print(f"  {environment()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
