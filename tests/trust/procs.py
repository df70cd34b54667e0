"""chacra in child processes on a database of their own: run, freeze-and-kill, ask for facts."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
#: A guard against a hung child, not a measure: the tests assert nothing about time.
TIMEOUT = 600

FACTS_PREAMBLE = """
import django, json
django.setup()
"""


def child_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chacra.config.settings",
        "CHACRA_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "CHACRA_TASKS": "thread",  # embedded mode: the work happens in the killed process
        "CHACRA_CELERY_BROKER_URL": "",
        "PYTHONPATH": str(REPO),
        **extra,
    }


def chacra(args: list[str], env: dict[str, str], *, fails: bool = False) -> str:
    """Run ``chacra ARGS``; its stdout (and stderr when it ``fails``, as it must then)."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "chacra.cli", *args], env=env, cwd=REPO, capture_output=True,
        text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert (done.returncode != 0) == fails, f"chacra {args}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr if fails else done.stdout


def kill_when_paused(pattern: str, nth: int, args: list[str], env: dict[str, str]) -> None:
    """Run ``chacra ARGS`` until its Nth SQL statement matching PATTERN (tests.trust.pause), then
    SIGKILL it there, inside that statement's open transaction."""
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.trust.pause", pattern, str(nth), *args],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + TIMEOUT
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while not any(line.startswith("PAUSED") for line in lines):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out, err = proc.communicate()
                raise AssertionError(f"chacra {args} never paused:\n{''.join(lines)}{out}\n{err}")
            if sel.select(timeout=1):
                lines.append(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL
    # The kill lands inside a transaction that has written but not committed.
    assert "PAUSED in_atomic=True" in lines[-1], lines


def facts(code: str, env: dict[str, str]) -> Any:
    """Run Python CODE after django.setup() in a child; the JSON it prints last, parsed."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FACTS_PREAMBLE + code], env=env, cwd=REPO, capture_output=True,
        text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
