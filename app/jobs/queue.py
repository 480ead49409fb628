"""Queueing a job once the database transaction that asked for it has committed.

A job queued before its commit could run before its rows are visible to the worker, and a job of a
rolled-back transaction must not run at all: jobs wait in the session's `info` until `after_commit`
and are dropped on rollback. A Redis outage never fails the request: the data is committed, the
CLI can do the work (`flask outbox send`, `flask scorecards pdf`), and the failure is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)
PENDING_KEY = "kensa.jobs"
# A failed job is tried again after 10 s, 1 min and 5 min (the worker runs with its scheduler).
RETRY = Retry(max=3, interval=[10, 60, 300])
JOB_TIMEOUT = 30 * 60  # a publication of a few hundred suppliers prints in minutes


def redis_connection() -> Redis | None:
    """This process's connection to `REDIS_URL`, or None when there is no Redis."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    connection = current_app.extensions.get("kensa.redis")
    if connection is None:
        connection = current_app.extensions["kensa.redis"] = Redis.from_url(url, socket_timeout=5)
    return connection


def job_queue(connection: Redis) -> Queue:
    return Queue(current_app.config["JOB_QUEUE"], connection=connection, default_timeout=JOB_TIMEOUT)


def enqueue_after_commit(task: str, *args: Any) -> bool:
    """Queue `app.jobs.tasks.<task>(*args)` when this transaction commits (once, however often
    asked); False when there is no Redis, so the caller knows the CLI will have to do it."""
    if not current_app.config.get("REDIS_URL"):
        return False
    pending: list[tuple[str, tuple[Any, ...]]] = db.session.info.setdefault(PENDING_KEY, [])
    if (task, args) not in pending:
        pending.append((task, args))
    return True


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context():
        return
    connection = redis_connection()
    if connection is None:
        return
    queue = job_queue(connection)
    for task, args in pending:
        try:
            queue.enqueue_call(f"app.jobs.tasks.{task}", args=args, retry=RETRY, description=f"{task}{args}")
        except RedisError as error:
            log.error("job %s%s not queued (Redis: %s); the CLI can do it", task, args, error)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
