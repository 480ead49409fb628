"""Two people acting on one lot at the same moment, with real concurrent requests on a real database.

Each request runs in its own thread with its own connection (not the suite's shared test transaction),
so SQLite's write lock and PostgreSQL's row locks decide the race as they would in production.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select

from app.audit.services import verify_chain
from app.auth.models import Role
from app.demo.certificates import certificate_with_scan
from app.extensions import db
from app.lots.models import Lot, LotState
from app.reviews import services
from app.reviews.models import Signature
from tests import factories
from tests.conftest import csrf_token, login_as, make_app
from tests.databases import scratch_database

ROUNDS = 4


@pytest.fixture
def live(tmp_path) -> Iterator[tuple[Flask, dict]]:  # type: ignore[type-arg]
    """An app on its own committed database: two reviewers, and lots of supplier A waiting for review."""
    with scratch_database(tmp_path) as url:
        application = make_app(url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
        try:
            yield application, _world(application)
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def _world(application: Flask) -> dict:  # type: ignore[type-arg]
    with application.app_context():
        upgrade()
        owner = factories.supplier("RACE")
        site = factories.site(owner, "Rayong")
        certificate_with_scan(site)
        inspector = factories.user(Role.SUPPLIER_INSPECTOR, owner)
        part = factories.part("PR-1")
        factories.approval(part, site)
        factories.released_standard(part)
        lots = [factories.submitted_lot(site, part, inspector, f"R-{i}").id for i in range(ROUNDS * 2)]
        people = {
            "first": factories.person(factories.user(Role.REVIEWER)),
            "second": factories.person(factories.user(Role.REVIEWER)),
        }
        db.session.commit()
        return {"lots": lots, **people}


def _at_once(*calls: Callable[[], int]) -> list[int]:
    """Run the calls in threads released together; their HTTP statuses, sorted."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], int]) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(call())
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return sorted(statuses)


def _client(application: Flask, who) -> tuple[FlaskClient, str]:  # type: ignore[no-untyped-def]
    client = application.test_client()
    login_as(client, who)
    return client, csrf_token(client, "/account")


def _state(application: Flask, lot_id: int) -> tuple[str, int | None, int]:
    with application.app_context():
        lot = db.session.get(Lot, lot_id)
        signatures = db.session.scalar(select(func.count(Signature.id)).where(Signature.lot_id == lot_id))
        return lot.state, lot.reviewer_id, signatures or 0


def test_two_reviewers_claiming_at_once_one_wins_the_other_is_told(live):
    application, world = live
    first, first_token = _client(application, world["first"])
    second, second_token = _client(application, world["second"])
    for lot_id in world["lots"][:ROUNDS]:
        with application.app_context():
            seen = db.session.get(Lot, lot_id).version

        def claim(client: FlaskClient, token: str, i: int = lot_id, v: int = seen) -> int:
            return client.post(f"/lots/{i}/claim", data={"csrf_token": token, "version": v}).status_code

        statuses = _at_once(lambda: claim(first, first_token), lambda: claim(second, second_token))
        assert statuses == [302, 409]
        state, reviewer, _signatures = _state(application, lot_id)
        assert state == LotState.IN_REVIEW and reviewer in (world["first"].id, world["second"].id)


def test_one_reviewer_deciding_in_two_tabs_at_once_signs_once(live):
    application, world = live
    reviewer = world["first"]
    tabs = [_client(application, reviewer), _client(application, reviewer)]
    for lot_id in world["lots"][ROUNDS:]:
        with application.app_context():
            lot = db.session.get(Lot, lot_id)
            services.claim(lot, db.session.get(type(lot.inspector), reviewer.id))
            db.session.commit()
            seen = lot.version

        def decide(tab: tuple[FlaskClient, str], decision: str, i: int = lot_id, v: int = seen) -> int:
            client, token = tab
            data = {
                "csrf_token": token,
                "version": v,
                "decision": decision,
                "reason": "race",
                "acknowledge": "y",  # the lots recommend acceptance: a rejection is acknowledged
                "password": factories.PASSWORD,
            }
            return client.post(f"/lots/{i}/decision", data=data).status_code

        statuses = _at_once(lambda: decide(tabs[0], "accept"), lambda: decide(tabs[1], "reject"))
        assert statuses == [302, 409]
        state, _reviewer, signatures = _state(application, lot_id)
        assert state in (LotState.ACCEPTED, LotState.REJECTED) and signatures == 1
    with application.app_context():
        report = verify_chain()
        assert report.intact, report
