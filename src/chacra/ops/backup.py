"""Back the database up to one file and restore it: SpatiaLite or PostGIS, whichever is in use.

SpatiaLite: SQLite's online backup API (a consistent copy while chacra keeps running).
PostGIS: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

from chacra.errors import InvalidInput


def _is_postgres(connection: Any) -> bool:
    return connection.vendor == "postgresql"


def _pg_command(tool: str, connection: Any) -> tuple[list[str], dict[str, str]]:
    path = shutil.which(tool)
    if path is None:
        raise InvalidInput(f"{tool}: not found on PATH; install the PostgreSQL client tools")
    s = connection.settings_dict
    args = [path, "--no-owner", "--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def database_backup(*, out: Path, using: str = "default") -> Path:
    """Write a consistent copy of the database to ``out``."""
    connection: Any = connections[using]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if _is_postgres(connection):
        args, env = _pg_command("pg_dump", connection)
        subprocess.run([*args, "--format=custom", "--file", str(out)], env=env, check=True)  # noqa: S603
        return out
    connection.ensure_connection()
    with sqlite3.connect(out) as target:
        connection.connection.backup(target)
    target.close()
    return out


def database_restore(*, source: Path, using: str = "default") -> None:
    """Replace the database's content with a backup made by :func:`database_backup`."""
    connection: Any = connections[using]
    source = Path(source)
    if not source.is_file():
        raise InvalidInput(f"{source}: no such backup file")
    if _is_postgres(connection):
        connection.close()
        args, env = _pg_command("pg_restore", connection)
        subprocess.run(  # noqa: S603
            [*args, "--clean", "--if-exists", "--single-transaction", str(source)],
            env=env,
            check=True,
        )
        return
    with sqlite3.connect(source) as backup:
        if backup.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise InvalidInput(f"{source}: not an intact SQLite database")
        connection.ensure_connection()
        backup.backup(connection.connection)
    backup.close()


def table_fingerprints(using: str = "default") -> dict[str, tuple[int, str]]:
    """Every chacra table's row count and a SHA-256 of its rows, sorted on all columns.

    Django's tables (models and their many-to-many tables) and the migration history; not the
    spatial extension's own catalogues, which belong to the database engine.
    """
    connection: Any = connections[using]
    found: dict[str, tuple[int, str]] = {}
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        for table in sorted({*tables, "django_migrations"}):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT {quoted} FROM {name} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(_plain(v) for v in row)).encode())
                count += 1
            found[table] = (count, digest.hexdigest())
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value
