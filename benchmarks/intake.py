"""chacra's import of N plot polygons against ogr2ogr's bare load of the same GeoJSON.

For each size, in one run: a GeoJSON of synthetic producers and plots (irregular polygons around
the demo's district capitals, a few overlapping) is written; chacra imports it into a fresh
SpatiaLite database with everything an import does (validation, geodesic areas, repair,
geometry history, audit entries, quality flags with overlap detection through a spatial index);
then ``ogr2ogr -f SQLite -dsco SPATIALITE=YES`` loads the same file into a fresh database. Both
are timed as whole processes' work, without interpreter start-up for chacra (measured inside).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "chacra.config.settings"
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
call_command("migrate", verbosity=0)
from chacra.registry.demo.setting import places_load
places_load()
from django.db.backends.utils import CursorWrapper
from chacra.intake.services import import_file
from chacra.registry.models import PlotFlag
inserting = [0.0]  # time inside executemany: the database's own work on the new rows
executemany = CursorWrapper.executemany
def timed(self, sql, params):
    began = time.perf_counter()
    try:
        return executemany(self, sql, params)
    finally:
        inserting[0] += time.perf_counter() - began
CursorWrapper.executemany = timed
spent = {"audit": 0.0, "flagging": 0.0}  # time in the audit entries and the quality flags
def clocked(module, name, key):
    function = getattr(module, name)
    def clocked(*args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - began
    setattr(module, name, clocked)
import chacra.accounts.services, chacra.intake.services
clocked(chacra.accounts.services, "bulk_audit", "audit")
clocked(chacra.intake.services, "plot_flags_refresh", "flagging")
started, cpu = time.perf_counter(), time.process_time()
report = import_file(actor=None, path=Path(sys.argv[1]))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "inserts": inserting[0], **spent,
                  "status": report.status, "errors": len(report.errors),
                  "counts": dict(report.counts), "flags": PlotFlag.objects.count()}))
"""


def _geojson(path: Path, n: int, seed: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chacra.config.settings")
    import numpy as np
    import shapely

    from chacra.geo.shapes import irregular_polygons
    from chacra.registry.demo.places import DISTRITOS

    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(DISTRITOS), n)
    lat = np.array([DISTRITOS[i].lat for i in which]) + rng.normal(0, 0.06, n)
    lon = np.array([DISTRITOS[i].lon for i in which]) + rng.normal(0, 0.06, n)
    polys = irregular_polygons(lon, lat, rng.lognormal(np.log(12_000), 0.6, n), rng)
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(shapely.to_geojson(poly)),
            "properties": {
                "Apellidos y Nombres": f"Prueba Banco Productor{i}",
                "N° DNI": f"{50_000_000 + i:08d}",
                "Sexo": "F" if i % 3 else "M",
                "Ubigeo": DISTRITOS[which[i]].ubigeo,
                "Comunidad": f"Caserío {i % 25}",
                "Código parcela": f"BEN{i:07d}",
                "Área declarada (ha)": round(float(shapely.area(poly)) * 1.2e6, 2),
            },
        }
        for i, poly in enumerate(polys)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def _chacra(geojson: Path, folder: Path) -> dict[str, object]:
    env = {**os.environ, "CHACRA_DATA_DIR": str(folder), "DATABASE_URL": ""}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD, str(geojson)], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _ogr2ogr(geojson: Path, folder: Path) -> tuple[float, float]:
    """ogr2ogr's wall time and CPU time (its own, from the kernel's account of children)."""
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        raise SystemExit("ogr2ogr not found: apt-get install gdal-bin")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [ogr2ogr, "-f", "SQLite", "-dsco", "SPATIALITE=YES", str(folder / "ogr.sqlite"),
         str(geojson)], check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench intake")
    parser.add_argument("--plots", type=int, default=30_000, help="the largest size")
    parser.add_argument("--sizes", default="1000,10000", help="smaller sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | {args.plots})
    print("chacra bench intake: chacra import vs ogr2ogr -f SQLite -dsco SPATIALITE=YES")
    print(f"{'plots':>8} {'chacra s':>9} {'inserts s':>9} {'audit s':>8} {'flags s':>8} "
          f"{'ogr2ogr s':>9} {'ratio':>6} {'cpu ratio':>9} {'plots/s':>8}  flags")  # fmt: skip
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="chacra-bench-intake-") as tmp:
            folder = Path(tmp)
            geojson = folder / f"plots-{n}.geojson"
            _geojson(geojson, n, args.seed)
            ours = _chacra(geojson, folder / "chacra")
            wall, cpu = _ogr2ogr(geojson, folder)
            seconds, inserts, audit, flagging, our_cpu = (
                float(ours[k])  # type: ignore[arg-type]
                for k in ("seconds", "inserts", "audit", "flagging", "cpu")
            )
            print(
                f"{n:>8} {seconds:>9.2f} {inserts:>9.2f} {audit:>8.2f} {flagging:>8.2f} "
                f"{wall:>9.2f} {seconds / wall:>5.1f}x {our_cpu / cpu:>8.1f}x "
                f"{n / seconds:>8.0f}  {ours['flags']} ({ours['status']}, {ours['errors']} errors)"
            )
    print("ratio = chacra time / ogr2ogr time, measured side by side in this run (goal: <= 3x);")
    print("cpu ratio = the same for CPU time, steadier than wall time on a shared machine")
    print("inserts = chacra's time inside executemany: the database inserting the new rows (the")
    print("audit entries' too; SpatiaLite's geometry triggers run once per batch, not per row)")
    print("audit = writing one audit entry per created record (snapshots, JSON, their inserts);")
    print("flags = computing and storing the quality flags (areas, overlaps through an STRtree)")
    return 0
