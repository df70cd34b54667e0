"""The web map in headless Chromium: time to the first frame with every plot drawn, and bytes.

Builds the demo (full by default) in a fresh SpatiaLite database, serves chacra on a free
loopback port, logs in as programme staff and opens the map twice per mode, each time in a new
browser context (empty browser cache):

- ``tiles``: chacra's vector tiles (what the map uses);
- ``geojson``: the same page and layers fed one GeoJSON document of all plots (the peer).

The time is from navigation start to MapLibre's first ``idle`` event (all sources loaded and
drawn) as the page's own clock reports it; bytes are the response bodies the server sent
(the page, its scripts and styles, tiles or the GeoJSON, overlays), counted from its log.
The first visit of ``tiles`` finds chacra's tile cache empty; the second finds it warm.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"chacra did not answer on {url}")


def _visit(browser: Any, base: str, source: str, log: Path) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="es-PE")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/?next=/")
    page.fill("section.login input[name=username]", "staff")
    page.fill("section.login input[name=password]", "chacra-demo")
    with page.expect_navigation():
        page.click("section.login button[type=submit]")
    # Bytes as the server sent them (its log has each response's size): the browser's own
    # accounting misses some requests that MapLibre's workers make.
    start = log.stat().st_size
    page.goto(f"{base}/map/" + ("?source=geojson" if source == "geojson" else ""))
    page.wait_for_function(
        "() => window.chacraMap && document.getElementById('map').dataset.state === 'idle'",
        timeout=300_000,
    )
    idle_ms = page.evaluate("() => Number(document.getElementById('map').dataset.idleAt)")
    rendered = page.evaluate("() => Number(document.getElementById('map').dataset.rendered)")
    page.wait_for_timeout(300)
    context.close()
    with log.open("rb") as f:
        f.seek(start)
        sent = sum(
            int(size)
            for path, size in re.findall(rb'"GET (\S+) HTTP/1.1" \d{3} (\d+)', f.read())
            if path.startswith((b"/map/", b"/static/"))
        )
    return {"seconds": idle_ms / 1000, "bytes": sent, "rendered": rendered}


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench map")
    parser.add_argument("--size", default="full", choices=["small", "full"])
    parser.add_argument(
        "--chromium", default=os.environ.get("CHACRA_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chacra-bench-map-") as data_dir:
        env = {**os.environ, "CHACRA_DATA_DIR": data_dir, "DATABASE_URL": ""}
        chacra = [sys.executable, "-m", "chacra.cli"]
        subprocess.run(  # noqa: S603
            [*chacra, "demo", "--size", args.size, "--no-serve"], env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        port = _free_port()
        log = Path(data_dir) / "server.log"
        server = subprocess.Popen(  # noqa: S603
            [*chacra, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(f"{base}/accounts/login/")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
                )
                runs = [
                    (
                        "tiles",
                        "first visit (empty tile cache)",
                        _visit(browser, base, "tiles", log),
                    ),
                    (
                        "tiles",
                        "second visit (warm tile cache)",
                        _visit(browser, base, "tiles", log),
                    ),
                    ("geojson", "first visit", _visit(browser, base, "geojson", log)),
                    ("geojson", "second visit", _visit(browser, base, "geojson", log)),
                ]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"chacra bench map: demo {args.size}, headless Chromium, whole programme in view")
    print(
        f"{'source':>8} {'visit':<32} {'to all drawn s':>15} {'KiB received':>13} {'features':>9}"
    )
    for source, label, r in runs:
        print(
            f"{source:>8} {label:<32} {r['seconds']:>15.2f} {r['bytes'] / 1024:>13.0f} "
            f"{r['rendered']:>9.0f}"
        )
    tiles_first, geojson_first = runs[0][2], runs[2][2]
    print(
        f"ratio (first visits, tiles / geojson): time {tiles_first['seconds'] / geojson_first['seconds']:.2f}x, "  # noqa: E501
        f"bytes {tiles_first['bytes'] / max(geojson_first['bytes'], 1):.2f}x"
    )
    return 0
