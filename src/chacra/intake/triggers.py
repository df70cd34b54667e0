"""SpatiaLite's per-row insert triggers, done once for a whole batch of new rows.

SpatiaLite keeps its geometry columns honest with triggers that fire for every inserted row: one
checks the geometry's type and SRID against ``geometry_columns`` (``ggi_``), one stamps
``geometry_columns_time`` (``tmi_``) and one adds the row's box to the column's R*Tree
(``gii_``). For 30,000 plots and their geometry versions that is 330,000 trigger runs, most of
an import's insert time. :func:`insert_triggers_batched` drops those triggers for the length of
a batch insert and then does their work with one statement each over the new rows: the same
check (one query; any failure aborts the import as the trigger's ``RAISE(ROLLBACK)`` would),
one ``RTreeAlign`` pass, one time stamp. The triggers are re-created from their own saved SQL.

All of it happens inside the import's transaction (SQLite's DDL is transactional): another
connection never sees the table without its triggers, and an import that fails part-way rolls
back the dropped triggers with the rows. Other backends (PostGIS) have no such triggers: there
it does nothing. Triggers chacra does not know stay in place and fire as usual.

Only a batch of :data:`BATCHED_FROM` rows or more is done so. Dropping a trigger changes the
schema, which every other connection then reads again, and while the import's transaction holds
that change a connection sharing SQLite's cache (the test server's in-memory database) cannot
read at all; a web upload of a few dozen rows, whose page polls its progress, keeps the triggers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import connections, models, router, transaction

from chacra.errors import ChacraError

# SpatiaLite's names for its insert triggers: <kind>_<table>_<column>
KINDS = ("ggi", "tmi", "gii")
_BODY = {  # what each kind's body must say for it to be taken as SpatiaLite's own
    "ggi": "GeometryConstraints(NEW.",
    "tmi": "UPDATE geometry_columns_time SET last_insert",
    "gii": "SELECT RTreeAlign(",
}


def _spatialite(connection: Any) -> bool:
    return connection.vendor == "sqlite" and bool(getattr(connection.ops, "spatialite", False))


def _saved(cursor: Any, table: str) -> list[tuple[str, str, str, str]]:
    """(name, kind, column, sql) of the SpatiaLite insert triggers on ``table``."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
        [table],
    )
    found = []
    for name, sql in cursor.fetchall():
        kind = name[:3]
        column = name[len(kind) + 1 + len(table) + 1 :]
        if (
            kind in KINDS
            and name == f"{kind}_{table}_{column}"
            and re.search(r"\bAFTER INSERT ON\b|\bBEFORE INSERT ON\b", sql)
            and _BODY[kind] in sql
        ):
            found.append((name, kind, column, sql))
    return found


def _catch_up(cursor: Any, table: str, kind: str, column: str, last: int) -> None:
    """The work of one dropped trigger, for every row past ``last``."""
    q = f'"{column}"'
    if kind == "ggi":  # the trigger's query, with geometry_columns read once
        cursor.execute(
            "SELECT geometry_type, srid FROM geometry_columns WHERE Lower(f_table_name) = "
            "Lower(%s) AND Lower(f_geometry_column) = Lower(%s)",
            [table, column],
        )
        allowed = cursor.fetchone() or (None, None)
        cursor.execute(
            f'SELECT rowid FROM "{table}" WHERE rowid > %s '  # noqa: S608
            f"AND GeometryConstraints({q}, %s, %s) IS NOT 1 LIMIT 1",
            [last, *allowed],
        )
        bad = cursor.fetchone()
        if bad is not None:  # what the trigger's RAISE(ROLLBACK) says, and the import stops
            raise ChacraError(
                f"{table}.{column} violates Geometry constraint [geom-type or SRID not allowed] "
                f"(row {bad[0]})"
            )
    elif kind == "gii":
        index = f"idx_{table}_{column}"
        cursor.execute(f'DELETE FROM "{index}" WHERE pkid > %s', [last])  # noqa: S608
        cursor.execute(
            f'SELECT count(RTreeAlign(%s, rowid, {q})) FROM "{table}" '  # noqa: S608
            f"WHERE rowid > %s AND {q} IS NOT NULL",
            [index, last],
        )
    else:  # tmi: once for the batch
        cursor.execute(
            "UPDATE geometry_columns_time SET last_insert = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', "
            "'now') WHERE Lower(f_table_name) = Lower(%s) AND Lower(f_geometry_column) = Lower(%s)",
            [table, column],
        )


@contextmanager
def _batched(model: type[models.Model]) -> Iterator[None]:
    connection: Any = connections[router.db_for_write(model)]
    if not _spatialite(connection):
        yield
        return
    table = model._meta.db_table
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        triggers = _saved(cursor, table)
        for name, *_ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        # after a write: this transaction holds SQLite's write lock, no one else adds rows
        cursor.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{table}"')  # noqa: S608
        (last,) = cursor.fetchone()
        yield
        for _name, kind, column, _sql in triggers:
            _catch_up(cursor, table, kind, column, last)
        for _name, *_, sql in triggers:
            cursor.execute(sql)


#: Batches smaller than this keep the per-row triggers (a few ms for them; see the docstring).
BATCHED_FROM = 1000


@contextmanager
def insert_triggers_batched(
    models_: Sequence[type[models.Model]], rows: int | None = None
) -> Iterator[None]:
    """Inside: rows inserted into these models' tables skip SpatiaLite's per-row insert
    triggers; on leaving, the triggers' work is done for all of them at once and the triggers
    are back. Leaving with an exception rolls everything back, triggers included. ``rows``: how
    many rows the batch will insert; under :data:`BATCHED_FROM` the triggers stay."""
    if rows is not None and rows < BATCHED_FROM:
        yield
        return
    with ExitStack() as stack:
        for model in models_:
            stack.enter_context(_batched(model))
        yield


@contextmanager
def page_cache(kib: int, using: str = "default") -> Iterator[None]:
    """SQLite: a page cache of ``kib`` KiB for the length of an import, the one before after.

    SQLite's default cache (2 MB) fills early in a 30,000-plot import; from then on each page
    it lets go is written out through the rollback journal, in the middle of the transaction.
    The cache holds only the pages read or written, and shrinks back when the import ends."""
    connection: Any = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
