"""Background jobs: queued on Redis only once their transaction commits, run by the worker's tasks,
and never a reason for a request to fail."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import patch

import pytest
from pypdf import PdfReader
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import select

from app.clock import utcnow
from app.extensions import db
from app.jobs import tasks
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import queue_email
from app.scorecards import services
from app.scorecards.periods import Period
from tests.conftest import csrf_token, login_as

REDIS_URL = os.environ.get("KENSA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def queue(app, monkeypatch) -> Iterator[Queue]:  # type: ignore[no-untyped-def]
    """A queue of this test's own on the real Redis, named in the app's config."""
    connection = Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        connection.ping()
    except RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"!!! Redis at {REDIS_URL} does not answer under CI: {error} !!!", pytrace=False)
        pytest.skip(f"!!! Redis at {REDIS_URL} does not answer: job tests skipped ({error}) !!!")
    name = f"kensa-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOB_QUEUE", name)
    monkeypatch.setitem(app.extensions, "kensa.redis", None)
    job_queue = Queue(name, connection=connection)
    yield job_queue
    job_queue.delete(delete_jobs=True)


def _queued(queue: Queue) -> list[tuple[str, tuple]]:
    return [(job.func_name, tuple(job.args)) for job in queue.get_jobs()]


EARLY = {"early": "y", "early_reason": "The month is running"}  # the current month has not ended


def _month() -> Period:
    period = Period.parse(utcnow().strftime("%Y-%m"))
    assert period is not None
    return period


def test_publishing_queues_the_printing_of_its_pdfs_once_committed(client, app, world, queue):
    login_as(client, world.quality_manager)
    response = client.post(
        f"/scorecards/{_month().key}/publish",
        data={"csrf_token": csrf_token(client, "/scorecards"), "note": "Month end", **EARLY},
    )
    assert response.status_code == 302
    with app.app_context():
        publication = services.latest_publication(_month())
        assert publication is not None and publication.version == 2
        publication_id = publication.id
    jobs = _queued(queue)
    assert ("app.jobs.tasks.print_publication", (publication_id,)) in jobs
    # The suppliers' managers' e-mails went to the outbox in the same transaction: one delivery job.
    assert jobs.count(("app.jobs.tasks.deliver_outbox", ())) == 1


def test_a_rolled_back_transaction_queues_nothing(app, world, queue):
    with app.app_context():
        queue_email("someone@example.com", "Subject", "Body")
        db.session.rollback()
        db.session.commit()
    assert _queued(queue) == []


def test_without_redis_nothing_is_queued_and_the_request_works(client, app, world):
    assert app.config["REDIS_URL"] is None
    with app.app_context():
        queue_email("someone@example.com", "Subject", "Body")
        assert db.session.info.get("kensa.jobs") is None
        db.session.commit()


def test_a_redis_outage_is_logged_and_never_fails_the_request(client, app, world, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    monkeypatch.setitem(app.extensions, "kensa.redis", None)
    login_as(client, world.quality_manager)
    with caplog.at_level(logging.ERROR, logger="app.jobs.queue"):
        response = client.post(
            f"/scorecards/{_month().key}/publish",
            data={"csrf_token": csrf_token(client, "/scorecards"), "note": "", **EARLY},
        )
    assert response.status_code == 302
    with app.app_context():
        assert services.latest_publication(_month()).version == 2  # committed all the same
    assert "print_publication" in caplog.text and "the CLI can do it" in caplog.text


def test_the_print_job_writes_each_card_once_and_the_portal_serves_it(client, app, world, tmp_path: Path):
    app.config["SCORECARD_PDF_FOLDER"], before = str(tmp_path), app.config["SCORECARD_PDF_FOLDER"]
    try:
        with app.app_context():
            publication = services.latest_publication(_month())
            assert publication is not None
            publication_id, version = publication.id, publication.version
            digest = services.published_card(_month(), world.supplier_a, version).digest
        with app.app_context():  # the worker's: `flask jobs worker` runs in the app's context
            assert tasks.print_publication(publication_id) == 2  # suppliers A and B
            assert tasks.print_publication(publication_id) == 0  # a retried job redoes nothing
        printed = tmp_path / _month().key / f"ALPHA-{_month().key}-v{version}.pdf"
        text = "".join(page.extract_text() for page in PdfReader(printed).pages)
        assert digest in text and f"Version {version}" in text
        login_as(client, world.manager_a)
        response = client.get(f"/scorecards/{_month().key}/suppliers/{world.supplier_a}/card.pdf")
        assert response.status_code == 200
        assert response.data == printed.read_bytes()  # served as printed, not printed again
        response.close()
    finally:
        app.config["SCORECARD_PDF_FOLDER"] = before


def test_the_delivery_job_sends_every_pending_message(app, world):
    with app.app_context():
        for n in range(3):
            queue_email(f"person{n}@example.com", "Subject", "Body")
        db.session.commit()
    with app.app_context():
        assert tasks.deliver_outbox() >= 3
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.status).distinct()).all() == [OutboxStatus.SENT]


def test_a_failing_message_is_tried_once_per_run_and_the_job_fails_to_be_retried(app, world):
    with app.app_context():
        queue_email("person@example.com", "Subject", "Body")
        db.session.commit()
    with (
        app.app_context(),
        patch("app.outbox.services._send", side_effect=OSError("mail server down")),
        pytest.raises(RuntimeError, match="1 e-mail messages not delivered yet"),  # the worker retries
    ):
        tasks.deliver_outbox()
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert message.attempts == 1 and message.status == OutboxStatus.PENDING
        assert message.last_error == "mail server down"


def test_the_worker_command_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output and "flask scorecards pdf" in result.output
