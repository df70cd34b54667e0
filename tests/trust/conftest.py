"""A database of the module's own, with the small demo programme, for chacra's child processes.

The suite's test database lives in this process (in memory on SpatiaLite) and inside its
transactions, where a child process cannot see it: the children get a SpatiaLite file under a
temporary data folder, or a fresh PostGIS database next to the suite's when it runs on PostGIS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.trust.procs import chacra, child_env


def _postgis_admin() -> tuple[str, str] | None:
    db = settings.DATABASES["default"]
    if "postgis" not in str(db["ENGINE"]):
        return None
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"host={host} port={port} user={db['USER']} password={db.get('PASSWORD') or ''}",
        f"postgis://{db['USER']}{password}@{host}:{port}",
    )


@pytest.fixture(scope="module")
def own_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """DATABASE_URL of an empty database of the module's own ("" = SpatiaLite in the data dir)."""
    admin = _postgis_admin()
    if admin is None:
        yield ""
        return
    import psycopg

    conninfo, url = admin
    name = f"chacra_trust_{os.getpid()}"
    with psycopg.connect(f"{conninfo} dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"{conninfo} dbname={name}", autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    yield f"{url}/{name}"
    with psycopg.connect(f"{conninfo} dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def demo_env(own_database: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of child processes that share a database holding the small demo."""
    data: Path = tmp_path_factory.mktemp("data")
    env = child_env(data, own_database)
    chacra(["demo", "--size", "small", "--no-serve", "--no-supply"], env)
    return env
