"""chacra under load: gunicorn serving chacra, wrk on loopback, 10, 50 and 100 clients.

The database is the one chacra is configured with: PostGIS when ``DATABASE_URL`` is set (load
the full demo there first for the issue's figures: ``chacra demo --size full --no-serve``), the
embedded SpatiaLite database otherwise. A database without producers gets the demo of
``--size`` (default: full on PostGIS, small embedded), one without shipments the supply demo.

gunicorn (chacra.config.gunicorn, ``--workers`` processes) serves chacra on a free loopback port.
wrk (Debian package ``wrk``) keeps N connections busy for ``--duration`` seconds per level, each
request drawn from a realistic mix, logged in as the demo's staff user:

- 35% map tiles (zooms 8-14 over the plots), 20% producer search (``/producers/?q=``),
- 15% producer cards, 10% traces of lots and shipments (API), 20% API lists (producers, plots,
  lots, purchases, pages 1-5).

Per level it prints requests per second, p50/p95/p99 latency and errors (non-2xx/3xx answers,
timeouts, broken connections). A 10 s warm-up at 10 clients (not reported) first fills each
worker's map index. Nothing reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

WRK_SCRIPT = r"""
local paths = {%(paths)s}
local cookie = "%(cookie)s"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed * 7919)
  wrk.headers["Cookie"] = cookie
  wrk.headers["Accept-Language"] = "es"
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, ' ..
    '"max": %%f, "status": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""

MIX = {"tiles": 35, "search": 20, "cards": 15, "traces": 10, "lists": 20}


def _demo_loaded(size: str) -> None:
    from django.core.management import call_command

    from chacra.registry.models import Producer
    from chacra.supply.models import Shipment

    if not Producer.objects.exists():
        print(f"loading the {size} demo ...", flush=True)
        call_command("demo", size=size, no_serve=True)
    if not Shipment.objects.exists():
        print("loading the supply demo ...", flush=True)
        call_command("supply_demo")


def _tile(lon: float, lat: float, z: int) -> str:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/map/tiles/{z}/{x}/{y}.pbf"


def _paths(rng: random.Random) -> dict[str, list[str]]:
    """A sample of real URLs of each kind, from the database being served."""
    from django.conf import settings

    from chacra.registry.models import Plot, Producer
    from chacra.supply.models import Lot, Purchase, Shipment

    plots = list(Plot.objects.exclude(location=None).order_by("?")[:200])
    producers = list(Producer.objects.order_by("?")[:200])
    lots = list(Lot.objects.order_by("?").values_list("pk", flat=True)[:50])
    shipments = list(Shipment.objects.values_list("pk", flat=True)[:50])
    per_page = settings.REST_FRAMEWORK["PAGE_SIZE"]
    sizes = {
        "producers": Producer.objects.count(), "plots": Plot.objects.count(),
        "supply/lots": Lot.objects.count(), "supply/purchases": Purchase.objects.count(),
    }  # fmt: skip
    # pages 1-5 where they exist: a page past the end is a 404
    last = {name: min(5, max(1, math.ceil(n / per_page))) for name, n in sizes.items()}
    return {
        "tiles": [_tile(p.location.x, p.location.y, rng.randint(8, 14)) for p in plots],
        "search": [f"/producers/?q={p.surnames.split()[0]}" for p in producers if p.surnames],
        "cards": [f"/producers/{p.pk}/" for p in producers],
        "traces": [f"/api/v1/supply/lots/{pk}/trace/" for pk in lots]
        + [f"/api/v1/supply/shipments/{pk}/trace/" for pk in shipments],
        "lists": [f"/api/v1/{name}/?page={i}" for name, n in last.items() for i in range(1, n + 1)],
    }


def _mix(paths: dict[str, list[str]], rng: random.Random, n: int = 2000) -> list[str]:
    kinds = [k for k in MIX if paths[k]]
    return [rng.choice(paths[k]) for k in rng.choices(kinds, [MIX[k] for k in kinds], k=n)]


def _staff_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="staff"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CHACRA_BIND": f"127.0.0.1:{port}",
        "CHACRA_WORKERS": str(workers),
        "CHACRA_ACCESS_LOG": "0",
        "CHACRA_ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:chacra.config.gunicorn"],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )  # fmt: skip
    deadline, last = time.monotonic() + 120, "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5):
                return server
        except urllib.error.HTTPError as exc:  # e.g. 503: migrations pending
            last = f"{exc.code} {exc.read().decode()}"
        except OSError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit(f"gunicorn did not answer /health/ within 120 s (last: {last}); see {log}")


def _wrk(wrk: str, script: Path, port: int, clients: int, seconds: int) -> dict[str, Any]:
    threads = min(clients, os.cpu_count() or 1, 4)
    done = subprocess.run(  # noqa: S603
        [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s",
         "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True, timeout=seconds + 120,
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return result


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench load", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="10,50,100", help="concurrent clients per level")
    parser.add_argument("--duration", type=int, default=60, help="seconds per level")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--size", choices=["small", "full"], help="demo to load if none is there")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "wrk not found: run scripts/system-deps.sh --bench (apt-get install wrk)",
            file=sys.stderr,
        )
        return 1
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    postgis = "postgis" in settings.DATABASES["default"]["ENGINE"]
    call_command("migrate", interactive=False, verbosity=0)
    _demo_loaded(args.size or ("full" if postgis else "small"))
    rng = random.Random(args.seed)  # noqa: S311 - a sample of URLs, not a secret
    paths = _paths(rng)
    mix = _mix(paths, rng)
    cookie = _staff_cookie()
    connection.close()  # the workers need the database, not this process
    levels = [int(c) for c in args.clients.split(",") if c]
    database = "PostGIS" if postgis else "SpatiaLite (embedded)"
    print(f"database: {database}; gunicorn workers: {args.workers}; CPUs: {os.cpu_count()}")
    print(f"mix: {', '.join(f'{k} {v}%' for k, v in MIX.items())}; {len(set(mix))} distinct URLs")
    with tempfile.TemporaryDirectory(prefix="chacra-load-") as tmp:
        script = Path(tmp) / "mix.lua"
        # percent-encoded, so that the Lua strings hold ASCII only
        quoted = ",".join(json.dumps(urllib.parse.quote(p, safe="/?=&")) for p in mix)
        script.write_text(WRK_SCRIPT % {"paths": quoted, "cookie": cookie})
        port = _free_port()
        server = _gunicorn(port, args.workers, Path(tmp) / "gunicorn.log")
        try:
            _wrk(wrk, script, port, 10, min(10, args.duration))  # warm-up: map indexes, caches
            head = f"{'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
            print(f"{head} {'max ms':>8} {'requests':>9} {'errors':>6}")
            failed = 0
            for clients in levels:
                r = _wrk(wrk, script, port, clients, args.duration)
                errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
                failed += errors
                print(
                    f"{clients:>7} {r['requests'] / r['seconds']:>8.1f} {r['p50']:>8.1f} "
                    f"{r['p95']:>8.1f} {r['p99']:>8.1f} {r['max']:>8.1f} {r['requests']:>9} "
                    f"{errors:>6}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=60)
    print("errors: non-2xx/3xx answers, timeouts (30 s) and broken connections; goal: none")
    return 1 if failed else 0
