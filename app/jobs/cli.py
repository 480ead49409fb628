"""`flask jobs worker`: run the background jobs queued on Redis."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from rq import Worker

from app.jobs.queue import job_queue, redis_connection

jobs = AppGroup("jobs", help="Background jobs on Redis (PDF batches, e-mail).")


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (for scripts and tests).")
def worker_command(burst: bool) -> None:
    """Run queued jobs until stopped (SIGTERM finishes the current job first).

    Each job runs in a process forked for it, so WeasyPrint's memory goes with the job; the worker's
    scheduler retries failed jobs after 10 s, 1 min and 5 min.
    """
    connection = redis_connection()
    if connection is None:
        raise click.ClickException(
            "REDIS_URL is not set, so nothing is queued: print PDFs with `flask scorecards pdf` and "
            "send e-mail with `flask outbox send` instead."
        )
    worker = Worker([job_queue(connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
