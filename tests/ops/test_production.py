"""The production profile: JSON log lines, refusals of unsafe settings, gunicorn's configuration."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOG = """
import django, logging
django.setup()
log = logging.getLogger("chacra.ops.probe")
log.error("parcela %s rechazada", "Ñuñoa", extra={"plot": 7})
try:
    1 / 0
except ZeroDivisionError:
    log.exception("falló")
"""


def _production_env(tmp_path: Path, **env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CHACRA_", "DJANGO_"))}
    return environment | {
        "DJANGO_SETTINGS_MODULE": "chacra.config.settings",
        "CHACRA_PRODUCTION": "1",
        "CHACRA_SECRET_KEY": "a-real-secret-" + "x" * 40,
        "CHACRA_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": "",
        "PYTHONPATH": str(REPO),
        **env,
    }


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


def test_production_logs_are_json_lines(tmp_path: Path) -> None:
    done = _python(LOG, _production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(x["level"], x["logger"], x["message"]) for x in lines] == [
        ("ERROR", "chacra.ops.probe", "parcela Ñuñoa rechazada"),
        ("ERROR", "chacra.ops.probe", "falló"),
    ]
    assert lines[0]["plot"] == 7
    assert "ZeroDivisionError" in lines[1]["exception"]
    assert lines[0]["time"].endswith("+00:00")


def test_text_logs_outside_production(tmp_path: Path) -> None:
    done = _python(LOG, _production_env(tmp_path, CHACRA_PRODUCTION="0"))
    assert "ERROR chacra.ops.probe: parcela Ñuñoa rechazada" in done.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [({"CHACRA_SECRET_KEY": ""}, "CHACRA_SECRET_KEY"), ({"CHACRA_DEBUG": "1"}, "CHACRA_DEBUG")],
)
def test_production_refuses_unsafe_settings(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    environment = _production_env(tmp_path, **env)
    if not env.get("CHACRA_SECRET_KEY", "x"):
        del environment["CHACRA_SECRET_KEY"]
    done = _python("import django; django.setup()", environment)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert named in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_gunicorn_serves_chacra_with_json_access_lines(tmp_path: Path) -> None:
    port = _free_port()
    env = _production_env(
        tmp_path, CHACRA_BIND=f"127.0.0.1:{port}", CHACRA_WORKERS="1", CHACRA_SSL_REDIRECT="0"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:chacra.config.gunicorn"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # a guard against a server that never starts
        while True:
            assert server.poll() is None, server.communicate()
            assert time.monotonic() < deadline, "gunicorn did not start"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        http = HTTPConnection("127.0.0.1", port, timeout=60)
        http.request("GET", "/health/")
        answer = http.getresponse()
        # chacra's own answer: a database that is there but not migrated yet
        assert (answer.status, json.loads(answer.read())) == (
            503, {"status": "failing", "checks": {"database": True, "migrations": False}}
        )  # fmt: skip
    finally:
        server.terminate()
        out, err = server.communicate(timeout=60)
    access = [json.loads(line) for line in out.splitlines()]
    assert any('"GET /health/ HTTP/1.1" 503' in x["message"] for x in access), access
    errors = [json.loads(line) for line in err.splitlines()]
    assert any("Booting worker" in x["message"] for x in errors), errors
