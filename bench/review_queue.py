"""The review queue page (`GET /review`) with 100,000 lots: latency, SQL queries, plans, against a floor.

The scratch database (migrated to head) gets the volume of bench/volume.py: 100 suppliers, 1,000 parts
with released standards, 6 reviewers assigned to 10 suppliers each, and `--lots` lots over 24 months,
2.5 % of them waiting for review. The page is requested through the Flask test client, signed in
as a reviewer (the session carries the identity, as tests/conftest.py `login_as` does): per URL,
5 untimed warm-ups then `--runs` timed requests; the median and 95th percentile (nearest rank), the
SQL statements per request (a `before_cursor_execute` listener), and the lots shown. The query count
is also taken with pages of 10 and 200 lots: it must not grow with the page (no N+1).

The floor, in the same run on the same database: SQLAlchemy Core selecting the 50 oldest waiting
lots joined to supplier and part, rendered by one small Jinja template. Then EXPLAIN (QUERY PLAN)
of every statement the page ran, and whether any reads the whole lot table.

    .venv/bin/python -m bench.review_queue                                     # SQLite file in a temp dir
    .venv/bin/python -m bench.review_queue --database-url postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.review_queue --lots 20000 --runs 20 --profile    # smaller, plus cProfile
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

WARM_UP = 5
TARGET_P95_MS = 100.0
FLOOR = "floor: Core select + Jinja"
LOT_LINK = re.compile(r'href="/lots/\d+"')
FLOOR_TEMPLATE = """<table>{% for r in rows %}
<tr><td><a href="/lots/{{ r.id }}">{{ r.lot_number }}</a></td><td>{{ r.code }}</td>
<td>{{ r.part_number }}</td><td>{{ r.state }}</td><td>{{ r.recommendation or '' }}</td>
<td>{{ r.flag_count }}</td><td>{{ r.submitted_at }}</td></tr>
{% endfor %}</table>"""


@dataclass
class Figures:
    label: str
    times: list[float]
    queries: list[int]
    sql: list[float]  # executing the statements (cursor.execute), within `times`
    rows: int

    @property
    def median_ms(self) -> float:
        return median_of(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        return p95_of(self.times) * 1000


class QueryLog:
    """Every statement the engine sends, with its parameters, and the time spent executing them."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements: list[tuple[str, Any]] = []
        self.seconds = 0.0
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements.append((statement, parameters))
        self._started = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.seconds += time.perf_counter() - self._started

    def clear(self) -> None:
        self.statements.clear()
        self.seconds = 0.0


def sign_in(client: Any, user_id: int, token: str) -> None:
    """The reviewer's identity in the client's session, as Flask-Login and app.auth.sessions store it."""
    from app.auth.sessions import SECOND_FACTOR_DONE, SIGNED_IN_AT
    from app.clock import utcnow

    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{token}"
        session["_fresh"] = True
        session[SIGNED_IN_AT] = utcnow().timestamp()
        session[SECOND_FACTOR_DONE] = True


def get_page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.location)
    return response.get_data(as_text=True)


def measure(probes: dict[str, Callable[[], str]], log: QueryLog, runs: int) -> list[Figures]:
    """Warm-ups, then `runs` rounds requesting every probe once in turn, so that whatever else the
    machine does weighs on all of them alike."""
    for call in probes.values():
        for _ in range(WARM_UP):
            call()
    figures = {label: Figures(label, [], [], [], 0) for label in probes}
    for _ in range(runs):
        for label, call in probes.items():
            log.clear()
            start = time.perf_counter()
            html = call()
            figures[label].times.append(time.perf_counter() - start)
            figures[label].queries.append(len(log.statements))
            figures[label].sql.append(log.seconds)
            figures[label].rows = len(LOT_LINK.findall(html))
    return list(figures.values())


def floor_page(engine: Any, metadata: Any) -> Callable[[], str]:
    """Core select of the 50 oldest waiting lots with supplier and part, one small Jinja template."""
    from jinja2 import Environment
    from sqlalchemy import select

    lot, supplier, part = (metadata.tables[name] for name in ("lot", "supplier", "part"))
    query = (
        select(
            lot.c.id,
            lot.c.lot_number,
            lot.c.state,
            lot.c.recommendation,
            lot.c.flag_count,
            lot.c.submitted_at,
            supplier.c.code,
            part.c.part_number,
        )
        .join(supplier, supplier.c.id == lot.c.supplier_id)
        .join(part, part.c.id == lot.c.part_id)
        .where(lot.c.state.in_(["submitted", "in_review"]))
        .order_by(lot.c.submitted_at)
        .limit(50)
    )
    template = Environment(autoescape=True).from_string(FLOOR_TEMPLATE)

    def floor() -> str:
        with engine.connect() as conn:
            return template.render(rows=conn.execute(query).all())

    return floor


def queries_with_page_size(client: Any, log: QueryLog, per_page: int) -> tuple[int, int]:
    """(statements, lots shown) for /review with `per_page` lots a page (queue_page patched for once)."""
    from app.reviews import queue

    original = queue.queue_page
    queue.queue_page = functools.partial(original, per_page=per_page)  # type: ignore[assignment]
    try:
        get_page(client, "/review")
        log.clear()
        html = get_page(client, "/review")
        return len(log.statements), len(LOT_LINK.findall(html))
    finally:
        queue.queue_page = original  # type: ignore[assignment]


# --- Query plans -----------------------------------------------------------------------------------

LABELS = (
    ("min(lot.submitted_at)", "summary (counts, oldest)"),
    ("count(lot.id)", "queue count"),
    ("FROM lot JOIN supplier", "queue page"),
    ("SELECT deviation.lot_id", "awaiting deviations"),
    ("SELECT reviewer_assignment.supplier_id", "assigned suppliers"),
    ("FROM supplier ORDER BY", "supplier choices"),
    ("FROM part ORDER BY", "part choices"),
    ("FROM notification", "unread notifications"),
    ('FROM "user"', "current user"),
    ("FROM user", "current user"),
)


def label_of(statement: str) -> str:
    flat = " ".join(statement.split())
    return next((label for marker, label in LABELS if marker in flat), flat[:50])


@dataclass
class Plan:
    label: str
    lines: list[str]
    # How each table is read: (table, "search" | "whole index" | "whole table", the plan's line).
    reads: list[tuple[str, str, str]]

    def whole(self, table: str | None = None) -> list[str]:
        found = [f"{t} ({how})" for t, how, _ in self.reads if how.startswith("whole") and table in (None, t)]
        return list(dict.fromkeys(found))


def explain(
    conn: Any,
    statement: str,
    parameters: Any,
    *,
    label: Callable[[str], str] = label_of,
    analyze: bool = False,
) -> Plan:
    """The statement's plan, named by `label`; on PostgreSQL with `analyze`, as run (JIT shows)."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return _sqlite_plan(label(statement), [row[3] for row in rows])
    prefix = "EXPLAIN (ANALYZE) " if analyze else "EXPLAIN "
    lines = [row[0] for row in conn.exec_driver_sql(prefix + statement, parameters).all()]
    return _postgres_plan(label(statement), lines)


def _table(name: str) -> str:
    """The table behind an alias (supplier_1 -> supplier)."""
    return re.sub(r"_\d+$", "", name)


def _sqlite_plan(label: str, lines: list[str]) -> Plan:
    reads = []
    for line in lines:
        match = re.match(r"(SCAN|SEARCH) (?:TABLE )?(\w+)(?: AS \w+)?(.*)", line)
        if match:
            kind, table, rest = match.groups()
            how = "search" if kind == "SEARCH" else "whole index" if "INDEX" in rest else "whole table"
            reads.append((_table(table), how, line))
        elif line.startswith("USE TEMP B-TREE"):
            reads.append(("-", "sort", line))
    return Plan(label, lines, reads)


def _postgres_plan(label: str, lines: list[str]) -> Plan:
    reads = []
    for number, line in enumerate(lines):
        scan = re.search(
            r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)(?: using \w+)? on \"?(\w+)", line
        )
        if "Bitmap Index Scan" in line or "Sort Key:" in line:
            reads.append(("-", "index" if "Index" in line else "sort", _without_cost(line)))
        elif scan:
            kind, table = scan.groups()
            node = _node(lines, number)
            searched = any(cond in detail for detail in node for cond in ("Index Cond", "Recheck"))
            how = "whole table" if kind == "Seq Scan" else "search" if searched else "whole index"
            reads.append((_table(table), how, _without_cost(line)))
    return Plan(label, lines, reads)


def _without_cost(line: str) -> str:
    return re.sub(r"\s+\(cost=[^)]*\)", "", line.strip().removeprefix("->  "))


def _node(lines: list[str], number: int) -> list[str]:
    """The plan node's own detail lines (Index Cond, Filter...), up to its first child or sibling."""
    depth = len(lines[number]) - len(lines[number].lstrip())
    out = []
    for line in lines[number + 1 :]:
        if "->" in line or len(line) - len(line.lstrip()) <= depth:
            break
        out.append(line.strip())
    return out


def plans_of(engine: Any, client: Any, log: QueryLog, url: str) -> list[Plan]:
    """EXPLAIN every statement that one request of `url` runs."""
    get_page(client, url)
    log.clear()
    get_page(client, url)
    statements = list(log.statements)
    with engine.connect() as conn:
        return [explain(conn, statement, parameters) for statement, parameters in statements]


# --- The run ---------------------------------------------------------------------------------------


def urls_for(engine: Any, metadata: Any) -> list[str]:
    """The benched URLs; the supplier filter is the supplier with the most waiting lots."""
    from sqlalchemy import func, select

    lot = metadata.tables["lot"]
    with engine.connect() as conn:
        busiest = conn.execute(
            select(lot.c.supplier_id)
            .where(lot.c.state.in_(["submitted", "in_review"]))
            .group_by(lot.c.supplier_id)
            .order_by(func.count().desc(), lot.c.supplier_id)
            .limit(1)
        ).scalar()
    return [
        "/review",
        "/review?sort=newest",
        f"/review?supplier={busiest}",
        "/review?recommendation=reject&flags=yes",
        "/review?age=7",
        "/review?page=3",
    ]


def report(pages: Sequence[Figures], floor: Figures) -> None:
    print(f"  {'URL':<42} {'median':>9} {'p95':>9} {'queries':>7} {'SQL exec':>9} {'lots':>5} {'/ floor':>8}")
    for figures in (floor, *pages):
        queries = "/".join(map(str, sorted(set(figures.queries))))
        ratio = "" if figures is floor else f"{figures.median_ms / floor.median_ms:7.1f}x"
        print(
            f"  {figures.label:<42} {figures.median_ms:6.1f} ms {figures.p95_ms:6.1f} ms {queries:>7} "
            f"{median_of(figures.sql) * 1000:6.1f} ms {figures.rows:>5} {ratio:>8}"
        )
    slow = [f.label for f in pages if f.p95_ms > TARGET_P95_MS]
    verdict = "met" if not slow else "NOT MET by " + ", ".join(slow)
    print(f"  target p95 <= {TARGET_P95_MS:.0f} ms: {verdict}")
    print("  (SQL exec: median time in cursor.execute, fetching excluded; the rest is Python and rendering)")


def report_plans(plans_by_url: dict[str, list[Plan]]) -> None:
    """Each distinct plan once, with the URLs whose request ran it, and any whole read of lot."""
    print("  query plans (EXPLAIN of every statement of one request per URL):")
    grouped: dict[tuple[str, tuple[str, ...]], tuple[Plan, list[str]]] = {}
    for url, plans in plans_by_url.items():
        for plan in plans:
            key = (plan.label, tuple(line for _, _, line in plan.reads))
            grouped.setdefault(key, (plan, []))[1].append(url.removeprefix("/review").lstrip("?") or "(none)")
    full_of_lot = []
    for plan, urls in sorted(grouped.values(), key=lambda item: item[0].label):
        lot = "/".join(sorted({how for table, how, _ in plan.reads if table == "lot"})) or "-"
        whole = ", ".join(plan.whole()) or "nothing"
        print(f"    {plan.label:<26} lot: {lot:<7} read whole: {whole:<22} URLs: {', '.join(urls)}")
        print("\n".join(f"        {line}" for _, _, line in plan.reads))
        if plan.whole("lot"):
            full_of_lot.append(plan)
    if not full_of_lot:
        print("  lot is never read whole: every statement of the page reaches it through an index search")
    for plan in full_of_lot:
        print(f"  LOT READ WHOLE in {plan.label}; the plan:")
        print("\n".join(f"        {line}" for line in plan.lines))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="also cProfile one unfiltered request")
    args = parser.parse_args(argv)
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"review queue bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        return _bench(Path(folder), url, args.lots, args.runs, args.profile)


def _bench(folder: Path, url: str, lots: int, runs: int, with_profile: bool) -> int:
    app = boot_app(url, folder / "uploads")
    from app.clock import utcnow
    from app.extensions import db
    from bench import volume

    engine, metadata = db.engine, db.metadata
    try:
        start = time.perf_counter()
        loaded = volume.load(engine, metadata, lots, utcnow())
        seconds = time.perf_counter() - start
        states = ", ".join(f"{state} {count:,}" for state, count in sorted(loaded.states.items()))
        print(f"Review queue page with {lots:,} lots ({states})")
        print(f"  database: {describe_database()}")
        print(f"  data load: {loaded.rows:,} rows in {seconds:.1f} s ({loaded.rows / seconds:,.0f} rows/s)")
        reviewer, token = loaded.reviewers[0]
        client = app.test_client()
        sign_in(client, reviewer, token)
        log = QueryLog(engine)
        urls = urls_for(engine, metadata)
        probes = {FLOOR: floor_page(engine, metadata)}
        probes.update({url: functools.partial(get_page, client, url) for url in urls})
        floor, *pages = measure(probes, log, runs)
        print(
            f"  signed in as reviewer {reviewer} (assigned suppliers {loaded.assignments[reviewer][0]}-"
            f"{loaded.assignments[reviewer][-1]}); {WARM_UP} warm-ups, then {runs} timed requests per URL, "
            "taking turns"
        )
        report(pages, floor)
        small, large = queries_with_page_size(client, log, 10), queries_with_page_size(client, log, 200)
        constant = "constant (no N+1)" if small[0] == large[0] else "GROWS WITH THE PAGE (N+1)"
        print(
            f"  statements per request: {small[0]} with {small[1]} lots a page, "
            f"{large[0]} with {large[1]} lots a page: {constant}"
        )
        report_plans({url: plans_of(engine, client, log, url) for url in urls})
        print(f"  {environment()}")
        if with_profile:
            profile("GET /review", functools.partial(get_page, client, "/review"))
        return 0
    finally:
        db.session.remove()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
