"""Fast inserts of many rows with explicit ids: COPY on PostgreSQL, prepared executemany on SQLite.

On PostgreSQL the foreign keys of the tables being loaded are dropped for the load and added back
before the commit (`foreign_keys_after`): each row would otherwise fire one check per foreign key
(15 million for the measurements), five times the cost of the COPY itself, where adding a
constraint back checks all rows in one join. Measured on 2 million measurements: COPY 45.7 s
with the foreign keys, 8.3 s without them plus 1.1 s to add them back. Dropping the secondary
indexes as well saved another 20 % of the measurements' COPY (6.6 s with the index builds): not
worth changing more of the schema for. On SQLite, switching the foreign keys off saved about 10 %.

Rows go straight to the driver, so the column types' bind processors (what SQLAlchemy would do
to each value: JSON to text, aware datetimes to UTC, on SQLite dates and decimals to what it
stores) are applied here, and the Python-side scalar defaults of the columns a row leaves out
(a user's locale, a supplier's status) filled in; a column with a callable default must be given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, text

BATCH = 50_000  # rows per executemany on SQLite
# SQLite's page cache for the load, in KiB (its default is 2 MiB): with the default, the random
# inserts into the audit trail's unique hash index write dirty pages out again and again within the
# transaction (431,000 events: 17.8 s to insert, 9.5 s with a 200 MiB cache).
LOAD_CACHE_KIB = 131_072


def insert_dicts(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows given as dicts (all with the same keys); returns how many.

    `rows` may be a generator: it is read as it goes, like `insert_tuples`'s.
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    given = list(first)
    defaults = _scalar_defaults(table, given)
    columns = given + list(defaults)
    processors = [_processor(conn, table, name) for name in columns]
    fill = tuple(defaults.values())
    values = itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
    tuples = (
        tuple(
            value if process is None else process(value)
            for process, value in zip(processors, values(row) + fill, strict=True)
        )
        for row in chain((first,), iterator)
    )
    return insert_tuples(conn, table, columns, tuples)


def insert_tuples(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Insert rows given as tuples of values the driver takes as they are; returns how many.

    `rows` may be a generator: it is read as it goes (in batches on SQLite), never held whole.
    """
    if conn.dialect.name == "postgresql":
        return _copy(conn, table, columns, rows)
    if conn.dialect.name != "sqlite":
        raise ValueError(f"bulk loads need PostgreSQL or SQLite, not {conn.dialect.name}")
    preparer = conn.dialect.identifier_preparer
    names = ", ".join(preparer.quote(c) for c in columns)
    sql = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
    done = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        conn.exec_driver_sql(sql, batch)
        done += len(batch)
    return done


def _copy(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY ... FROM STDIN through psycopg 3, on the connection's transaction."""
    preparer = conn.dialect.identifier_preparer
    sql = f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(c) for c in columns)}) FROM STDIN"
    done = 0
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
        write = copy.write_row
        for row in rows:
            write(row)
            done += 1
    return done


def _scalar_defaults(table: Table, given: Sequence[str]) -> dict[str, Any]:
    defaults = {}
    for column in table.columns:
        if column.name in given or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"{table.name}.{column.name} has a computed default: give it in every row")
        defaults[column.name] = column.default.arg  # type: ignore[attr-defined]
    return defaults


def _processor(conn: Connection, table: Table, name: str) -> Callable[[Any], Any] | None:
    dialect = conn.dialect
    return table.columns[name].type.dialect_impl(dialect).bind_processor(dialect)


def move_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """On PostgreSQL, set each table's id sequence to its largest id, so that new rows follow."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
        conn.exec_driver_sql(f'SELECT setval({sequence}, (SELECT max(id) FROM "{name}"))')  # noqa: S608


@contextmanager
def foreign_keys_after(conn: Connection, tables: Iterable[str]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' foreign keys for the block, then add them back as they were.

    Their definitions come from the catalogue, so they return exactly as the migrations made them;
    adding them back checks every row. All within the caller's transaction: a failure undoes it all.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    found = conn.execute(
        text(
            "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_class c ON c.oid = con.conrelid WHERE con.contype = 'f' "
            "AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(:names) "
            "ORDER BY c.relname, con.conname"
        ),
        {"names": list(tables)},
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for table, name, _definition in found:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    for table, name, definition in found:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


@contextmanager
def page_cache(conn: Connection, kib: int = LOAD_CACHE_KIB) -> Iterator[None]:
    """On SQLite, a page cache of `kib` KiB for the block, then the connection's own again."""
    if conn.dialect.name != "sqlite":
        yield
        return
    own = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(own or -2000)}")
