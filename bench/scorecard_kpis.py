"""Scorecard KPIs of 100 suppliers for one period over 100,000 lots: latency, SQL statements, plans.

The scratch database (migrated to head) gets the volume of bench/volume.py with its scorecard rows
(`load(..., scorecard_data=True)`): 100 suppliers, 1,000 parts, `--lots` lots over 24 months with
their datasets, characteristic results and findings, and a few hundred SCARs with their 8D steps
and submissions. For a month in the middle of the span, and for the quarter holding it, the script
times, with warm-ups first and then `--runs` rounds taking turns:

- `kpis.figures(window)`: the five aggregate queries, every supplier at once;
- `cards.build(period, now, rules)`: every supplier's card (the draft ranking): the figures of the
  6 trend periods, the targets, the defect Pareto, the rejected lots and the open SCARs;
- the floor: one bare `SELECT supplier_id, count(*) FROM lot WHERE decided_at in the window GROUP BY
  supplier_id` through the same engine.

Per probe: median and p95 (nearest rank), SQL statements per call (a `before_cursor_execute`
listener), and "SQL alone": each statement of one call replayed by itself (execute + fetch all),
summed and by statement. Then EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PostgreSQL) of the
five aggregates for the month, with how each table is read, the plans of cards.build that differ,
and on PostgreSQL the aggregates that get JIT-compiled. `--try-indexes` then times each index of
CANDIDATES alone against none, alternately, in the scratch database (ANALYZE on PostgreSQL), shows
the plans that changed, and drops it: the models and migrations are not touched.

    .venv/bin/python -m bench.scorecard_kpis                                     # SQLite file in a temp dir
    .venv/bin/python -m bench.scorecard_kpis --database-url postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.scorecard_kpis --lots 20000 --runs 5 --try-indexes --profile
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.import_measurements import (
    boot_app,
    describe_database,
    environment,
    median_of,
    p95_of,
    profile,
    scratch_database,
    server_reachable,
)
from bench.review_queue import Plan, QueryLog, _node, _without_cost, explain

WARM_UP = 3
REPLAYS = 5
TARGET_SECONDS = 1.0
FLOOR = "floor: one GROUP BY on lot"
FIGURES = "kpis.figures (all suppliers)"
CARDS = "cards.build (all suppliers' cards)"
SHOWN = ("lot", "lot_dataset", "characteristic_result", "finding", "scar", "scar_step", "step_submission")
BIG_TABLES = ("lot", "lot_dataset", "characteristic_result", "finding")
# Which statement is which, by a marker in its SQL (first match wins).
LABELS = (
    ("lots_decided", "lots"),
    ("capability_results", "capability"),
    ("steps_due", "steps"),
    ("scars_closed", "closed"),
    ("scars_open", "open"),
    ("supplier_target", "targets"),
    ("JOIN finding", "pareto"),
    ("JOIN part", "rejected lots"),
    ("scar.number", "open SCARs"),
    ("FROM supplier", "suppliers"),
    ("FROM lot", "floor"),
)
# Indexes to try with --try-indexes: name -> CREATE INDEX statement (the same on both databases).
CANDIDATES = {
    "ix_bench_lot_state_decided": "CREATE INDEX ix_bench_lot_state_decided ON lot (state, decided_at)",
    "ix_bench_lot_decided_state": "CREATE INDEX ix_bench_lot_decided_state ON lot (decided_at, state)",
    "ix_bench_scar_step_due_on": "CREATE INDEX ix_bench_scar_step_due_on ON scar_step (due_on)",
    "ix_bench_scar_closed": "CREATE INDEX ix_bench_scar_closed ON scar (closed_at)",
}


def label_of(statement: str) -> str:
    flat = " ".join(statement.split())
    return next((label for marker, label in LABELS if marker in flat), flat[:40])


@dataclass
class Timing:
    label: str
    times: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    # Each statement of one call replayed alone through the engine (execute + fetch all), median ms,
    # summed by label: where the database time goes (on SQLite most of it is in fetch, which a
    # cursor_execute listener does not see).
    replayed: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return median_of(self.times)

    @property
    def p95(self) -> float:
        return p95_of(self.times)


def measure(
    engine: Any, probes: dict[str, Callable[[], object]], log: QueryLog, runs: int
) -> dict[str, Timing]:
    """Warm-ups, then `runs` rounds calling every probe once in turn; the session is closed after each
    call (untimed), as at the end of a request. Then each probe's statements replayed alone."""
    from app.extensions import db

    for call in probes.values():
        for _ in range(WARM_UP):
            call()
            db.session.remove()
    timings = {label: Timing(label) for label in probes}
    for _ in range(runs):
        for label, call in probes.items():
            log.clear()
            start = time.perf_counter()
            call()
            elapsed = time.perf_counter() - start
            db.session.remove()
            timings[label].times.append(elapsed)
            timings[label].statements.append(len(log.statements))
    for label, call in probes.items():
        timings[label].replayed = replay(engine, statements_of(log, call))
    return timings


def statements_of(log: QueryLog, call: Callable[[], object]) -> list[tuple[str, Any]]:
    from app.extensions import db

    log.clear()
    call()
    db.session.remove()
    statements = list(log.statements)
    log.clear()
    return statements


def replay(engine: Any, statements: Sequence[tuple[str, Any]], repeats: int = REPLAYS) -> dict[str, float]:
    """Median ms of each statement run alone (execute + fetch all), summed by label."""
    found: dict[str, float] = {}
    with engine.connect() as conn:
        for statement, parameters in statements:
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                conn.exec_driver_sql(statement, parameters).all()
                times.append(time.perf_counter() - start)
            label = label_of(statement)
            found[label] = found.get(label, 0.0) + median_of(times) * 1000
        conn.rollback()
    return found


def floor_query(engine: Any, metadata: Any, window: Any) -> Callable[[], object]:
    from sqlalchemy import func, select

    lot = metadata.tables["lot"]
    query = (
        select(lot.c.supplier_id, func.count())
        .where(lot.c.decided_at >= window.start, lot.c.decided_at < window.as_of)
        .group_by(lot.c.supplier_id)
    )

    def floor() -> object:
        with engine.connect() as conn:
            return conn.execute(query).all()

    return floor


def report(timings: dict[str, Timing]) -> None:
    floor = timings[FLOOR]
    print(f"    {'probe':<36} {'median':>10} {'p95':>10} {'statements':>10} {'SQL alone':>10} {'/ floor':>8}")
    for timing in timings.values():
        statements = "/".join(map(str, sorted(set(timing.statements))))
        ratio = "" if timing is floor else f"{timing.median / floor.median:7.1f}x"
        print(
            f"    {timing.label:<36} {timing.median * 1000:7.1f} ms {timing.p95 * 1000:7.1f} ms "
            f"{statements:>10} {sum(timing.replayed.values()):7.1f} ms {ratio:>8}"
        )
    for label in (FIGURES, CARDS):
        spent = ", ".join(f"{name} {ms:.1f}" for name, ms in timings[label].replayed.items())
        print(f"    SQL alone by statement, {label} (ms): {spent}")
    worst = max(timings[FIGURES].p95, timings[CARDS].p95)
    verdict = "met" if worst < TARGET_SECONDS else "NOT MET"
    print(
        f"    target under {TARGET_SECONDS:.0f} s for 100 suppliers: {verdict} (p95: figures "
        f"{timings[FIGURES].p95 * 1000:.0f} ms, whole cards {timings[CARDS].p95 * 1000:.0f} ms)"
    )


def describe_figures(found: dict[int, Any]) -> str:
    total: dict[str, int] = {}
    for figures in found.values():
        for name, value in figures.as_dict().items():
            total[name] = total.get(name, 0) + value
    with_steps = sum(1 for f in found.values() if f.steps_due)
    return (
        f"{len(found)} suppliers with data; {total['lots_decided']:,} lots decided "
        f"({total['lots_rejected']:,} rejected), {total['capability_results']:,} critical Cpk results "
        f"({total['capability_capable']:,} >= 1.33), {total['sample_units']:,} sample units "
        f"({total['nonconforming_units']:,} nonconforming); {total['steps_due']:,} 8D steps due "
        f"({total['steps_on_time']:,} on time; {with_steps} suppliers), "
        f"{total['scars_closed']} SCARs closed, {total['scars_open']} open ({total['scars_overdue']} overdue)"
    )


# --- Query plans -----------------------------------------------------------------------------------


def plans_of(engine: Any, log: QueryLog, call: Callable[[], object]) -> list[Plan]:
    """EXPLAIN every statement that one call runs."""
    statements = statements_of(log, call)
    with engine.connect() as conn:
        plans = [
            explain(conn, statement, parameters, label=label_of, analyze=True)
            for statement, parameters in statements
        ]
        conn.rollback()
    return plans


def lot_not_by_window(plan: Plan) -> list[str]:
    """How the plan reads lot when not through a decided_at range (then it reads every decided lot)."""
    found = []
    for number, line in enumerate(plan.lines):
        if re.search(r"(SCAN|SEARCH) lot\b", line):  # SQLite: the searched columns are on the line
            if "decided_at" not in line:
                found.append(line.strip())
        elif re.search(r"Scan(?: using \w+)? on lot\b", line):  # PostgreSQL: the node's Index/Recheck Cond
            conditions = [
                d for d in _node(plan.lines, number) if d.startswith(("Index Cond", "Recheck Cond"))
            ]
            if not any("decided_at" in condition for condition in conditions):
                found.append(_without_cost(line))
    return found


def report_plans(plans: Sequence[Plan], full: bool = True) -> None:
    """Each plan's summary (what it reads whole, warnings), then its lines (`full`) or its table reads."""
    for plan in plans:
        whole = ", ".join(plan.whole()) or "nothing"
        big = [t for t in plan.whole() if t.split(" ")[0] in BIG_TABLES]
        notes = [f"BIG TABLE READ WHOLE: {', '.join(big)}"] if big else []
        notes += [f"LOT NOT REACHED BY THE decided_at RANGE: {line}" for line in lot_not_by_window(plan)]
        print(f"    {plan.label}: read whole: {whole}" + "".join(f"   <-- {note}" for note in notes))
        lines = plan.lines if full else [line for _, how, line in plan.reads if how != "sort"]
        print("\n".join(f"        {_short(line)}" for line in lines))


def _short(line: str) -> str:
    """A plan line with the list of 100 supplier ids shortened."""
    return re.sub(r"'\{(?:\d+,){9,}\d+\}'", "'{...ids}'", line)


def report_jit(periods: Sequence[Any], now: Any, month_plans: Sequence[Plan], log: QueryLog) -> None:
    """The aggregates PostgreSQL JIT-compiles (estimated cost over jit_above_cost), month and quarter."""
    from app.extensions import db
    from app.scorecards import cards, kpis

    window = cards.window(periods[1], now)
    quarter_plans = plans_of(db.engine, log, lambda: kpis.figures(window))
    print("  JIT in the five aggregates (PostgreSQL compiles plans estimated above jit_above_cost):")
    found = False
    for period, plans in ((periods[0], month_plans), (periods[1], quarter_plans)):
        for plan in plans:
            lines = [line.strip() for line in plan.lines]
            timing = next((line for line in lines if line.startswith("Timing: Generation")), None)
            if timing is None:
                continue
            found = True
            cost = re.search(r"cost=[\d.]+\.\.([\d.]+)", lines[0])
            execution = next((line for line in lines if line.startswith("Execution Time")), "")
            print(
                f"    {period.key} {plan.label}: estimated cost {cost[1] if cost else '?'}; "
                f"{timing}; {execution}"
            )
    if not found:
        print("    none")


def distinct_plans(plans: Sequence[Plan], seen: Sequence[Plan] = ()) -> list[Plan]:
    """The plans not already in `seen` (same label, same lines but for the timings), each once."""
    keys = {(p.label, _shape(p)) for p in seen}
    out = []
    for plan in plans:
        key = (plan.label, _shape(plan))
        if key not in keys:
            keys.add(key)
            out.append(plan)
    return out


def _shape(plan: Plan) -> tuple[str, ...]:
    """How the plan reads each table (scan and index), without the measured times and counts."""
    return tuple(
        re.sub(r"\s*\(actual.*?\)|\d+|Parallel ", "", line) for _, how, line in plan.reads if how != "sort"
    )


# --- The run ---------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--try-indexes", action="store_true", help="time again with each of CANDIDATES")
    parser.add_argument("--profile", action="store_true", help="also cProfile one cards.build of the month")
    args = parser.parse_args(argv)
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"scorecard KPI bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        return _bench(Path(folder), url, args)


def _bench(folder: Path, url: str, args: argparse.Namespace) -> int:
    boot_app(url, folder / "uploads")
    from app.clock import utcnow
    from app.extensions import db
    from app.scorecards import cards, kpis, services
    from app.scorecards.periods import MONTH, QUARTER, Period
    from bench import volume

    engine, metadata = db.engine, db.metadata
    try:
        now = utcnow()
        start = time.perf_counter()
        loaded = volume.load(engine, metadata, args.lots, now, scorecard_data=True)
        seconds = time.perf_counter() - start
        print(f"Scorecard KPIs of {volume.SUPPLIERS} suppliers over {args.lots:,} lots")
        print(f"  database: {describe_database()}")
        print(f"  data load: {loaded.rows:,} rows in {seconds:.1f} s ({loaded.rows / seconds:,.0f} rows/s)")
        print("  " + ", ".join(f"{name} {loaded.tables[name]:,}" for name in SHOWN))
        middle = (now - volume.SPAN / 2).date()
        rules = services.rules_in_force()
        db.session.remove()
        log = QueryLog(engine)
        periods = [Period.containing(middle, MONTH), Period.containing(middle, QUARTER)]
        for period in periods:
            window = cards.window(period, now)
            found = kpis.figures(window)
            db.session.remove()
            trend = period.recent(cards.TREND_PERIODS)
            print(
                f"  {period.kind} {period.key} ({window.start.date()} to {window.last_day}; trend from "
                f"{trend[0].key}): {describe_figures(found)}"
            )
            timings = measure(engine, probes_for(engine, period, now, rules), log, args.runs)
            print(
                f"    {WARM_UP} warm-ups, then {args.runs} timed rounds taking turns; SQL alone: median of "
                f"{REPLAYS} replays of each statement"
            )
            report(timings)
        month = periods[0]
        window = cards.window(month, now)
        print(f"  query plans of the five aggregates of kpis.figures for {month.key}:")
        plans = plans_of(engine, log, lambda: kpis.figures(window))
        report_plans(plans)
        if engine.dialect.name == "postgresql":
            report_jit(periods, now, plans, log)
        print(
            f"  query plans of cards.build for {month.key} that differ from those (supplier_id IN 100 ids):"
        )
        card_plans = plans_of(engine, log, lambda: cards.build(month, now, rules))
        report_plans(distinct_plans(card_plans, plans), full=False)
        if args.try_indexes:
            try_indexes(engine, log, periods, now, rules, args.runs, plans + card_plans)
        print(f"  {environment()}")
        if args.profile:
            profile(f"cards.build {month.key}", lambda: cards.build(month, now, rules))
        return 0
    finally:
        db.session.remove()
        engine.dispose()


def probes_for(
    engine: Any, period: Any, now: Any, rules: Any, floor: bool = True
) -> dict[str, Callable[[], object]]:
    from app.extensions import db
    from app.scorecards import cards, kpis

    window = cards.window(period, now)
    probes: dict[str, Callable[[], object]] = (
        {FLOOR: floor_query(engine, db.metadata, window)} if floor else {}
    )
    probes[FIGURES] = lambda: kpis.figures(window)
    probes[CARDS] = lambda: cards.build(period, now, rules)
    return probes


def try_indexes(
    engine: Any,
    log: QueryLog,
    periods: Sequence[Any],
    now: Any,
    rules: Any,
    runs: int,
    plans_before: Sequence[Plan],
) -> None:
    """Each candidate index alone, timed against no index in alternation (without, with, without, with:
    half the runs each time) so that the machine's drift weighs on both; its changed plans; dropped."""
    from app.extensions import db
    from app.scorecards import cards, kpis

    print("  candidate indexes, one at a time (created in the scratch database, then dropped):")
    month = periods[0]
    window = cards.window(month, now)
    for name, ddl in CANDIDATES.items():
        table = ddl.split(" ON ")[1].split(" ")[0]
        print(f"    {ddl}")
        found: dict[tuple[bool, str, str], Timing] = {}
        plans: list[Plan] = []
        for half in range(2):
            for indexed in (False, True):
                if indexed:
                    with engine.begin() as conn:
                        conn.exec_driver_sql(ddl)
                        if engine.dialect.name == "postgresql":  # (SQLite has no statistics in use)
                            conn.exec_driver_sql(f"ANALYZE {table}")
                try:
                    for period in periods:
                        probes = probes_for(engine, period, now, rules, floor=False)
                        for label, timing in measure(engine, probes, log, max(1, runs // 2)).items():
                            _merge(found, (indexed, period.key, label), timing)
                    if indexed and half == 1:
                        plans = plans_of(engine, log, lambda: kpis.figures(window))
                        plans += plans_of(engine, log, lambda: cards.build(month, now, rules))
                finally:
                    db.session.remove()
                    if indexed:
                        with engine.begin() as conn:
                            conn.exec_driver_sql(f"DROP INDEX {name}")
        for period in periods:
            for label in (FIGURES, CARDS):
                old, new = found[(False, period.key, label)], found[(True, period.key, label)]
                changes = ", ".join(
                    f"{k} {ms:.1f} -> {new.replayed.get(k, 0.0):.1f}"
                    for k, ms in old.replayed.items()
                    if abs(ms - new.replayed.get(k, 0.0)) >= max(0.5, 0.2 * ms)
                )
                print(
                    f"      {period.key} {label:<36} median {old.median * 1000:7.1f} -> "
                    f"{new.median * 1000:7.1f} ms, p95 {old.p95 * 1000:7.1f} -> {new.p95 * 1000:7.1f} ms; "
                    f"SQL alone {sum(old.replayed.values()):.1f} -> {sum(new.replayed.values()):.1f} ms"
                    + (f" ({changes})" if changes else "")
                )
        changed = distinct_plans(plans, plans_before)
        if changed:
            print(f"      plans that changed ({month.key}), the tables each reads:")
            report_plans(changed, full=False)
        else:
            print("      no plan changed")


def _merge(found: dict[tuple[bool, str, str], Timing], key: tuple[bool, str, str], timing: Timing) -> None:
    """Add a half's runs; "SQL alone" is the mean of the halves' medians."""
    if key not in found:
        found[key] = timing
        return
    kept = found[key]
    kept.times += timing.times
    kept.statements += timing.statements
    kept.replayed = {k: (ms + timing.replayed.get(k, ms)) / 2 for k, ms in kept.replayed.items()}


if __name__ == "__main__":
    sys.exit(main())
