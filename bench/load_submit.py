"""Load without loss: supplier inspectors submitting lots to gunicorn at once, one worker killed mid-run.

A scratch database is migrated (`flask db upgrade`'s `upgrade()`) and seeded (`flask seed demo`'s
`seed_demo()`), plus one inspector account per client, spread over the three demo suppliers; then
the repository's gunicorn (`gunicorn -c gunicorn.conf.py wsgi:app`, KENSA_CONFIG=production) serves
it on a free loopback port. Each client is a thread with its own `requests.Session`: it signs in
and reads a CSRF token (untimed, before the window), then until the deadline (or `--max-lots`)
creates a lot (`POST /lots/new`) and saves and submits its whole sample in one request
(`POST /lots/<id>/data`, action "submit": the data page's "Save and submit" button). Every request
has a timeout. With `--kill-worker` one worker gets SIGKILL halfway; the arbiter replaces it.

Then the server is stopped and the database is read: the lots of this run by state, against what
the clients saw succeed; every lot must be whole (see `lot_problems`), and the audit chain intact.

    .venv/bin/python -m bench.load_submit                                  # SQLite file in a temp dir
    .venv/bin/python -m bench.load_submit --database-url postgresql://postgres@127.0.0.1/postgres
    .venv/bin/python -m bench.load_submit --clients 10 --seconds 8 --kill-worker --workers 3

Production sets Secure session cookies; on plain http the clients act as the TLS-terminating proxy
would and send them back anyway. `tests/production/test_load.py` runs a short version.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from urllib3.exceptions import NewConnectionError

from bench.import_measurements import environment, median_of, p95_of, scratch_database, server_reachable
from bench.server import Server, start_gunicorn, stop, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "quality-first-2026"  # noqa: S105 - the demo password (app.cli.DEMO_PASSWORD)
LOT_SIZE = 1000
PLAN_MARKER = "KENSA-LOAD-PLAN "
# (connect, read) seconds: a request that takes longer is a failure, not a hang.
REQUEST_TIMEOUT = (5.0, 30.0)
SETUP_SECONDS = 120.0  # every client signed in by then, or the run fails
LOCKED = "database is locked"
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
CREATED_RE = re.compile(r"/lots/(\d+)/data$")
CREATE, SUBMIT = "create lot", "save + submit"
STEPS = ("sign-in page", "sign in", "new lot form", CREATE, SUBMIT)


# --- Set-up (runs in a child process with the server's environment) -------------------------------


@dataclass(frozen=True)
class ClientPlan:
    """One client: its account, the (site, part) it makes, and the grid of that part's lots."""

    number: int
    email: str
    user_id: int
    supplier: str
    site_part: str
    lot_size: int
    sample_size: int
    characteristics: list[dict[str, Any]]


def _prepare(clients: int, folder: str, demo: bool, volume: bool = False) -> list[ClientPlan]:
    """Migrate, seed the demo (or its suppliers and parts only) and one inspector per client; with
    `volume`, the database is already loaded (`flask seed volume`): only the inspectors are added, spread
    over its suppliers that have an approved (site, part) pair."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.audit.services import record, snapshot
    from app.auth.models import Role, User
    from app.certificates.services import current_certificate, today
    from app.demo import seed_demo
    from app.demo.certificates import certificate_with_scan, seed_demo_certificates
    from app.demo.people import DEMO_SUPPLIERS
    from app.demo.standards import seed_demo_quality
    from app.extensions import db
    from app.lots import services
    from app.lots.plans import plan_of
    from app.quality.sampling import CLASSES
    from app.sampling.services import severity_of
    from app.security import hash_password
    from app.standards.models import Characteristic
    from app.standards.services import revision_in_force
    from app.suppliers import services as supplier_services
    from app.suppliers.models import Site, Supplier
    from app.users.services import USER_FIELDS

    app = create_app()
    app.config.update(UPLOAD_FOLDER=f"{folder}/uploads", SCORECARD_PDF_FOLDER=f"{folder}/scorecards")
    plans = []
    with app.app_context():
        password_hash = hash_password(PASSWORD)  # once: production Argon2 costs ~0.1 s a hash
        run = f"-{secrets.token_hex(3)}" if volume else ""  # a volume database may be benched again
        if volume:
            suppliers = [
                (supplier, f"{supplier.code.lower()}.volume.example")
                for supplier in db.session.scalars(select(Supplier).order_by(Supplier.id))
                if services.approved_pairs(supplier.id)
            ]
        else:
            upgrade()
            if demo:
                seed_demo()
            else:  # the demo's suppliers, sites, parts, standards, certificates and reviewer only
                for spec in DEMO_SUPPLIERS:
                    supplier = supplier_services.create_supplier(
                        code=spec["code"], legal_name=spec["legal_name"], country=spec["country"]
                    )
                    for name, city in spec["sites"]:
                        supplier_services.create_site(supplier, name=name, city=city, country=spec["country"])
                reviewer = User(
                    email="reviewer@brand.example",
                    name="Aiko Tanaka",
                    role=Role.REVIEWER,
                    password_hash=password_hash,
                )
                db.session.add(reviewer)
                seed_demo_quality()
                seed_demo_certificates()
            suppliers = [
                (
                    db.session.scalars(select(Supplier).where(Supplier.code == spec["code"])).one(),
                    spec["domain"],
                )
                for spec in DEMO_SUPPLIERS
            ]
        for index in range(clients):
            supplier, domain = suppliers[index % len(suppliers)]
            user = User(
                email=f"load-{index + 1:03d}{run}@{domain}",
                name=f"Load Inspector {index + 1}",
                role=Role.SUPPLIER_INSPECTOR,
                supplier_id=supplier.id,
                password_hash=password_hash,
            )
            db.session.add(user)
            db.session.flush()
            record("user.created", user, after=snapshot(user, USER_FIELDS))
            pairs = services.approved_pairs(supplier.id)
            pair = pairs[(index // len(suppliers)) % len(pairs)]
            site = db.session.get(Site, pair.site_id)
            if volume and site is not None and current_certificate(site, today()) is None:
                certificate_with_scan(site)  # the volume records none; new lots need one
            revision = revision_in_force(pair.part_id)
            assert revision is not None, f"no released standard for part {pair.part_id}"
            # The plan create_lot will choose (no decision changes a severity during the run).
            severities = {
                cls: severity_of(supplier.id, pair.part_id, cls) for cls in CLASSES if revision.aql_for(cls)
            }
            plan = plan_of(revision, LOT_SIZE, severities)
            characteristics = db.session.scalars(
                select(Characteristic)
                .where(Characteristic.revision_id == revision.id)
                .order_by(Characteristic.position)
            )
            plans.append(
                ClientPlan(
                    number=index + 1,
                    email=user.email,
                    user_id=user.id,
                    supplier=supplier.code,
                    site_part=f"{pair.site_id}-{pair.part_id}",
                    lot_size=LOT_SIZE,
                    sample_size=LOT_SIZE if plan.inspect_all else plan.sample_size,
                    characteristics=[
                        {"id": c.id, "kind": str(c.kind), "lsl": _num(c.lsl), "usl": _num(c.usl)}
                        for c in characteristics
                    ],
                )
            )
        db.session.commit()
    return plans


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def server_env(database_url: str, folder: Path) -> dict[str, str]:
    """The production configuration, secrets included, on the scratch database; e-mail goes nowhere."""
    env = dict(os.environ)
    for name in ("PUBLIC_BASE_URL", "REDIS_URL", "GUNICORN_ACCESS_LOG"):
        env.pop(name, None)
    env.update(
        KENSA_CONFIG="production",
        SECRET_KEY=secrets.token_hex(32),
        AUDIT_KEY=secrets.token_hex(32),
        # Every client signs in from 127.0.0.1 at once: more than a per-address limit lets through.
        RATELIMIT_SIGN_IN="100000 per minute",
        PUBLIC_BASE_URL="https://kensa.example",
        DATABASE_URL=database_url,
        MAIL_BACKEND="null",
        FLASK_APP="wsgi",
        PYTHONUNBUFFERED="1",
        SCORECARD_PDF_FOLDER=str(folder / "scorecards"),
    )
    return env


def prepare_database(
    env: dict[str, str], clients: int, folder: Path, *, demo: bool = True, volume: bool = False
) -> list[ClientPlan]:
    """Run `_prepare` in a child process with the server's environment (config reads it at import).

    `demo`: `flask seed demo` in full; else only what the clients need (faster, for the test).
    `volume`: the database holds the volume data set; only the clients' accounts are added.
    """
    command = [sys.executable, "-m", "bench.load_submit", "--prepare", str(clients), "--folder", str(folder)]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, *([] if demo else ["--no-demo"]), *(["--volume"] if volume else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith(PLAN_MARKER)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"set-up failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-5000:]}")
    return [ClientPlan(**row) for row in json.loads(line[len(PLAN_MARKER) :])]


# --- The clients -----------------------------------------------------------------------------------


@dataclass
class Step:
    """What the clients saw of one kind of request."""

    requests: int = 0
    ok: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    transport: Counter[str] = field(default_factory=Counter)
    ambiguous: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def client_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if 400 <= status < 500)

    @property
    def unexpected(self) -> int:
        """Answers that were not the expected one and not a server error (4xx, a form shown again...)."""
        return self.requests - self.ok - self.server_errors - sum(self.transport.values())


@dataclass
class Tally:
    """Every client's requests by step, and the lot numbers by what the client knows of them."""

    steps: dict[str, Step] = field(default_factory=lambda: {name: Step() for name in STEPS})
    lots: dict[str, set[str]] = field(
        default_factory=lambda: {k: set() for k in ("created", "create?", "submitted", "submit?")}
    )
    signed_in: int = 0
    crashes: list[str] = field(default_factory=list)
    finished_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Window:
    """The timed window, opened for every client at once once all have signed in."""

    seconds: float
    started: threading.Event = field(default_factory=threading.Event)
    start: float = 0.0
    deadline: float = 0.0

    def open(self) -> None:
        self.start = time.monotonic()
        self.deadline = self.start + self.seconds
        self.started.set()


OK, FAILED, AMBIGUOUS = "ok", "failed", "ambiguous"


class Client:
    """One supplier inspector's browser, reduced to the requests that matter."""

    def __init__(
        self, base: str, plan: ClientPlan, tally: Tally, session: requests.Session, tag: str
    ) -> None:
        self.base, self.plan, self.tally, self.session, self.tag = base, plan, tally, session, tag
        self.rng = random.Random(f"{tag}-{plan.number}")
        self.csrf = ""
        self.today = datetime.now(UTC).date().isoformat()

    def send(
        self, step: str, method: str, path: str, expect: Callable[[requests.Response], bool], **kw: Any
    ) -> tuple[str, requests.Response | None]:
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base + path, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kw
            )
        except requests.RequestException as error:
            sent = not _never_sent(error)
            with self.tally.lock:
                step_tally = self.tally.steps[step]
                step_tally.requests += 1
                step_tally.transport[type(error).__name__] += 1
                step_tally.ambiguous += sent
            return (AMBIGUOUS if sent else FAILED), None
        elapsed = time.perf_counter() - started
        # Production cookies are Secure: on this plain-http loopback, carry them as the proxy would.
        for cookie in self.session.cookies:
            cookie.secure = False
        ok = expect(response)
        with self.tally.lock:
            step_tally = self.tally.steps[step]
            step_tally.requests += 1
            step_tally.statuses[response.status_code] += 1
            if ok:
                step_tally.ok += 1
                step_tally.latencies.append(elapsed)
        return (OK if ok else FAILED), response

    def sign_in(self) -> bool:
        """The sign-in page, signing in, and the new-lot form (its CSRF token serves the whole run)."""
        outcome, page = self.send("sign-in page", "GET", "/login", _status(200))
        if outcome != OK or page is None or not (token := CSRF_RE.search(page.text)):
            return False
        form = {"csrf_token": token.group(1), "email": self.plan.email, "password": PASSWORD}
        outcome, _ = self.send("sign in", "POST", "/login", _redirect_to(r"/home$"), data=form)
        if outcome != OK:
            return False
        outcome, page = self.send("new lot form", "GET", "/lots/new", _status(200))
        if outcome != OK or page is None or f'value="{self.plan.site_part}"' not in page.text:
            return False
        token = CSRF_RE.search(page.text)
        self.csrf = token.group(1) if token else ""
        return bool(self.csrf)

    def lot(self, index: int) -> None:
        """Create one lot and submit its whole sample."""
        number = f"L{self.tag}-{self.plan.number:03d}-{index:05d}"
        form = {
            "csrf_token": self.csrf,
            "site_part": self.plan.site_part,
            "lot_number": number,
            "lot_size": str(self.plan.lot_size),
            "production_date": self.today,
            "inspection_date": self.today,
            "inspector_id": str(self.plan.user_id),
        }
        outcome, response = self.send(
            CREATE, "POST", "/lots/new", _redirect_to(CREATED_RE.pattern), data=form
        )
        self._note(number, "created" if outcome == OK else "create?" if outcome == AMBIGUOUS else "")
        if outcome != OK or response is None:
            return
        match = CREATED_RE.search(response.headers["Location"])
        assert match is not None
        lot_id = match.group(1)
        outcome, _ = self.send(
            SUBMIT, "POST", f"/lots/{lot_id}/data", _redirect_to(rf"/lots/{lot_id}$"), data=self._grid()
        )
        self._note(number, "submitted" if outcome == OK else "submit?" if outcome == AMBIGUOUS else "")

    def _grid(self) -> dict[str, str]:
        form = {"csrf_token": self.csrf, "action": "submit", "findings": "0"}
        for sample in range(1, self.plan.sample_size + 1):
            for c in self.plan.characteristics:
                form[f"v-{sample}-{c['id']}"] = _reading(self.rng, c)
        return form

    def _note(self, number: str, what: str) -> None:
        if what:
            with self.tally.lock:
                self.tally.lots[what].add(number)


def _status(code: int) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == code


def _redirect_to(pattern: str) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == 302 and re.search(pattern, r.headers.get("Location", "")) is not None


def _never_sent(error: requests.RequestException) -> bool:
    """Refused or not connected in time: the server cannot have acted on it."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.ConnectTimeout) or isinstance(reason, NewConnectionError)


def _reading(rng: random.Random, c: dict[str, Any]) -> str:
    """A plausible reading inside the tolerance (as app.demo.lots makes them), or "pass"."""
    if c["kind"] != "variable":
        return "pass"
    lsl, usl = c["lsl"], c["usl"]
    if lsl is not None and usl is not None:
        centre, spread = (lsl + usl) / 2, (usl - lsl) / 10
    elif usl is not None:
        centre, spread = usl / 2, usl / 12
    else:
        centre, spread = lsl * 1.07, lsl * 0.012
    places = 1 if spread >= 1 else 3
    return f"{rng.gauss(centre, spread):.{places}f}"


def run_client(
    server: Server,
    plan: ClientPlan,
    tally: Tally,
    window: Window,
    barrier: threading.Barrier,
    tag: str,
    max_lots: int,
) -> None:
    """Sign in, wait for every client, then lots until the deadline or `max_lots`."""
    with requests.Session() as session:
        client = Client(server.url, plan, tally, session, tag)
        try:
            ready = client.sign_in()
        except Exception as error:
            ready = False
            _crashed(tally, plan, error)
        with tally.lock:
            tally.signed_in += ready
        try:
            barrier.wait(timeout=SETUP_SECONDS)  # every client waits here, signed in or not
            for index in range(1, max_lots + 1) if ready else ():
                if time.monotonic() >= window.deadline:
                    break
                client.lot(index)
        except Exception as error:
            _crashed(tally, plan, error)
        finally:
            with tally.lock:
                tally.finished_at = max(tally.finished_at, time.monotonic())


def _crashed(tally: Tally, plan: ClientPlan, error: Exception) -> None:
    """A client's own failure: reported as a failure of the run, never lost in a thread."""
    with tally.lock:
        tally.crashes.append(f"client {plan.number}: {type(error).__name__}: {error}")


@dataclass
class Kill:
    pid: int | None = None
    at: float = 0.0  # seconds into the window
    workers_after: int = 0
    replaced_after: float | None = None  # seconds until the arbiter had its full count again


def kill_one_worker(server: Server, window: Window, kill: Kill) -> None:
    """SIGKILL one worker halfway through the window; wait for the arbiter to replace it."""
    if not window.started.wait(timeout=SETUP_SECONDS + 5):
        return
    time.sleep(max(0.0, window.start + window.seconds / 2 - time.monotonic()))
    pids = server.worker_pids()
    if not pids:
        return
    kill.pid = random.choice(pids)
    os.kill(kill.pid, signal.SIGKILL)
    kill.at = time.monotonic() - window.start
    killed_at = time.monotonic()
    while time.monotonic() - killed_at < 30:
        current = server.worker_pids()
        if kill.pid not in current and len(current) == server.workers:
            kill.replaced_after = time.monotonic() - killed_at
            break
        time.sleep(0.05)
    kill.workers_after = len(server.worker_pids())


def drive(
    server: Server, plans: Sequence[ClientPlan], seconds: float, max_lots: int, kill_worker: bool, tag: str
) -> tuple[Tally, Window, Kill]:
    """Run every client (and the worker kill); returns the tally, the window and the kill."""
    tally, window, kill = Tally(), Window(seconds), Kill()
    barrier = threading.Barrier(len(plans), action=window.open)
    threads = [
        threading.Thread(
            target=run_client, args=(server, p, tally, window, barrier, tag, max_lots), daemon=True
        )
        for p in plans
    ]
    if kill_worker:
        threads.append(threading.Thread(target=kill_one_worker, args=(server, window, kill), daemon=True))
    for thread in threads:
        thread.start()
    limit = time.monotonic() + SETUP_SECONDS + seconds + REQUEST_TIMEOUT[1] + 60
    for thread in threads:
        thread.join(timeout=max(0.0, limit - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        tally.crashes.append(f"{stuck} client thread(s) still running after the time limit")
    return tally, window, kill


# --- The database after the run ------------------------------------------------------------------


@dataclass
class Stored:
    """What the database holds of this run's lots."""

    by_state: Counter[str]
    numbers: dict[str, str]  # lot number -> state
    problems: list[str]
    orphans: list[str]


def _counts(conn: Any, sql: str, **params: Any) -> dict[Any, int]:
    return {row[0]: int(row[1]) for row in conn.execute(text(sql), params)}


# This run's lots (lot numbers start with the run's tag).
MINE = "SELECT id FROM lot WHERE lot_number LIKE :like"
LOTS_SQL = """
    SELECT l.id, l.lot_number, l.state, l.submissions, l.submitted_at, l.recommendation, l.flag_count,
           l.sample_size,
           (SELECT count(*) FROM characteristic c WHERE c.revision_id = l.revision_id),
           CASE WHEN r.aql_critical IS NULL THEN 0 ELSE 1 END
           + CASE WHEN r.aql_major IS NULL THEN 0 ELSE 1 END
           + CASE WHEN r.aql_minor IS NULL THEN 0 ELSE 1 END
    FROM lot l JOIN standard_revision r ON r.id = l.revision_id
    WHERE l.lot_number LIKE :like"""
DATASETS_SQL = f"""
    SELECT lot_id, number, submitted_at, submitted_by_id, recommendation, nonconforming
    FROM lot_dataset WHERE lot_id IN ({MINE})"""  # noqa: S608 - constant text
DATASET_TABLES = ("measurement", "finding", "characteristic_result", "class_result", "integrity_flag")
PER_DATASET_SQL = f"""
    SELECT d.lot_id, count(x.id) FROM lot_dataset d JOIN {{table}} x ON x.dataset_id = d.id
    WHERE d.lot_id IN ({MINE}) GROUP BY d.lot_id"""  # noqa: S608 - constant text
AUDIT_ACTIONS = ("lot.created", "lot.data_saved", "lot.submitted")
AUDIT_SQL = f"""
    SELECT object_id, count(*) FROM audit_event
    WHERE object_type = 'Lot' AND action = :action AND object_id IN ({MINE}) GROUP BY object_id"""  # noqa: S608
NOTICES_SQL = "SELECT url, count(*) FROM notification WHERE kind = 'lot_submitted' GROUP BY url"


def read_lots(database_url: str, tag: str) -> Stored:
    """This run's lots with, per lot, everything a whole lot has (one grouped query per table)."""
    engine = create_engine(database_url)
    like = {"like": f"L{tag}-%"}
    try:
        with engine.connect() as conn:
            lots = conn.execute(text(LOTS_SQL), like).all()
            datasets: dict[int, list[Any]] = {}
            for row in conn.execute(text(DATASETS_SQL), like):
                datasets.setdefault(row[0], []).append(row)
            rows = {t: _counts(conn, PER_DATASET_SQL.format(table=t), **like) for t in DATASET_TABLES}
            audit = {a: _counts(conn, AUDIT_SQL, action=a, **like) for a in AUDIT_ACTIONS}
            notices = _counts(conn, NOTICES_SQL)
            orphans = _orphans(conn)
    finally:
        engine.dispose()
    problems = []
    for lot in lots:
        where = {t: rows[t].get(lot[0], 0) for t in rows} | {a: audit[a].get(lot[0], 0) for a in audit}
        where["notices"] = notices.get(f"/lots/{lot[0]}", 0)
        problems += [f"{lot[1]} ({lot[2]}): {p}" for p in lot_problems(lot, datasets.get(lot[0], []), where)]
    return Stored(Counter(lot[2] for lot in lots), {lot[1]: lot[2] for lot in lots}, problems, orphans)


def lot_problems(lot: Sequence[Any], datasets: Sequence[Sequence[Any]], rows: dict[str, int]) -> list[str]:
    """Why a lot of this run is not whole (empty when it is).

    Every lot: one dataset (number 1) and its `lot.created` audit event. A draft (created, the
    save-and-submit not committed): its dataset open, no values, findings, evaluation, submission
    audit or reviewer notice. A submitted lot: submission 1 sealed (time, who, recommendation =
    the lot's, nonconforming count), sample size x characteristics values, a result per
    characteristic, one per class with an AQL, as many integrity flags as the lot counts, its
    `lot.data_saved` and `lot.submitted` events and a notice to the reviewers. No other state.
    """
    _id, _number, state, submissions, submitted_at, recommendation, flags, n, chars, classes = lot
    problems = []
    if [d[1] for d in datasets] != [1]:
        problems.append(f"datasets {sorted(d[1] for d in datasets)}, not [1]")
    if rows["lot.created"] != 1:
        problems.append(f"{rows['lot.created']} lot.created events")
    dataset = datasets[0] if len(datasets) == 1 else None
    if state == "draft":
        expected = dict.fromkeys(rows, 0) | {"lot.created": 1}
        if submissions or submitted_at is not None or recommendation is not None:
            problems.append("draft with submission fields set")
        if dataset is not None and any(x is not None for x in dataset[2:]):
            problems.append("draft whose dataset is sealed")
    elif state == "submitted":
        expected = {
            "measurement": n * chars,
            "finding": 0,
            "characteristic_result": chars,
            "class_result": classes,
            "integrity_flag": flags,
            "lot.created": 1,
            "lot.data_saved": 1,
            "lot.submitted": 1,
        }
        if submissions != 1 or submitted_at is None or recommendation not in ("accept", "reject"):
            problems.append(f"submission fields: {submissions}, {submitted_at}, {recommendation}")
        if dataset is not None and (
            dataset[2] is None or dataset[3] is None or dataset[4] != recommendation or dataset[5] is None
        ):
            problems.append(f"dataset not sealed as submitted: {tuple(dataset[2:])}")
        if rows["notices"] < 1:
            problems.append("no lot_submitted notice")
    else:
        return [f"state {state!r}: no one reviews during the run"]
    problems += [f"{rows[k]} {k} rows, expected {v}" for k, v in expected.items() if rows[k] != v]
    return problems


def _orphans(conn: Any) -> list[str]:
    """Rows of the whole database that point at a lot or dataset that is not there."""
    checks = {
        "datasets without their lot": "SELECT count(*) FROM lot_dataset d LEFT JOIN lot l ON l.id = d.lot_id "
        "WHERE l.id IS NULL",
        "audit events of a missing lot": "SELECT count(*) FROM audit_event a WHERE a.object_type = 'Lot' "
        "AND NOT EXISTS (SELECT 1 FROM lot l WHERE l.id = a.object_id)",
        **{
            f"{table} rows without their dataset": f"SELECT count(*) FROM {table} x "  # noqa: S608 - our names
            "LEFT JOIN lot_dataset d ON d.id = x.dataset_id WHERE d.id IS NULL"
            for table in DATASET_TABLES
        },
    }
    found = []
    for label, sql in checks.items():
        count = conn.execute(text(sql)).scalar()
        if count:
            found.append(f"{count} {label}")
    return found


def verify_audit_chain(database_url: str, audit_key: str) -> tuple[bool, str]:
    """`flask audit verify`'s check: the hash chain written by concurrent workers still holds (under
    the servers' AUDIT_KEY: the chain is an HMAC)."""
    from app import create_app
    from app.audit.cli import chain_message
    from app.audit.services import verify_chain
    from app.extensions import db
    from config import Config

    config = Config()
    config.SQLALCHEMY_DATABASE_URI = database_url  # type: ignore[attr-defined]
    config.AUDIT_KEY = audit_key  # type: ignore[attr-defined]
    app = create_app(config)
    with app.app_context():
        try:
            report = verify_chain()
        finally:
            db.session.remove()
            db.engine.dispose()
    return report.intact, chain_message(report).splitlines()[0]


# --- The run and its report ------------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str]
    failures: list[str]
    submitted: int

    def text(self) -> str:
        return "\n".join(self.lines + [f"FAILED: {f}" for f in self.failures])


def run_load(
    database_url: str,
    folder: Path,
    *,
    clients: int = 50,
    seconds: float = 60.0,
    kill_worker: bool = False,
    workers: int | None = None,
    max_lots: int = 10_000,
    demo: bool = True,
) -> Report:
    """Set up the scratch database, serve it with gunicorn, drive the clients, check the database."""
    env = server_env(database_url, folder)
    server = start_gunicorn(env, folder, workers)  # its workers boot while the database is prepared
    try:
        plans = prepare_database(env, clients, folder, demo=demo)
        wait_until_up(server)
        tag = secrets.token_hex(3)
        tally, window, kill = drive(server, plans, seconds, max_lots, kill_worker, tag)
    finally:
        stop(server)
    log = server.error_log.read_text(errors="replace")
    stored = read_lots(database_url, tag)
    chain = verify_audit_chain(database_url, env["AUDIT_KEY"])
    return report(tally, window, kill, stored, log, chain, clients, server.workers, kill_worker)


def report(
    tally: Tally,
    window: Window,
    kill: Kill,
    stored: Stored,
    log: str,
    chain: tuple[bool, str],
    clients: int,
    workers: int,
    kill_worker: bool,
) -> Report:
    """The figures of a run, and the checks that fail."""
    lines = [f"  {clients} clients, {workers} gunicorn sync workers, window {window.seconds:.0f} s"]
    lines += _step_table(tally)
    locked = log.count(LOCKED)
    tracebacks = log.count("Traceback (most recent call last)")
    lines.append(f'  server log: "{LOCKED}" {locked}, tracebacks {tracebacks}')
    elapsed = max(tally.finished_at - window.start, 1e-9) if window.start else 0.0
    create, submit = tally.steps[CREATE], tally.steps[SUBMIT]
    if elapsed:
        lines.append(
            f"  submissions {submit.ok} in {elapsed:.1f} s (the window, then the lots under way at its end): "
            f"{submit.ok / elapsed:.1f}/s"
        )
        lines.append(
            f"  latency: create median {median_ms(create)}, p95 {p95_ms(create)}; "
            f"save + submit median {median_ms(submit)}, p95 {p95_ms(submit)}"
        )
    if kill_worker:
        replaced = f"{kill.replaced_after:.1f} s" if kill.replaced_after is not None else "NOT replaced"
        lines.append(
            f"  worker {kill.pid} SIGKILLed at {kill.at:.1f} s; arbiter back to {kill.workers_after} "
            f"workers after {replaced}"
        )
    seen = tally.lots
    lines.append(
        f"  clients saw: created {len(seen['created'])} (+{len(seen['create?'])} ambiguous), "
        f"submitted {len(seen['submitted'])} (+{len(seen['submit?'])} ambiguous)"
    )
    states = ", ".join(f"{s}: {n}" for s, n in sorted(stored.by_state.items())) or "none"
    lines.append(f"  lots of this run in the database: {sum(stored.by_state.values())} ({states})")
    whole = f"{len(stored.problems)} lots NOT whole" if stored.problems else "every lot whole"
    lines.append(
        f"  whole-lot check: {whole}; orphans: {', '.join(stored.orphans) or 'none'}; audit chain: {chain[1]}"
    )
    lines += [f"    {p}" for p in stored.problems[:10]]
    failures = _failures(tally, stored, locked, chain[0], kill if kill_worker else None, clients)
    return Report(lines, failures, submit.ok)


def _step_table(tally: Tally) -> list[str]:
    lines = [
        f"  {'step':<14} {'requests':>8} {'ok':>6} {'4xx':>5} {'5xx':>5} {'other':>5} "
        f"{'no answer':>9} {'ambiguous':>9}  statuses"
    ]
    for name, step in tally.steps.items():
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(step.statuses.items()))
        transport = ", ".join(f"{k}: {n}" for k, n in step.transport.items())
        lines.append(
            f"  {name:<14} {step.requests:>8} {step.ok:>6} {step.client_errors:>5} {step.server_errors:>5} "
            f"{step.unexpected - step.client_errors:>5} {sum(step.transport.values()):>9} {step.ambiguous:>9}"
            f"  {statuses}{'; ' + transport if transport else ''}"
        )
    return lines


def median_ms(step: Step) -> str:
    return f"{median_of(step.latencies) * 1000:.0f} ms" if step.latencies else "-"


def p95_ms(step: Step) -> str:
    return f"{p95_of(step.latencies) * 1000:.0f} ms" if step.latencies else "-"


def _failures(
    tally: Tally, stored: Stored, locked: int, chain_ok: bool, kill: Kill | None, clients: int
) -> list[str]:
    """Every check of the run that does not hold."""
    failures = list(tally.crashes)
    steps = tally.steps.values()
    if tally.signed_in != clients:
        failures.append(f"only {tally.signed_in} of {clients} clients signed in")
    if errors := sum(s.server_errors for s in steps):
        failures.append(f"{errors} server errors (5xx)")
    if unexpected := sum(s.unexpected for s in steps):
        failures.append(f"{unexpected} unexpected answers (4xx, form shown again)")
    if locked:
        failures.append(f'"{LOCKED}" {locked} times in the server log')
    # A sync worker serves one request at a time: a kill cuts at most the one in flight.
    transport = sum(sum(s.transport.values()) for s in steps)
    if transport > (1 if kill else 0):
        failures.append(f"{transport} requests without an answer")
    if kill is not None and (kill.pid is None or kill.replaced_after is None):
        failures.append("no worker was killed and replaced")
    lots, stored_states = tally.lots, stored.numbers
    in_db = set(stored_states)
    submitted = {n for n, s in stored_states.items() if s == "submitted"}
    if missing := lots["created"] - in_db:
        failures.append(f"{len(missing)} lots created (302) but not in the database: {sorted(missing)[:5]}")
    if extra := in_db - lots["created"] - lots["create?"]:
        failures.append(f"{len(extra)} lots in the database that no client created: {sorted(extra)[:5]}")
    if lost := lots["submitted"] - submitted:
        failures.append(
            f"{len(lost)} lots submitted (302) but not submitted in the database: {sorted(lost)[:5]}"
        )
    if ghost := submitted - lots["submitted"] - lots["submit?"]:
        failures.append(f"{len(ghost)} lots submitted in the database, not by a client: {sorted(ghost)[:5]}")
    for label, have, low, high in (
        ("created", len(in_db), len(lots["created"]), len(lots["created"] | lots["create?"])),
        ("submitted", len(submitted), len(lots["submitted"]), len(lots["submitted"] | lots["submit?"])),
    ):
        if not low <= have <= high:
            failures.append(f"lots {label}: {have} in the database, clients saw {low} (+ ambiguous: {high})")
    if stored.problems:
        failures.append(f"{len(stored.problems)} lots not whole")
    if stored.orphans:
        failures.append("orphan rows: " + ", ".join(stored.orphans))
    if not chain_ok:
        failures.append("audit chain broken")
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--if-reachable", action="store_true", help="skip quietly when the server is down")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL one gunicorn worker halfway")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--max-lots", type=int, default=10_000, help="per client, besides the deadline")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--no-demo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--volume", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare is not None:  # the set-up child process of `prepare_database`
        plans = _prepare(args.prepare, args.folder, demo=not args.no_demo, volume=args.volume)
        print(PLAN_MARKER + json.dumps([plan.__dict__ for plan in plans]))
        return 0
    if args.database_url and args.if_reachable and not server_reachable(args.database_url):
        print(f"load bench: PostgreSQL at {args.database_url} is not reachable, skipped")
        return 0
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), args.database_url) as url,
    ):
        kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
        print(f"Load without loss: lots submitted by concurrent supplier clients ({kind}, {environment()})")
        result = run_load(
            url,
            Path(folder),
            clients=args.clients,
            seconds=args.seconds,
            kill_worker=args.kill_worker,
            workers=args.workers,
            max_lots=args.max_lots,
        )
    print(result.text())
    print("  verdict: " + ("all checks hold" if not result.failures else "CHECKS FAILED"))
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
