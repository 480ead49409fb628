"""Fixtures of the browser tests: a real server process on its own scratch database, and Chromium.

The server runs `create_app("testing")` (real CSRF, MAIL_BACKEND "null", e-mail left pending in
the outbox) on a database migrated and seeded with `flask db upgrade` and `flask seed demo`.
Tests read e-mail from the outbox table directly. Every test gets a fresh browser context.

Sign-in lockout is per account and per client address, and every browser test comes from
127.0.0.1: the whole browser suite may fail at most 4 sign-ins.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright
from sqlalchemy import create_engine

from tests.browser.helpers import LiveServer, sign_in
from tests.clock import TEST_START
from tests.databases import scratch_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TIMEOUT_MS = 10_000
SERVER_START_TIMEOUT = 20.0

expect.set_options(timeout=TIMEOUT_MS)


# --- marking and reports -----------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is a `browser` test."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the item, so that fixtures can tell that a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is not None and report.failed


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    """No chromium: a loud failure under CI, a loud skip elsewhere."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"!!! {CHROMIUM} is missing: browser tests cannot run under CI !!!", pytrace=False)
    pytest.skip(f"!!! chromium missing ({CHROMIUM}): browser tests SKIPPED !!!")


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PUBLIC_BASE_URL", None)  # e-mailed links must point at this server
    env.update(
        FLASK_APP="wsgi",
        KENSA_CONFIG="testing",
        DATABASE_URL=database_url,
        KENSA_CLOCK_START=TEST_START.isoformat(),  # the server's clock agrees with the tests'
        PYTHONUNBUFFERED="1",
    )
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"`flask {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the Kensa server exited with {process.returncode} at start:\n{log.read_text()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(
        f"the Kensa server did not answer {url}/healthz in {SERVER_START_TIMEOUT:.0f} s:\n{log.read_text()}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A migrated, demo-seeded database and a real server process on a free port."""
    folder = tmp_path_factory.mktemp("browser")
    with scratch_database(folder) as database_url:
        env = _server_env(database_url)
        _flask(env, "db", "upgrade")
        _flask(env, "seed", "demo")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = folder / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.browser.serve", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        engine = create_engine(database_url)
        try:
            _wait_until_up(url, process, log)
            yield LiveServer(url, database_url, engine, log, process)
        finally:
            _stop(process)
            engine.dispose()
        if process.returncode not in (0, -15):
            print(f"\nthe Kensa server ended with {process.returncode}:\n{log.read_text()}")


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Page]]:
    """Make pages, each in a fresh context (own cookies); a failed test leaves screenshots."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = _failed(request)
    for n, context in enumerate(contexts):
        if failed:
            for m, page in enumerate(context.pages):
                shot = tmp_path / f"failure-{n}-{m}.png"
                try:
                    page.screenshot(path=shot, full_page=True)
                    print(f"\nscreenshot of {page.url}: {shot}")
                except Exception as error:  # a crashed page must not hide the test's failure
                    print(f"\nno screenshot of {page.url}: {error}")
        context.close()
    if failed and live_server.process.poll() is not None:
        print(f"\nthe Kensa server has died ({live_server.process.returncode}):\n{live_server.log_tail()}")


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """A page in a fresh browser context."""
    return new_page()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions of `page`."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


# --- pages of a signed-in role (tests/browser/pages.py) ----------------------------------------


@pytest.fixture(scope="module")
def signed_in(browser: Browser, live_server: LiveServer) -> Callable[[str], dict]:  # type: ignore[type-arg]
    """The cookies of each demo user, signed in once per module: `signed_in(email)`."""
    states: dict[str, dict] = {}  # type: ignore[type-arg]

    def state(email: str) -> dict:  # type: ignore[type-arg]
        if email not in states:
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            sign_in(page, email)
            expect(page).to_have_url(f"{live_server.url}/home")
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return state


@pytest.fixture
def page_of(
    browser: Browser,
    live_server: LiveServer,
    signed_in: Callable[[str], dict],  # type: ignore[type-arg]
    request: pytest.FixtureRequest,
) -> Iterator[Callable[[str, int], Page]]:
    """A page of a signed-in user at a viewport width: `page_of(email, 390)`; a failed test names the
    page it was on."""
    contexts = []

    def make(email: str, width: int) -> Page:
        context = browser.new_context(
            base_url=live_server.url, storage_state=signed_in(email), viewport={"width": width, "height": 800}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        if _failed(request):
            for page in context.pages:
                print(f"\nfailed on {page.url}")
        context.close()
