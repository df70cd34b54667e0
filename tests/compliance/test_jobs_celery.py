"""A check run on real Celery workers over a real Redis, in separate processes, as deployed.

The test starts its own redis-server on a free port, a database of its own (a SpatiaLite file, or
a fresh PostGIS database when the suite runs on PostGIS), two worker processes, and
``chacra check --wait``; chunks of one plot make three tasks that the workers share.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]

SETUP = """
import django, os, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from tests.compliance.scenario import scenario_build
from tests.factories import UserFactory
from pathlib import Path
scenario_build(Path(sys.argv[1]))
user_set_role(actor=None, user=UserFactory(username="staff-celery"), role=Role.STAFF)
"""

RESULT = """
import django, json
django.setup()
from chacra.compliance.models import CheckRun, PlotCheck
run = CheckRun.objects.get()
print(json.dumps({"backend": run.backend, "status": run.status, "done": run.done,
                  "checks": PlotCheck.objects.count(), "counts": run.counts}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: scripts/system-deps.sh --browser installs it"
    port = _free_port()
    redis = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    redis.terminate()
    redis.wait(timeout=10)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database of the test's own: the worker processes cannot see the suite's test database."""
    if "postgis" not in settings.DATABASES["default"]["ENGINE"]:
        yield ""  # embedded SpatiaLite in CHACRA_DATA_DIR
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"chacra_celery_{os.getpid()}"
    admin = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']}"
    with psycopg.connect(f"{admin} dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"{admin} dbname={name}", autocommit=True) as c:
        c.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    yield f"postgis://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with psycopg.connect(f"{admin} dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(code_or_args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, *code_or_args], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_celery_workers_share_a_check_run(
    tmp_path: Path, redis_url: str, database_url: str
) -> None:
    env: dict[str, Any] = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chacra.config.settings",
        "CHACRA_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database_url,
        "CHACRA_CELERY_BROKER_URL": redis_url,
        "CHACRA_CHECK_CHUNK": "1",
        "PYTHONPATH": str(REPO),
    }
    _run(["-c", SETUP, str(tmp_path)], env)
    workers = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "chacra.config.celery",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "-n",
                f"w{i}@%h",
            ],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"w{i}.log").open("w"),
        )
        for i in (1, 2)
    ]
    try:
        out = _run(["-m", "chacra.cli", "check", "--as", "staff-celery", "--wait",
                    "--no-progress"], env)  # fmt: skip
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    assert "3 plots queued for the workers" in out
    assert "3 plots checked: 1 compliant, 2 non_compliant" in out
    import json

    result = json.loads(_run(["-c", RESULT], env).strip().splitlines()[-1])
    assert result == {
        "backend": "celery", "status": "done", "done": 3, "checks": 3,
        "counts": {"compliant": 1, "non_compliant": 2},
    }  # fmt: skip
