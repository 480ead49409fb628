"""SQLite as a multi-process server's database: pragmas, explicit transactions, fair writers.

Imported by `create_app`; the engine events below apply to every SQLite connection and do nothing
on PostgreSQL.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Writers wait this long for SQLite's lock instead of failing at once.
SQLITE_BUSY_TIMEOUT_MS = 5000
# Where a request keeps its SQLite writer's turn (`g`): the open file holding the flock.
WRITER_TURN = "kensa_sqlite_writer_turn"
# The statements before which pysqlite began a transaction (and SAVEPOINT, which it mishandled).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # type: ignore[no-untyped-def]
    """WAL, foreign keys and a busy timeout on every SQLite connection; `_sqlite_begin` begins."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transactions begin only before INSERT/UPDATE/DELETE: a request's reads before
    # its first write ran outside them, on an older snapshot than the write (the audit chain's head
    # read so, and forked). The driver is left in autocommit and `_sqlite_begin` says BEGIN
    # (SQLAlchemy's pysqlite recipe for serializable transactions and savepoints).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
    """BEGIN on SQLite, as SQLAlchemy's transaction begins, not as pysqlite guesses.

    A request with an unsafe method (one that may write) takes its writer's turn and begins
    IMMEDIATE at its first statement: it holds the write lock from its first read. A deferred
    transaction that read first cannot wait when it comes to write after another writer committed:
    SQLite fails it at once with "database is locked" (SQLITE_BUSY_SNAPSHOT in WAL). Other requests
    begin deferred there: readers never wait. Outside a request (CLI, jobs) the reads before the
    first write run on their own, as pysqlite ran them, and the first write (or SAVEPOINT) begins
    IMMEDIATE, so that a job that read waits for a concurrent writer instead of failing. Here
    rather than in the "begin" event so that a BEGIN already said (the test suite's) is left alone.
    """
    if conn.dialect.name != "sqlite" or not conn.in_transaction():
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.in_transaction or conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    from app.web import SAFE_METHODS

    if not has_request_context():
        if statement.lstrip()[:9].upper().startswith(_WRITES):
            dbapi_connection.execute("BEGIN IMMEDIATE")
    elif request.method in SAFE_METHODS:
        dbapi_connection.execute("BEGIN")
    else:
        _take_writer_turn(conn.engine.url.database)
        dbapi_connection.execute("BEGIN IMMEDIATE")


def _take_writer_turn(database: str | None) -> None:
    """Wait, at most the busy timeout, for this request's turn to write to the SQLite file.

    SQLite's busy handler is not fair: a writer that has waited a while polls every 100 ms and
    keeps losing the lock to fresh ones (waits of 12 s under 50 clients, past any timeout). The
    app's writers queue on an flock beside the database instead, which the kernel hands on as soon
    as it is free; SQLite's own wait is then only for writers outside a request (CLI, jobs). The
    turn ends with the transaction (`end_writer_turn`), and with the process if it dies.
    """
    if not database or database == ":memory:" or WRITER_TURN in g:
        return
    fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not _wait_for_turn(fd, SQLITE_BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked (no writer's turn in time)") from None
    setattr(g, WRITER_TURN, fd)


def _wait_for_turn(fd: int, seconds: float) -> bool:
    """Block on the flock in a helper thread for at most `seconds`; a turn given up is closed."""
    taken, guard, gave_up = threading.Event(), threading.Lock(), threading.Event()

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with guard:
            if gave_up.is_set():
                os.close(fd)
            else:
                taken.set()

    threading.Thread(target=wait, name="sqlite-writer-turn", daemon=True).start()
    if taken.wait(seconds):
        return True
    with guard:
        if taken.is_set():
            return True
        gave_up.set()
    return False


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def end_writer_turn(*_args: object) -> None:
    """Give the SQLite writer's turn to the next request (closing the file releases the flock)."""
    if has_app_context():
        fd = g.pop(WRITER_TURN, None)
        if fd is not None:
            os.close(fd)
