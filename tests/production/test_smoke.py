"""The production stack, end to end: gunicorn and the Redis worker on a fresh PostgreSQL database.

Migrations by the explicit step (`flask db upgrade`), the demo by `flask seed demo`, then over HTTP:
a supplier inspector submits a lot, a reviewer claims and accepts it, the quality manager publishes
the month's scorecards, and the worker prints the new version's PDFs and delivers the e-mail. The
supplier's manager then downloads the printed PDF through the portal.

It needs PostgreSQL (KENSA_TEST_DATABASE_URL, else the local server) and Redis (KENSA_TEST_REDIS_URL,
else the local one): under CI their absence fails the test; elsewhere it is skipped, loudly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import requests
from pypdf import PdfReader
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bench.load_submit import (
    CSRF_RE,
    PASSWORD,
    REQUEST_TIMEOUT,
    Client,
    Tally,
    prepare_database,
    server_env,
)
from bench.server import gunicorn
from tests.databases import postgresql_database

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("KENSA_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("KENSA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LOT = "LSMOKE-001-00001"  # Client.lot(1) of client 1 tagged SMOKE
WORKER_DEADLINE = 90.0  # seconds for the worker to print the PDFs and send the e-mail
VERSION_RE = r'id="{}-version"[^>]*value="(\d+)"|value="(\d+)"[^>]*id="{}-version"'


def _unavailable(what: str, error: Exception) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"!!! {what} is not available under CI: {error} !!!", pytrace=False)
    pytest.skip(f"!!! {what} is not available: production smoke test SKIPPED ({error}) !!!")


@pytest.fixture
def redis_url() -> str:
    try:
        Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except RedisError as error:
        _unavailable(f"Redis at {REDIS_URL}", error)
    return REDIS_URL


@pytest.fixture
def database_url() -> Iterator[str]:
    try:
        with postgresql_database(PG_SERVER) as url:
            yield url
    except OperationalError as error:
        _unavailable(f"PostgreSQL at {PG_SERVER}", error)


class Browser:
    """A user's requests session; Secure cookies carried back as the TLS-terminating proxy would."""

    def __init__(self, base: str, email: str) -> None:
        self.base, self.session = base, requests.Session()
        page = self.get("/login")
        response = self.post("/login", page, email=email, password=PASSWORD)
        if response.headers["Location"].startswith("/login/code"):
            self.enrol_second_factor()

    def enrol_second_factor(self) -> None:
        """Production requires a second factor of internal roles: enrol at first sign-in, as a person
        would with an authenticator app (pyotp computes the code from the key shown as text)."""
        gated = self.session.get(self.base + "/review", timeout=REQUEST_TIMEOUT, allow_redirects=False)
        self._carry_cookies()
        assert gated.status_code == 302 and gated.headers["Location"].startswith("/login/code")
        page = self.get("/account/two-factor")
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
        token = CSRF_RE.search(page)
        assert secret and token, "no enrolment form after a reviewer's sign-in"
        response = self.session.post(
            self.base + "/account/two-factor",
            data={"csrf_token": token.group(1), "code": pyotp.TOTP(secret.group(1)).now()},
            timeout=REQUEST_TIMEOUT,
        )
        self._carry_cookies()
        assert response.status_code == 200 and 'id="recovery-codes"' in response.text, response.text[-2000:]

    def get(self, path: str) -> str:
        response = self.session.get(self.base + path, timeout=REQUEST_TIMEOUT)
        self._carry_cookies()
        assert response.status_code == 200, (path, response.status_code)
        return response.text

    def post(self, path: str, page: str, **fields: str) -> requests.Response:
        token = CSRF_RE.search(page)
        assert token, f"no CSRF token on the page before POST {path}"
        response = self.session.post(
            self.base + path,
            data={"csrf_token": token.group(1), **fields},
            timeout=REQUEST_TIMEOUT,
            allow_redirects=False,
        )
        self._carry_cookies()
        assert response.status_code in (302, 303), (path, response.status_code, response.text[-2000:])
        return response

    def _carry_cookies(self) -> None:
        for cookie in self.session.cookies:
            cookie.secure = False


def _flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr[-3000:]}"
    return done.stdout


def _version(page: str, form: str) -> str:
    match = re.search(VERSION_RE.format(form, form), page)
    assert match, f"no {form} form on the lot page"
    return match.group(1) or match.group(2)


def _wait_for(condition, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WORKER_DEADLINE
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"the worker did not {what} in {WORKER_DEADLINE:.0f} s:\n{log.read_text()[-4000:]}")


def test_supplier_reviewer_and_scorecard_flow_on_the_production_stack(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    queue = f"kensa-smoke-{uuid.uuid4().hex[:8]}"
    env = {
        **server_env(database_url, tmp_path),
        "REDIS_URL": redis_url,
        "KENSA_JOB_QUEUE": queue,
        "MAIL_BACKEND": "console",  # the worker's log shows what it sent
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "WEB_CONCURRENCY": "2",
    }
    _flask(env, "db", "upgrade")  # the explicit step: gunicorn never migrates
    _flask(env, "seed", "demo")
    [plan] = prepare_database(env, 1, tmp_path)  # one more SIAM inspector, and its part's grid
    worker_log = tmp_path / "worker.log"
    with worker_log.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        with gunicorn(env, tmp_path, workers=2) as server:
            # The supplier: signs in, creates a lot and submits its whole sample.
            inspector = Client(server.url, plan, Tally(), requests.Session(), "SMOKE")
            assert inspector.sign_in()
            inspector.lot(1)
            assert inspector.tally.lots["submitted"] == {LOT}, inspector.tally.lots

            # The reviewer: enrols a second factor at sign-in (production requires it), finds the lot in the
            # queue, claims it and accepts it with a signature.
            reviewer = Browser(server.url, "reviewer@brand.example")
            found = re.search(rf'href="(/lots/\d+)">{LOT}<', reviewer.get("/review"))
            assert found, "the submitted lot is not in the review queue"
            lot = found.group(1)
            page = reviewer.get(lot)
            reviewer.post(f"{lot}/claim", page, version=_version(page, "claim"))
            page = reviewer.get(lot)
            reviewer.post(
                f"{lot}/decision",
                page,
                version=_version(page, "decision"),
                decision="accept",
                reason="",
                password=PASSWORD,
            )
            assert "Accepted" in reviewer.get(lot)

            # The quality manager publishes the month: version 2 (the demo published version 1).
            manager = Browser(server.url, "qm@brand.example")
            # The server's current month (the stack runs on the real clock): the newest on the index.
            current = re.search(r'href="/scorecards/(\d{4}-\d{2})"', manager.get("/scorecards"))
            assert current, "the scorecard index lists no month"
            month = current.group(1)
            # The current month is running: publishing it is publishing early, with a reason.
            page = manager.get(f"/scorecards/{month}/publish")
            response = manager.post(
                f"/scorecards/{month}/publish", page, note="Smoke test", early="y", early_reason="Smoke test"
            )
            assert response.headers["Location"].endswith(f"/scorecards/{month}?version=2")

            # The worker prints version 2 of every supplier's card and sends the managers' e-mail.
            printed = Path(env["SCORECARD_PDF_FOLDER"], month, f"SIAM-{month}-v2.pdf")
            _wait_for(printed.exists, "print the scorecard PDFs", worker_log)
            pdf_text = "".join(page.extract_text() for page in PdfReader(printed).pages)
            assert "Version 2" in pdf_text and "SIAM" in pdf_text
            _wait_for(
                lambda: "e-mail to manager@siam-precision.example" in worker_log.read_text(),
                "deliver the e-mail",
                worker_log,
            )

            # SIAM's manager downloads exactly what the worker printed, and sees the accepted lot.
            siam = Browser(server.url, "manager@siam-precision.example")
            linked = re.search(rf'href="(/scorecards/{month}/suppliers/\d+)', siam.get("/scorecards"))
            assert linked, "SIAM's manager has no link to the month's card"
            card = linked.group(1)
            assert "Published version 2" in siam.get(card)
            assert LOT in siam.get(f"{card}/lots")
            download = siam.session.get(f"{server.url}{card}/card.pdf", timeout=REQUEST_TIMEOUT)
            assert download.status_code == 200 and download.content == printed.read_bytes()
        assert "Traceback" not in server.error_log.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=120)  # a warm shutdown finishes the card it is printing
    engine = create_engine(database_url)
    with engine.connect() as conn:
        unsent = conn.execute(text("SELECT count(*) FROM outbox WHERE status <> 'sent'")).scalar_one()
        decided = conn.execute(
            text("SELECT state FROM lot WHERE lot_number = :number"), {"number": LOT}
        ).scalar_one()
    engine.dispose()
    assert unsent == 0 and decided == "accepted"
    assert "Traceback" not in worker_log.read_text()
