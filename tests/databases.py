"""Scratch databases for tests: a SQLite file, or a fresh PostgreSQL database when
KENSA_TEST_DATABASE_URL names a PostgreSQL server (any database on it; a new one is created)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_SERVER_URL = os.environ.get("KENSA_TEST_DATABASE_URL")


def backend_name() -> str:
    """'postgresql' when the suite runs against PostgreSQL, else 'sqlite'."""
    return "postgresql" if PG_SERVER_URL else "sqlite"


@contextmanager
def scratch_database(folder: Path) -> Iterator[str]:
    """Yield the URL of an empty database that is dropped afterwards."""
    if not PG_SERVER_URL:
        yield f"sqlite:///{folder / f'kensa-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    with postgresql_database(PG_SERVER_URL) as url:
        yield url


@contextmanager
def postgresql_database(server_url: str) -> Iterator[str]:
    """Yield the URL of a new, empty database on the PostgreSQL server of `server_url`; dropped after."""
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"kensa_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
