"""Kensa's pages over HTTP under gunicorn with 16 connections (wrk), against a bare Flask + Core floor.

The scratch database gets the volume data set (`load_volume`: `flask db upgrade`, then `flask seed
volume --lots N`, 100,000 lots by default); Kensa runs as in production, `gunicorn -c gunicorn.conf.py
wsgi:app` with KENSA_CONFIG=production and no access log, and so does the floor
(bench/floor_app.py: 50 lots joined to part and supplier with SQLAlchemy Core, one Jinja template)
under the same gunicorn.conf.py and WEB_CONCURRENCY. The bench signs in over HTTP (GET /login,
POST /login with the form's CSRF token) as a reviewer and as a supplier inspector, checks that every
page answers 200 with what it should show, then times each with `wrk -c 16` for `--duration`
seconds after a short warm-up: median, 95th percentile and requests per second (a Lua `done()`
prints them as JSON, with the errors and the non-2xx answers, which must be none). The floor runs
before the first page and after every page; each page's ratio is to the two floor runs around it.

* **pages**: the login page, the supplier home, the review queue unfiltered and filtered, the
  signed-in shell, a decided lot's page, the SCAR list, the lot list, the audit list, a supplier's
  scorecard (as a reviewer). Targets (issue #15), as shares of the floor's req/s around each page:
  the shell >= 60 %, the list pages >= 30 %, the lot page and the scorecard >= 15 %; every page's p95
  at most 5 x the floor's.
* **under writes** (`--writers`, 50): the same again while bench.load_submit's clients submit lots,
  with a probe that a claim by another reviewer shows on the very next view of the lot.
* **memory**: each worker's VmRSS after the pages, then after `--pdfs` scorecard PDFs and `--pdfs`
  lot report PDFs requested through the workers; the floor's workers after its runs.
* **growth** (`--scales 0.1,1,3`): the pages (and the floor) at each scale of `--lots`, each on a
  fresh database; p50 and p95 per page per scale and the ratio of the largest scale to the smallest
  (target: p95 at most 1.5 x). `--quick`: a smoke run (10,000 lots, 2 s a page, 10 PDFs).

    .venv/bin/python -m bench.pages [--database-url URL] [--lots 100000] [--duration 10] [--writers 50]
    .venv/bin/python -m bench.pages --scales 0.1,1,3 [--database-url URL]
    .venv/bin/python -m bench.pages --profile              # plus cProfile of the signed-in pages, in-process
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.import_measurements import scratch_database, server_reachable, sqlalchemy_url
from bench.server import Server, gunicorn

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "quality-first-2026"  # noqa: S105 - the volume's users' password
USER_AGENT = "kensa-bench"
CONNECTIONS = 16
# Issue #15's targets: each page's req/s as a share of the floor's in the same run (None: shown only),
# and its p95 at most P95_FACTOR x the floor's p95 around it.
LIST_SHARE = 0.30
P95_FACTOR = 5.0
FLAT_RATIO = 1.5  # growth: p95 at the largest scale over the smallest's
FLOOR = "floor"
SHELL = "signed-in shell"
WRITERS = 50  # bench.load_submit's clients submitting lots during the second pass
# wrk: per-thread counters gathered in done(); latency in microseconds.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    '{"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "requests": %d, "duration_us": %d, ' ..
    '"errors": %d, "non2xx": %d}\\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout, bad))
end
"""


@dataclass
class Page:
    """One benched page: whose session, what it must show."""

    label: str
    path: str
    user: str | None  # e-mail address, None for anonymous
    expect: str  # a regular expression the body must match
    is_list: bool = False
    share: float | None = None  # the target: at least this share of the floor's req/s


@dataclass
class Result:
    label: str
    p50_ms: float
    p95_ms: float
    rps: float
    requests: int
    errors: int
    non2xx: int
    replaced: int = 0  # workers replaced during the run (gunicorn's max_requests)


@dataclass
class Volume:
    """What load_volume put in: the users to sign in as and what to request."""

    lots: int
    seconds: float
    rows: int
    reviewer: str
    inspector: str
    pages: list[Page] = field(default_factory=list)
    card_pdfs: list[str] = field(default_factory=list)
    report_pdfs: list[str] = field(default_factory=list)
    describe: str = ""
    claimer: str = ""  # another reviewer, who claims `claimable` lots while the pages run under writes
    claimable: list[int] = field(default_factory=list)


# --- The volume ------------------------------------------------------------------------------------


def load_volume(url: str, scale: float, lots: int) -> Volume:
    """Migrate the empty database at `url` and load the volume data set: `flask seed volume` with
    `scale` x `lots` lots (their datasets, results, findings, measurements, SCARs; every user's
    password PASSWORD). Then the pages and PDFs to request are chosen from what is there."""
    count = max(1_000, round(lots * scale))
    env = {**os.environ, "KENSA_CONFIG": "testing", "DATABASE_URL": url, "FLASK_APP": "wsgi"}
    flask = str(Path(sys.executable).parent / "flask")
    start = time.perf_counter()
    for command in (["db", "upgrade"], ["seed", "volume", "--lots", str(count)]):
        done = subprocess.run(  # noqa: S603 - our own flask CLI, fixed arguments
            [flask, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(
                f"flask {' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
            )
    seconds = time.perf_counter() - start
    volume = choose_pages(url)
    volume.lots, volume.seconds = count, seconds
    total = re.search(r"^\s+total\s+([\d,]+)", done.stdout, re.M)
    volume.rows = int(total.group(1).replace(",", "")) if total else 0
    return volume


def choose_pages(url: str) -> Volume:
    """The users, lot, supplier and period to bench, chosen by querying what was loaded."""
    from sqlalchemy import create_engine, func, select

    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return _choose(conn, func, select)
    finally:
        engine.dispose()


def _choose(conn: Any, func: Any, select: Any) -> Volume:
    from sqlalchemy import MetaData, Table

    metadata = MetaData()
    names = ("user", "lot", "lot_dataset", "reviewer_assignment", "scar", "supplier")
    user, lot, dataset, assignment, scar, supplier = (
        Table(name, metadata, autoload_with=conn) for name in names
    )
    waiting = lot.c.state.in_(["submitted", "in_review"])
    reviewer_id, reviewer = conn.execute(
        select(user.c.id, user.c.email)
        .where(user.c.role == "reviewer", user.c.id.in_(select(assignment.c.user_id)))
        .order_by(user.c.id)
        .limit(1)
    ).one()
    assigned = select(assignment.c.supplier_id).where(assignment.c.user_id == reviewer_id)
    busiest = conn.execute(
        select(lot.c.supplier_id)
        .where(waiting, lot.c.flag_count > 0, lot.c.supplier_id.in_(assigned))
        .group_by(lot.c.supplier_id)
        .order_by(func.count().desc(), lot.c.supplier_id)
        .limit(1)
    ).scalar_one()
    inspector = conn.execute(
        select(user.c.email)
        .where(user.c.role == "supplier_inspector", user.c.supplier_id == busiest)
        .order_by(user.c.id)
        .limit(1)
    ).scalar_one()
    code, legal_name = conn.execute(
        select(supplier.c.code, supplier.c.legal_name).where(supplier.c.id == busiest)
    ).one()
    shown_lot, lot_number = conn.execute(
        select(lot.c.id, lot.c.lot_number)
        .join(dataset, dataset.c.lot_id == lot.c.id)
        .where(lot.c.state == "rejected", lot.c.supplier_id == busiest)
        .group_by(lot.c.id, lot.c.lot_number)
        .order_by(func.count().desc(), lot.c.id.desc())
        .limit(1)
    ).one()
    first, last = conn.execute(select(func.min(lot.c.created_at), func.max(lot.c.created_at))).one()
    middle = first + (last - first) / 2
    period = f"{middle.year:04d}-{middle.month:02d}"
    scars = conn.execute(select(func.count()).select_from(scar)).scalar_one()
    pages = [
        Page("login", "/login", None, r'name="csrf_token"'),
        Page("supplier home", "/home", inspector, re.escape(legal_name), True, LIST_SHARE),
        Page("review queue", "/review", reviewer, r'href="/lots/\d+"', True, LIST_SHARE),
        Page(
            "review queue filtered",
            f"/review?supplier={busiest}&flags=yes",
            reviewer,
            r'href="/lots/\d+"',
            True,
            LIST_SHARE,
        ),
        # What every signed-in page costs before its content: user and session check, the nav's
        # unread count, CSRF token, layout, commit. No list page can be cheaper.
        Page(SHELL, "/account", reviewer, re.escape(reviewer), share=0.60),
        Page("lot page", f"/lots/{shown_lot}", reviewer, re.escape(lot_number), share=0.15),
        Page("SCAR list", "/scars", reviewer, r'href="/scars/\d+"', True, LIST_SHARE),
        Page("lot list", "/lots", reviewer, r'href="/lots/\d+"', True, LIST_SHARE),
        Page("audit list", "/audit", reviewer, r'<td class="text-nowrap">', True, LIST_SHARE),
        Page("scorecard", f"/scorecards/{period}/suppliers/{busiest}", reviewer, re.escape(code), share=0.15),
    ]
    suppliers = conn.execute(select(supplier.c.id).order_by(supplier.c.id)).scalars().all()
    decided = (
        conn.execute(
            select(lot.c.id).where(lot.c.state == "rejected").order_by(lot.c.id.desc()).limit(len(suppliers))
        )
        .scalars()
        .all()
    )
    claimer = conn.execute(
        select(user.c.email)
        .where(user.c.role == "reviewer", user.c.id != reviewer_id)
        .order_by(user.c.id)
        .limit(1)
    ).scalar_one()
    claimable = (
        conn.execute(select(lot.c.id).where(lot.c.state == "submitted").order_by(lot.c.id.desc()).limit(500))
        .scalars()
        .all()
    )
    return Volume(
        lots=0,
        seconds=0.0,
        rows=0,
        reviewer=reviewer,
        inspector=inspector,
        claimer=claimer,
        claimable=list(claimable),
        pages=pages,
        card_pdfs=[f"/scorecards/{period}/suppliers/{s}/card.pdf" for s in suppliers],
        report_pdfs=[f"/lots/{i}/report.pdf" for i in decided],
        describe=f"{scars:,} SCARs; scorecard {period}; supplier {code} (id {busiest}); lot {shown_lot}",
    )


# --- Servers ---------------------------------------------------------------------------------------


@contextmanager
def serve(label: str, wsgi: str, url: str, folder: Path, workers: int | None) -> Iterator[Server]:
    """gunicorn -c gunicorn.conf.py `wsgi` on a free port, production config, no access log."""
    env = {
        **os.environ,
        "KENSA_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "AUDIT_KEY": secrets.token_hex(32),
        "PUBLIC_BASE_URL": "https://kensa.example",
        "REQUIRE_2FA_INTERNAL": "0",  # the bench measures pages, not sign-in
        "RATELIMIT_SIGN_IN": "100000 per minute",  # the writers all sign in from 127.0.0.1
        "DATABASE_URL": url,
        "MAIL_BACKEND": "null",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "UPLOAD_FOLDER": str(folder / "uploads"),
    }
    ready = "/healthz" if wsgi == "wsgi:app" else "/"
    with gunicorn(env, folder, workers, app=wsgi, label=label, ready_path=ready) as server:
        time.sleep(3)  # the workers' first requests (imports, connections) are not the bench's
        yield server


# --- HTTP ------------------------------------------------------------------------------------------


def _session_cookie(response: Any) -> str:
    """The session cookie a response set: production marks it Secure, so no jar returns it over http."""
    found = re.search(r"\bsession=([^;]+)", response.headers.get("Set-Cookie", ""))
    if not found:
        raise RuntimeError(f"no session cookie from {response.request.method} {response.url}")
    return found.group(1)


def sign_in(base: str, email: str) -> str:
    """Really sign in: GET /login for the form's CSRF token (and its session), POST it; the cookie."""
    import requests

    headers = {"User-Agent": USER_AGENT}
    form = requests.get(base + "/login", headers=headers, timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"GET /login answered {form.status_code} without a CSRF token")
    headers["Cookie"] = f"session={_session_cookie(form)}"
    answer = requests.post(
        base + "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or answer.headers.get("Location", "").endswith("/login"):
        raise RuntimeError(f"signing in as {email} failed: {answer.status_code}")
    return _session_cookie(answer)


def _headers(cookie: str | None) -> dict[str, str]:
    return {"User-Agent": USER_AGENT, **({"Cookie": f"session={cookie}"} if cookie else {})}


def check_page(base: str, page: Page, cookie: str | None) -> int:
    """The page answers 200 (no redirect to sign-in) with what it must show; its size in bytes."""
    import requests

    response = requests.get(base + page.path, headers=_headers(cookie), allow_redirects=False, timeout=60)
    if response.status_code != 200 or not re.search(page.expect, response.text):
        raise RuntimeError(
            f"{page.label} {page.path}: {response.status_code} {response.headers.get('Location', '')}"
            f" without {page.expect!r}"
        )
    return len(response.content)


def wrk(server: Server, path: str, cookie: str | None, seconds: float, script: Path, label: str) -> Result:
    """`wrk -c 16` on the path for `seconds`; the worker pids before and after tell the replacements."""
    before = set(server.worker_pids())
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    command += ["-s", str(script)]
    for name, value in _headers(cookie).items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [*command, server.url + path], capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    seconds_run = found["duration_us"] / 1e6
    after = set(server.worker_pids())
    return Result(
        label,
        found["p50_us"] / 1000,
        found["p95_us"] / 1000,
        found["requests"] / seconds_run,
        found["requests"],
        found["errors"],
        found["non2xx"],
        len(after - before),
    )


def timed(
    server: Server, path: str, cookie: str | None, args: argparse.Namespace, script: Path, label: str
) -> Result:
    wrk(server, path, cookie, max(1.0, args.duration / 5), script, label)  # warm-up, every worker
    return wrk(server, path, cookie, args.duration, script, label)


# --- Memory ----------------------------------------------------------------------------------------


def rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return None
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


def memory_line(server: Server, seen: set[int]) -> str:
    """Each worker's RSS in MiB; a worker not seen before (a replacement) is starred."""
    shown = []
    for pid in server.worker_pids():
        rss = rss_mib(pid)
        if rss is not None:
            shown.append(f"{pid}{'' if pid in seen else '*'} {rss:.0f}")
    return ", ".join(shown) + (f"  (total {_total(server):.0f} MiB)" if shown else "")


def _total(server: Server) -> float:
    return sum(rss_mib(pid) or 0.0 for pid in server.worker_pids())


def fetch_pdfs(base: str, paths: Sequence[str], cookie: str, parallel: int) -> tuple[float, str]:
    """GET every path (`parallel` at a time); (seconds, the failures by status). Each must be a PDF."""
    import requests

    def one(path: str) -> int | None:
        response = requests.get(base + path, headers=_headers(cookie), allow_redirects=False, timeout=120)
        ok = response.status_code == 200 and response.content.startswith(b"%PDF")
        return None if ok else response.status_code

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        failed = Counter(status for status in pool.map(one, paths) if status is not None)
    shown = ", ".join(f"{n} answered {status}" for status, n in sorted(failed.items()))
    return time.perf_counter() - start, f"{sum(failed.values())} failed" + (f": {shown}" if shown else "")


# --- Reports ---------------------------------------------------------------------------------------


def report_pages(
    results: Sequence[Result], floors: Sequence[Result], pages: Sequence[Page], title: str = ""
) -> bool:
    """The table: each page's figures and its req/s over the floor's, the floor run just before and
    just after it averaged (the machine's load drifts: same-time ratios); each page against its target
    (its share of the floor's req/s, p95 at most P95_FACTOR x the floor's p95 around it). True when
    every target is met and no answer was an error."""
    print(
        f"  {title or 'page':<22} {'p50':>8} {'p95':>9} {'req/s':>7} {'floor':>7} {'/ floor':>7} "
        f"{'requests':>8} {'err':>3} {'non-2xx':>7} {'replaced':>8}  target (share of the floor's req/s; "
        f"p95 <= {P95_FACTOR:g} x the floor's)"
    )
    by_label = {page.label: page for page in pages}
    failed = []
    for number, result in enumerate(results):
        page = by_label[result.label]
        around = (floors[number], floors[number + 1])
        floor_rps = sum(f.rps for f in around) / 2
        floor_p95 = sum(f.p95_ms for f in around) / 2
        share = result.rps / floor_rps
        misses = []
        if page.share is not None and share < page.share:
            misses.append(f"req/s {share:.0%} < {page.share:.0%}")
        if result.p95_ms > P95_FACTOR * floor_p95:
            misses.append(f"p95 {result.p95_ms / floor_p95:.1f} x the floor's")
        if result.errors or result.non2xx or not result.requests:
            misses.append("errors or no answer")
        if misses:
            failed.append(result.label)
        goal = f">= {page.share:.0%}" if page.share is not None else "(p95 only)"
        verdict = "FAIL: " + ", ".join(misses) if misses else "met"
        print(
            f"  {result.label:<22} {result.p50_ms:5.1f} ms {result.p95_ms:6.1f} ms {result.rps:7.1f} "
            f"{floor_rps:7.1f} {share:6.0%} {result.requests:>8} {result.errors:>3} {result.non2xx:>7} "
            f"{result.replaced:>8}  {goal:<10} {verdict}"
        )
    rps = sorted(f.rps for f in floors)
    p50s = sorted(f.p50_ms for f in floors)
    p95s = sorted(f.p95_ms for f in floors)
    print(
        f"  floor ({len(floors)} runs, one before and after each page): req/s {rps[0]:.0f} to {rps[-1]:.0f} "
        f"(median {rps[len(rps) // 2]:.0f}), p50 {p50s[len(p50s) // 2]:.1f} ms, "
        f"p95 {p95s[len(p95s) // 2]:.1f} ms (medians); errors {sum(f.errors for f in floors)}, "
        f"non-2xx {sum(f.non2xx for f in floors)}, workers replaced {sum(f.replaced for f in floors)}"
    )
    print("  every target met" if not failed else f"  TARGET NOT MET by {', '.join(failed)}")
    shell = next((r for r in results if r.label == SHELL), None)
    if shell is not None:
        shares = ", ".join(f"{r.label} {r.rps / shell.rps:.0%}" for r in results if by_label[r.label].is_list)
        print(f"  list pages' req/s over the {SHELL}'s ({shell.rps:.0f}): {shares}")
    return not failed


def report_growth(
    scales: Sequence[float], found: dict[float, list[Result]], volumes: dict[float, Volume]
) -> bool:
    first, last = scales[0], scales[-1]
    head = "".join(f" {f'{s:g}x ({volumes[s].lots:,})':>22}" for s in scales)
    print(
        f"  {'page (p50 / p95 ms)':<24}{head} {f'{last:g}x / {first:g}x':>16}  flat (p95 <= {FLAT_RATIO}x)?"
    )
    labels = [r.label for r in found[first]]
    grows = 0
    for label in labels:
        rows = {s: next(r for r in found[s] if r.label == label) for s in scales}
        cells = "".join(f" {rows[s].p50_ms:10.1f} / {rows[s].p95_ms:7.1f}" for s in scales)
        p50, p95 = rows[last].p50_ms / rows[first].p50_ms, rows[last].p95_ms / rows[first].p95_ms
        flat = "flat" if p95 <= FLAT_RATIO else "GROWS"
        grows += flat != "flat" and label != FLOOR
        print(f"  {label:<24}{cells} {p50:6.2f} / {p95:6.2f}  {flat}")
    print(
        "  growth target met: every page's p95 flat"
        if not grows
        else f"  GROWTH TARGET NOT MET: {grows} page(s)"
    )
    return not grows


def environment_line(database: str) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, load average {load}; database {database}"


# --- Runs ------------------------------------------------------------------------------------------


def run_pages(
    kensa: Server, floor_server: Server, volume: Volume, cookies: dict[str, str], args: Any, script: Path
) -> tuple[list[Result], list[Result]]:
    """The floor, then each page followed by the floor again: (floors, results)."""
    floors = [timed(floor_server, "/", None, args, script, FLOOR)]
    results = []
    for page in volume.pages:
        results.append(timed(kensa, page.path, cookies.get(page.user or ""), args, script, page.label))
        floors.append(wrk(floor_server, "/", None, args.duration, script, FLOOR))
    return floors, results


def bench_scale(
    url: str, folder: Path, volume: Volume, args: argparse.Namespace, memory: bool
) -> tuple[list[Result], bool]:
    """The floor, every page, the floor again; with `memory` (the main run, not growth) the same again
    while `--writers` clients submit lots, then the workers' RSS before and after PDFs. Returns the
    floor's middle run and the pages' results, and whether every target was met."""
    script = folder / "report.lua"
    script.write_text(WRK_SCRIPT)
    with (
        serve("floor", "bench.floor_app:app", url, folder, args.workers) as floor_server,
        serve("kensa", "wsgi:app", url, folder, args.workers) as kensa,
    ):
        cookies = {email: sign_in(kensa.url, email) for email in (volume.reviewer, volume.inspector)}
        print(f"  Kensa {kensa.workers} workers, floor {floor_server.workers} workers; signed in")
        for page in volume.pages:
            size = check_page(kensa.url, page, cookies.get(page.user or ""))
            print(f"    checked {page.label:<24} {page.path:<48} 200, {size:,} bytes")
        floors, results = run_pages(kensa, floor_server, volume, cookies, args, script)
        met = report_pages(results, floors, volume.pages, "quiet")
        if memory and args.writers:
            met = under_writes(url, folder, kensa, floor_server, volume, cookies, args, script) and met
        if memory:
            report_memory(kensa, floor_server, volume, cookies, args)
        middle = sorted(floors, key=lambda f: f.rps)[len(floors) // 2]
        return [middle, *results], met


def report_memory(
    kensa: Server, floor_server: Server, volume: Volume, cookies: dict[str, str], args: Any
) -> None:
    seen = set(kensa.worker_pids())
    print("  memory, VmRSS MiB per worker (pid; * = a worker started since the line before):")
    print(f"    floor after its runs:      {memory_line(floor_server, set(floor_server.worker_pids()))}")
    print(f"    Kensa after the pages:     {memory_line(kensa, seen)}")
    for name, every in (("scorecard", volume.card_pdfs), ("lot report", volume.report_pdfs)):
        paths = [every[i % len(every)] for i in range(args.pdfs)]
        seconds, failures = fetch_pdfs(kensa.url, paths, cookies[volume.reviewer], len(kensa.worker_pids()))
        print(
            f"    Kensa after {len(paths)} {name} PDFs ({seconds:.0f} s, {failures}): "
            f"{memory_line(kensa, seen)}"
        )
        seen |= set(kensa.worker_pids())


# --- Under writes ----------------------------------------------------------------------------------


@dataclass
class Claims:
    """The stale-claim probe: another reviewer claims lots; the bench's reviewer must see each claim
    on the very next view of the lot (no claim button, the claimer's name)."""

    made: int = 0
    stale: list[int] = field(default_factory=list)
    refused: int = 0  # claims answered otherwise than by the redirect of a claim taken


CLAIM_FORM = (
    r'action="/lots/{id}/claim".*?name="csrf_token"[^>]*value="([^"]+)".*?name="version"[^>]*value="(\d+)"'
)


def probe_claims(base: str, volume: Volume, watcher: str, stop: threading.Event) -> Claims:
    """Until `stop`: the claimer claims the next claimable lot, then the watcher opens it."""
    import requests

    claims = Claims()
    claimer = _headers(sign_in(base, volume.claimer))
    for lot_id in volume.claimable:
        if stop.is_set():
            break
        page = requests.get(f"{base}/lots/{lot_id}", headers=claimer, timeout=30)
        form = re.search(CLAIM_FORM.format(id=lot_id), page.text, re.S)
        if page.status_code != 200 or form is None:
            continue  # no longer claimable (the writers do not claim; another probe run may have)
        answer = requests.post(
            f"{base}/lots/{lot_id}/claim",
            data={"csrf_token": form.group(1), "version": form.group(2)},
            headers=claimer,
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302:
            claims.refused += 1
            continue
        claims.made += 1
        seen = requests.get(f"{base}/lots/{lot_id}", headers=_headers(watcher), timeout=30)
        if seen.status_code != 200 or f'action="/lots/{lot_id}/claim"' in seen.text:
            claims.stale.append(lot_id)
        time.sleep(0.2)
    return claims


def under_writes(
    url: str,
    folder: Path,
    kensa: Server,
    floor_server: Server,
    volume: Volume,
    cookies: dict[str, str],
    args: Any,
    script: Path,
) -> bool:
    """The pages and the floor again while `--writers` supplier clients submit lots (bench.load_submit's
    clients, one account each on the volume's suppliers) and another reviewer claims lots."""
    from bench import load_submit

    plans = load_submit.prepare_database(
        load_submit.server_env(url, folder), args.writers, folder, demo=False, volume=True
    )
    tally, window = load_submit.Tally(), load_submit.Window(seconds=24 * 3600.0)
    barrier = threading.Barrier(len(plans), action=window.open)
    tag = f"W{secrets.token_hex(2)}"
    writers = [
        threading.Thread(
            target=load_submit.run_client,
            args=(kensa, plan, tally, window, barrier, tag, 1_000_000),
            daemon=True,
        )
        for plan in plans
    ]
    for thread in writers:
        thread.start()
    if not window.started.wait(timeout=load_submit.SETUP_SECONDS + 30):
        print(f"  under writes: the {len(plans)} writers did not all sign in ({tally.signed_in}); skipped")
        return False
    stop = threading.Event()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        probe = pool.submit(probe_claims, kensa.url, volume, cookies[volume.reviewer], stop)
        floors, results = run_pages(kensa, floor_server, volume, cookies, args, script)
        stop.set()
        window.deadline = time.monotonic()  # the writers finish the lot they are on
        for thread in writers:
            thread.join(timeout=60)
        claims = probe.result()
    steps = tally.steps.values()
    errors = sum(step.server_errors for step in steps)
    print(
        f"  under writes: {len(plans)} writers submitted {len(tally.lots['submitted']):,} lots while the "
        f"pages ran ({sum(step.requests for step in steps):,} requests, {errors} answered 5xx, "
        f"{len(tally.crashes)} client failures); {claims.made} claims by another reviewer, "
        f"{len(claims.stale)} seen stale on the next view, {claims.refused} refused"
    )
    print(
        "    writers' requests: "
        + "; ".join(
            f"{name} {step.ok}/{step.requests} ok {dict(step.statuses)}" for name, step in tally.steps.items()
        )
    )
    # The targets are the quiet pass's: here the pages share the workers with the writers, and every
    # answer must still be right (no error, no 5xx, no stale claim).
    report_pages(results, floors, volume.pages, "under writes")
    answered = all(not r.errors and not r.non2xx and r.requests for r in results)
    correct = answered and bool(tally.lots["submitted"]) and not errors and not claims.stale
    print(f"  under writes: {'every answer right' if correct and not tally.crashes else 'WRONG ANSWERS'}")
    return correct and not tally.crashes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--lots", type=int, default=100_000, help="the volume's lots at scale 1")
    parser.add_argument("--scales", help="growth: comma-separated scales of --lots, e.g. 0.1,1,3")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of wrk per page")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py's)")
    parser.add_argument("--pdfs", type=int, default=100, help="scorecard and lot report PDFs each")
    parser.add_argument(
        "--writers",
        type=int,
        default=WRITERS,
        help="clients submitting lots during the second pass (0: none)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 10,000 lots, 2 s a page, 10 PDFs")
    parser.add_argument("--profile", action="store_true", help="also cProfile the signed-in pages in-process")
    args = parser.parse_args(argv)
    if args.quick:
        args.lots, args.duration, args.pdfs = (
            min(args.lots, 10_000),
            min(args.duration, 2.0),
            min(args.pdfs, 10),
        )
    name = "growth" if args.scales else "page"
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"{name} bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0
    if shutil.which("wrk") is None:
        print(f"!!! {name} bench: wrk is missing (apt-get install -y wrk): SKIPPED !!!")
        return 0
    if args.scales:
        return growth(args, [float(s) for s in args.scales.split(",")])
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        volume = load_volume(url, 1.0, args.lots)
        _describe("Pages under gunicorn", url, volume, args)
        _results, met = bench_scale(url, Path(folder), volume, args, memory=True)
        if args.profile:
            profile_pages(url, volume)
        print(f"  {environment_line(_database(url))}")
    print(f"  verdict: {'every target met' if met else 'TARGETS NOT MET'} ({_database(url)})")
    return 0


def growth(args: argparse.Namespace, scales: list[float]) -> int:
    found: dict[float, list[Result]] = {}
    volumes: dict[float, Volume] = {}
    for scale in scales:
        with (
            tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
            scratch_database(Path(folder), args.database_url) as url,
        ):
            volumes[scale] = load_volume(url, scale, args.lots)
            _describe(f"Growth, scale {scale:g}", url, volumes[scale], args)
            found[scale], _met = bench_scale(url, Path(folder), volumes[scale], args, memory=False)
    print(f"Growth: p50 / p95 (ms) per page at each scale of {args.lots:,} lots")
    report_growth(scales, found, volumes)
    print(f"  {environment_line(_database(args.database_url or 'sqlite'))}")
    return 0


def _database(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def _describe(title: str, url: str, volume: Volume, args: argparse.Namespace) -> None:
    workers = args.workers or os.environ.get("WEB_CONCURRENCY") or "gunicorn.conf.py's default"
    print(
        f"{title}: {volume.lots:,} lots on {_database(url)} "
        f"({volume.rows:,} rows loaded in {volume.seconds:.0f} s)"
    )
    print(
        f"  {volume.describe}; workers: {workers}; "
        f"wrk -c {CONNECTIONS}, {args.duration:g} s a page after a warm-up"
    )


# --- Profile ---------------------------------------------------------------------------------------


def profile_pages(url: str, volume: Volume) -> None:
    """cProfile of the signed-in pages through the test client, in a fresh interpreter on the database."""
    context = multiprocessing.get_context("spawn")
    paths = [(page.path, page.user or "") for page in volume.pages if page.user]
    for path in paths:  # a fresh interpreter each: nothing of one user's requests stays for the next
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            pool.submit(_profile, url, [path]).result()


def _profile(url: str, paths: Sequence[tuple[str, str]], runs: int = 20) -> None:
    import cProfile
    import pstats

    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from bench.review_queue import QueryLog
    from bench.review_queue import sign_in as session_sign_in
    from config import CONFIGS

    # The config is imported before this runs (bench.import_measurements), so DATABASE_URL would be
    # read too late: the database is set on the config object.
    config = CONFIGS["testing"]()
    config.SQLALCHEMY_DATABASE_URI = sqlalchemy_url(url)
    app = create_app(config)
    with app.app_context():
        log = QueryLog(db.engine)
        # Every user before any request: after one, the tenancy scope of its user would hide the others.
        users = {
            user.email: (user.id, user.session_token)
            for user in db.session.scalars(select(User).where(User.email.in_({email for _p, email in paths})))
        }
        db.session.remove()
    # The requests outside that app context, each in its own as under a server: inside one, `g` (the
    # nav's unread count, the tenancy scope) and the session would carry over from request to request.
    for path, email in paths:
        client = app.test_client()
        session_sign_in(client, *users[email])
        for _ in range(3):
            client.get(path)
        log.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            assert client.get(path).status_code == 200
        profiler.disable()
        stats = pstats.Stats(profiler)
        # Python calls are counted, not timed: the same on a busy machine, so two commits compare.
        calls = sum(total for _primitive, total, *_rest in stats.stats.values()) // runs  # type: ignore[attr-defined]
        print(
            f"  cProfile of {runs} x GET {path}: {len(log.statements) // runs} statements, "
            f"{calls:,} Python calls a request"
        )
        stats.sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    sys.exit(main())
