"""The jobs the worker runs. Each is a plain function of ids, safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, has_app_context

from app.extensions import db

log = logging.getLogger(__name__)
_app: Flask | None = None


@contextmanager
def job_context() -> Iterator[None]:
    """An app context (the worker's, or one built for this process) and a clean session after."""
    global _app  # one app per process when run outside `flask jobs worker`
    if has_app_context():
        context = None
    else:
        if _app is None:
            from app import create_app

            _app = create_app()
        context = _app.app_context()
        context.push()
    try:
        yield
    finally:
        db.session.remove()
        if context is not None:
            context.pop()


def print_publication(publication_id: int) -> int:
    """Write every PDF of a published scorecard version that is not written yet; how many."""
    from app.scorecards import files
    from app.scorecards.models import Publication

    with job_context():
        publication = db.session.get(Publication, publication_id)
        if publication is None:  # the id came from a committed transaction: this is a bug
            raise LookupError(f"publication {publication_id} does not exist")
        written = files.print_publication(publication)
        log.info(
            "publication %s (%s v%s): %d PDFs written",
            publication_id,
            publication.period,
            publication.version,
            written,
        )
        return written


def deliver_outbox() -> int:
    """Send every pending e-mail; how many were sent. Raises when some could not be sent, so that
    the worker tries the job again later (each message gives up after `MAX_ATTEMPTS` tries)."""
    from app.outbox.services import deliver_pending

    with job_context():
        total = 0
        while True:
            sent, failed = deliver_pending()
            total += sent
            if sent == 0:  # nothing left, or only what fails right now
                break
        if failed:
            raise RuntimeError(f"{failed} e-mail messages not delivered yet ({total} sent); retrying later")
        return total


def deliver_webhooks() -> int:
    """Send the webhook deliveries that are due; when retries remain, queue this job again for the
    soonest of them (the worker's scheduler runs it then: exponential backoff per delivery)."""
    from app.jobs.queue import job_queue, redis_connection
    from app.webhooks.services import deliver_due, next_due_in

    with job_context():
        delivered, _failed = deliver_due()
        wait = next_due_in()
        connection = redis_connection()
        if wait is not None and connection is not None:
            job_queue(connection).enqueue_in(
                max(wait, timedelta(seconds=1)), "app.jobs.tasks.deliver_webhooks"
            )
        return delivered
