"""False alarms and detection power of Kensa's data-integrity checks (app.quality.integrity).

Simulates clean lots over the full ranges of the model in tests/unit/quality/test_integrity.py
(1-40 characteristics, n = 5..315 from the ISO 2859-1 sample sizes, gauge resolution 1/10..1/2 of the
process sd, 5-25 earlier lots), as consecutive lots of simulated suppliers' parts (20 lots each), and
prints the share of clean lots that raise each flag kind and any flag; then the share of tampered lots
in which the expected flag is raised. It also times check_lot against a floor: one bare pass of sums
over the same values.

    .venv/bin/python bench/integrity_false_alarms.py [--lots N] [--seed S] [--tampered M] [--workers W]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.quality.integrity import FlagKind, Series, check_lot
from tests.unit.quality.test_integrity import TAMPERS, clean_stream, detected

LOTS_PER_STREAM = 20


def _floor(lot: list[Series]) -> None:
    """The bare minimum over the same data: sum and sum of squares of every value."""
    for series in lot:
        for values in (series.values, *series.history):
            math.fsum(values)
            math.fsum(x * x for x in values)


def _clean_stream(job: tuple[int, int]) -> tuple[int, int, Counter[str], float, float, int]:
    """Check one simulated part's stream; return lots, lots flagged, lots per kind, timings, readings."""
    seed, index = job
    rng = random.Random(f"{seed}:{index}")
    lots = flagged = readings = 0
    kinds: Counter[str] = Counter()
    spent = floor = 0.0
    for lot in clean_stream(rng, LOTS_PER_STREAM):
        start = time.process_time()
        flags = check_lot(lot)
        middle = time.process_time()
        _floor(lot)
        spent += middle - start
        floor += time.process_time() - middle
        lots += 1
        readings += sum(len(s.values) + sum(map(len, s.history)) for s in lot)
        flagged += bool(flags)
        kinds.update({str(kind) for kind in (flag.kind for flag in flags)})
    return lots, flagged, kinds, spent, floor, readings


def _tampered(job: tuple[int, str, int]) -> tuple[str, int, int, int]:
    """Simulate `count` tampered lots of one kind; return (name, lots, expected flag raised, any flag)."""
    seed, name, count = job
    rng = random.Random(f"{seed}:tampered:{name}")
    hits = anything = 0
    for _ in range(count):
        lot, kind = TAMPERS[name](rng)
        flags = check_lot(lot)
        hits += detected(flags, kind)
        anything += bool(flags)
    return name, count, hits, anything


def _upper95(k: int, n: int) -> float:
    """Return a one-sided 95 % upper bound of a binomial share (Wilson score)."""
    if n == 0:
        return 1.0
    z = 1.6449
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre + spread) / (1 + z * z / n)


def main() -> None:
    """Run the simulation and print the table."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--lots", type=int, default=20_000, help="clean lots (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--tampered", type=int, default=300, help="tampered lots per kind (default 300)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes")
    args = parser.parse_args()

    streams = max(1, math.ceil(args.lots / LOTS_PER_STREAM))
    started = time.perf_counter()
    lots = flagged = readings = 0
    kinds: Counter[str] = Counter()
    spent = floor = 0.0
    with Pool(args.workers) as pool:
        for result in pool.imap_unordered(_clean_stream, [(args.seed, i) for i in range(streams)]):
            lots += result[0]
            flagged += result[1]
            kinds.update(result[2])
            spent += result[3]
            floor += result[4]
            readings += result[5]
        tampered = pool.map(_tampered, [(args.seed, name, args.tampered) for name in TAMPERS])
    elapsed = time.perf_counter() - started

    print(f"Clean lots: {lots} ({streams} parts x {LOTS_PER_STREAM} consecutive lots), seed {args.seed}")
    print(f"  {'flag kind':<20} {'lots flagged':>12} {'rate':>9} {'95 % upper':>11}")
    for kind in FlagKind:
        count = kinds.get(str(kind), 0)
        print(f"  {kind!s:<20} {count:>12} {count / lots:>9.4%} {_upper95(count, lots):>11.4%}")
    print(f"  {'any flag':<20} {flagged:>12} {flagged / lots:>9.4%} {_upper95(flagged, lots):>11.4%}")
    print()
    print(f"Tampered lots (expected flag raised; any flag), {args.tampered} per kind")
    for name, count, hits, anything in tampered:
        print(f"  {name:<36} {hits / count:>8.1%} {anything / count:>8.1%}")
    print()
    per_lot = spent / lots * 1000
    print(
        f"check_lot: {per_lot:.1f} ms per clean lot ({readings / lots:,.0f} readings with history); "
        f"floor (bare sums over the same values) {floor / lots * 1000:.1f} ms; ratio {spent / floor:.1f}x"
    )
    print(f"wall time {elapsed:.0f} s with {args.workers} worker(s)")


if __name__ == "__main__":
    main()
