"""Fixtures: one migrated database per run, each test inside a transaction that is rolled back."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import Connection, delete, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app import create_app, kept
from app.api.tokens import create_token
from app.auth.models import Role
from app.auth.sessions import SECOND_FACTOR_DONE, SIGNED_IN_AT
from app.clock import TestClock, utcnow
from app.clock import install as install_clock
from app.demo.certificates import certificate_with_scan
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.reviews import notices
from app.reviews.services import Decision, claim, decide
from app.scars import files as scar_files
from app.scars import notices as scar_notices
from app.scars import services as scar_services
from app.scorecards import services as scorecard_services
from app.scorecards import subscribers as scorecard_subscribers
from app.scorecards.periods import Period
from app.webhooks.services import create_webhook
from config import TestingConfig
from tests import factories
from tests.clock import TEST_CLOCK, TEST_START
from tests.databases import backend_name, scratch_database
from tests.factories import PASSWORD


def pytest_report_header() -> str:
    return f"kensa database backend: {backend_name()}; the clock starts at {TEST_START.isoformat()}"


install_clock(TEST_CLOCK)  # before the test modules are imported: see tests/clock.py


def pytest_sessionfinish() -> None:
    """Cancel the rate limiter's expiry timers, so that the interpreter can exit.

    Each app's memory storage (limits' MemoryStorage) keeps a non-daemon `threading.Timer` of 10 ms.
    Under libfaketime (`make test-clock`) such a timed wait never ends, and the run would hang
    after its last test while Python joins the timers.
    """
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.fixture(autouse=True)
def clock() -> TestClock:
    """The app's clock, back at TEST_START for every test; `advance` and `set` move it."""
    TEST_CLOCK.set(TEST_START)
    return TEST_CLOCK


def make_app(database_url: str, **overrides: object) -> Flask:
    """An app on the given database, with the testing config."""
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url  # type: ignore[misc]
    for key, value in overrides.items():
        setattr(config, key, value)
    return create_app(config)


def _sqlite_savepoints(engine) -> None:  # type: ignore[no-untyped-def]
    """pysqlite needs explicit BEGIN for SAVEPOINTs to work (SQLAlchemy's documented recipe)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection, record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory):
    with scratch_database(tmp_path_factory.mktemp("db")) as url:
        application = make_app(
            url,
            UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
            SCORECARD_PDF_FOLDER=str(tmp_path_factory.mktemp("scorecards")),
        )
        with application.app_context():
            upgrade()
            _sqlite_savepoints(db.engine)
        yield application
        with application.app_context():
            db.engine.dispose()


@contextmanager
def _session_on(application: Flask, connection: Connection) -> Iterator[None]:
    """db.session bound to `connection`: requests commit as usual, and with
    join_transaction_mode="create_savepoint" their commits only release savepoints of the
    transaction the connection is in."""
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, class_=Session, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield
    finally:
        with application.app_context():
            db.session.remove()
        db.session = original


def _shares_world(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("shared_world") is not None


@pytest.fixture(scope="module")
def _module_connection(app: Flask) -> Iterator[Connection]:
    """The one connection of a `shared_world` module, in a transaction rolled back after it."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    try:
        yield connection
    finally:
        transaction.rollback()
        connection.close()


@dataclass(frozen=True)
class _SharedWorld:
    rows: SimpleNamespace
    built_at: datetime  # each test of the module starts its clock here, after every world record


@pytest.fixture(scope="module")
def _module_world(app: Flask, _module_connection: Connection) -> _SharedWorld:
    """The world of a `shared_world` module, built once in its transaction from TEST_START."""
    TEST_CLOCK.set(TEST_START)
    with _session_on(app, _module_connection):
        rows = build_world(app)
    return _SharedWorld(rows, TEST_CLOCK.now())


@pytest.fixture(autouse=True)
def _rollback(request: pytest.FixtureRequest, clock: TestClock) -> Iterator[None]:
    """Run every database test inside a transaction that is rolled back at the end.

    A test gets a connection and transaction of its own. In a module marked `shared_world`, every
    test runs in a savepoint of the module's transaction instead, where the world was built once.
    """
    if "app" not in request.fixturenames:
        yield
        return
    application: Flask = request.getfixturevalue("app")
    if _shares_world(request):
        # Built before the test's savepoint, so that it outlives it.
        clock.set(request.getfixturevalue("_module_world").built_at)
        connection = request.getfixturevalue("_module_connection")
        transaction = connection.begin_nested()
    else:
        with application.app_context():
            connection = db.engine.connect()
        transaction = connection.begin()
    try:
        with _session_on(application, connection):
            yield
    finally:
        transaction.rollback()
        # The rollback frees the test's ids (SQLite reuses them, and the clock repeats): the next test's
        # lots may have this test's ids and times but other values, so no chart kept for them may outlive it.
        kept.forget(application)
        if not _shares_world(request):
            connection.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def world(request: pytest.FixtureRequest, app: Flask) -> SimpleNamespace:
    """Two suppliers, each with a site, an inspector, a manager, and a part approved only for it
    (with a released standard and a switching record), and the brand's staff; lots in each state,
    SCARs, files, notifications and the current month's published scorecards.

    Built for each test; a module marked `shared_world` (`pytestmark = pytest.mark.shared_world`)
    builds it once, and each of its tests runs in a savepoint of that world, rolled back after it.
    """
    if _shares_world(request):
        return request.getfixturevalue("_module_world").rows
    return build_world(app)


def build_world(app: Flask) -> SimpleNamespace:
    """The `world` fixture's records, made through the real services; ids and people, no ORM rows."""
    with app.app_context():
        a, b = factories.supplier("ALPHA"), factories.supplier("BRAVO")
        rows = dict(
            supplier_a=a,
            supplier_b=b,
            site_a=factories.site(a, "Chonburi"),
            site_b=factories.site(b, "Wuxi"),
            inspector_a=factories.user(Role.SUPPLIER_INSPECTOR, a),
            manager_a=factories.user(Role.SUPPLIER_MANAGER, a),
            inspector_b=factories.user(Role.SUPPLIER_INSPECTOR, b),
            manager_b=factories.user(Role.SUPPLIER_MANAGER, b),
            reviewer=factories.user(Role.REVIEWER),
            quality_manager=factories.user(Role.QUALITY_MANAGER),
            admin=factories.user(Role.ADMIN),
        )
        # A certificate with a stored scan per supplier, for the matrix rows of its download route.
        rows.update(
            certificate_a=certificate_with_scan(rows["site_a"]),
            certificate_b=certificate_with_scan(rows["site_b"]),
        )
        part_a, part_b = factories.part("PA-100"), factories.part("PB-200")
        rows.update(
            part_a=part_a,
            part_b=part_b,
            approval_a=factories.approval(part_a, rows["site_a"]),
            approval_b=factories.approval(part_b, rows["site_b"]),
            revision_a=factories.released_standard(part_a),
            revision_b=factories.released_standard(part_b),
            switching_a=factories.switching_record(part_a, a),
            switching_b=factories.switching_record(part_b, b),
        )
        rows["standard_a"], rows["standard_b"] = rows["revision_a"].standard, rows["revision_b"].standard
        rows.update(
            lot_a=factories.lot(rows["site_a"], part_a, rows["inspector_a"], "A-0001"),
            lot_b=factories.lot(rows["site_b"], part_b, rows["inspector_b"], "B-0001"),
        )
        rows.update(
            lot_file_a=factories.lot_attachment(rows["lot_a"], rows["inspector_a"]).attachment,
            lot_file_b=factories.lot_attachment(rows["lot_b"], rows["inspector_b"]).attachment,
        )
        # Submitted lots, and one in review claimed by the reviewer, for the review routes.
        rows.update(
            submitted_a=factories.submitted_lot(rows["site_a"], part_a, rows["inspector_a"], "A-0002"),
            submitted_b=factories.submitted_lot(rows["site_b"], part_b, rows["inspector_b"], "B-0002"),
            in_review_a=factories.submitted_lot(rows["site_a"], part_a, rows["inspector_a"], "A-0003"),
        )
        claim(rows["in_review_a"], rows["reviewer"])
        # A decided (accepted) lot per supplier, for the inspection report; decided without notices,
        # so that the suppliers' people keep exactly the world's one notification each.
        rows.update(
            decided_a=factories.submitted_lot(rows["site_a"], part_a, rows["inspector_a"], "A-0004"),
            decided_b=factories.submitted_lot(rows["site_b"], part_b, rows["inspector_b"], "B-0003"),
        )
        with patch.object(notices, "lot_decided"):
            for decided in (rows["decided_a"], rows["decided_b"]):
                claim(decided, rows["reviewer"])
                decide(decided, rows["reviewer"], Decision.ACCEPT, reason="", password=PASSWORD, version=None)
        # A SCAR per supplier, for the matrix rows of the SCAR routes; raised without notices too.
        with patch.object(scar_notices, "notify"):
            for x, part in (("a", part_a), ("b", part_b)):
                owner = rows[f"supplier_{x}"].id
                data = scar_services.ScarInput(owner, part.id, "major", "other", "Title", "Problem")
                rows[f"scar_{x}"] = scar_services.raise_scar(data, rows["reviewer"])
        # One notification per person, for the matrix rows of the notification routes.
        people = [(k, v) for k, v in rows.items() if hasattr(v, "role")]
        rows.update({f"notification_{k}": factories.notification(v) for k, v in people})
        # A file on each SCAR, for the matrix rows of the SCAR file routes.
        for x in ("a", "b"):
            upload = factories.pdf_upload("8d.pdf")
            link = scar_files.attach(rows[f"scar_{x}"], upload, "", "D3", rows["reviewer"])
            rows[f"scar_file_{x}"] = link.attachment
        # The current month's scorecards, published, for the matrix rows of the card routes.
        with patch.object(scorecard_subscribers, "notify"):
            month = Period.containing(utcnow().date())
            rows["publication"] = scorecard_services.publish(
                month, rows["quality_manager"], early_reason="The matrix needs a card"
            )
        # An API token per supplier, for the API rows of the matrix (the secrets kept beside the ids).
        for x in ("a", "b"):
            rows[f"token_{x}"], rows[f"token_{x}_secret"] = create_token(
                rows[f"supplier_{x}"].id, "MES", None
            )
            events = ["lot.decided", "lot.returned"]
            rows[f"webhook_{x}"] = create_webhook(
                rows[f"supplier_{x}"].id, "https://127.0.0.1/hook", events, None
            )
        # The submissions and decisions above e-mailed people; tests start with an empty outbox.
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
        return SimpleNamespace(
            **{
                k: factories.person(v) if hasattr(v, "role") else v if isinstance(v, str) else v.id
                for k, v in rows.items()
            }
        )


def login_as(client: FlaskClient, who: factories.Person | None) -> None:
    """Put the user's identity in the client's session, as Flask-Login does after sign-in."""
    with client.session_transaction() as session:
        session.clear()
        if who is not None:
            session["_user_id"] = f"{who.id}:{who.session_token}"
            session["_fresh"] = True
            session[SIGNED_IN_AT] = utcnow().timestamp()
            session[SECOND_FACTOR_DONE] = True


CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """A valid CSRF token for the client's session, read from a page's form."""
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def count_page_statements(app: Flask, client: FlaskClient, url: str) -> tuple[int, str]:
    """The SQL statements one GET of `url` runs (it must answer 200), and the page."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    return len(statements), response.get_data(as_text=True)
