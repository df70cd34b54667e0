"""chacra's plot tiles against PostGIS's own ST_AsMVT, on the same tiles, in one run.

A child process builds the demo (full by default) in a PostGIS database, then sweeps zooms 6-16:
at each zoom, up to ``--per-zoom`` tiles that hold plots (all of them at low zooms), drawn by
chacra (``render_tile`` from the in-memory index, no tile cache) and by PostGIS with
``ST_AsMVT(ST_AsMVTGeom(...))``. To be fair to PostGIS, its side reads a table that holds what
chacra's index holds (geometries already in EPSG:3857 with GiST indexes, the same styling
attributes), so both do the same work per tile: select by box, clip to the tile and its 64-unit
buffer, snap to the 4096 grid, encode. Tiles per second are printed per zoom and overall, with
the ratio; building chacra's index is timed separately (it happens once per data change).

Without --database-url a temporary database is created on the local PostgreSQL server
(127.0.0.1:5432, user postgres) and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import json, os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "chacra.config.settings"
import django
django.setup()
import numpy as np
import shapely
from django.core.management import call_command
from django.db import connection
from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.maps.index import CACHE, MapFilters, build_index
from chacra.maps.tiles import POLYGON_ZOOM, render_tile
from chacra.geo.mvt import BUFFER, EXTENT
from chacra.geo.webmercator import ORIGIN

size, per_zoom, zooms = sys.argv[1], int(sys.argv[2]), [int(z) for z in sys.argv[3].split(",")]
call_command("migrate", verbosity=0)
call_command("demo", "--size", size, "--no-serve", verbosity=0)
started = time.perf_counter()
index = build_index()
index_seconds = time.perf_counter() - started
mask = CACHE.visible(Scope(role=Role.STAFF), MapFilters(), index)

with connection.cursor() as cur:
    cur.execute("DROP TABLE IF EXISTS bench_tile_plots")
    cur.execute(
        "CREATE UNLOGGED TABLE bench_tile_plots (id bigint PRIMARY KEY, "
        "geom geometry(MultiPolygon, 3857), pt geometry(Point, 3857), "
        "\"group\" text, agroforestry int, mapped int, flags text, year int, ha float8, "
        "ha_class int)"
    )
    rows = [
        (int(index.ids[i]),
         shapely.to_wkb(index.polygons[i]) if index.mapped[i] else None,
         shapely.to_wkb(index.points[i]) if index.points[i] is not None else None,
         str(index.group[i]), int(index.agroforestry[i]), int(index.mapped[i]),
         str(index.flags[i]), int(index.year[i]),
         float(np.round(np.nan_to_num(index.hectares[i]), 1)), int(index.hectare_class[i]))
        for i in range(len(index))
    ]
    cur.executemany(
        "INSERT INTO bench_tile_plots VALUES (%s, ST_SetSRID(ST_GeomFromWKB(%s), 3857), "
        "ST_SetSRID(ST_GeomFromWKB(%s), 3857), %s, %s, %s, %s, %s, %s, %s)", rows
    )
    cur.execute("CREATE INDEX ON bench_tile_plots USING gist (geom)")
    cur.execute("CREATE INDEX ON bench_tile_plots USING gist (pt)")
    cur.execute("ANALYZE bench_tile_plots")

SQL = '''
WITH t AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
                  ST_Expand(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(pad)s) AS box)
SELECT
  (SELECT COALESCE(ST_AsMVT(q, 'plots', 4096, 'geom', 'id'), '') FROM (
     SELECT id, ST_AsMVTGeom(geom, t.env, 4096, 64, true) AS geom, "group", agroforestry,
            mapped, flags, year, ha, ha_class
     FROM bench_tile_plots, t WHERE %(polygons)s AND geom && t.box) q WHERE q.geom IS NOT NULL)
  ||
  (SELECT COALESCE(ST_AsMVT(q, 'points', 4096, 'geom', 'id'), '') FROM (
     SELECT id, ST_AsMVTGeom(pt, t.env, 4096, 64, true) AS geom, "group", agroforestry,
            mapped, flags, year, ha, ha_class
     FROM bench_tile_plots, t
     WHERE pt && t.box AND (NOT %(polygons)s OR mapped = 0)) q WHERE q.geom IS NOT NULL)
FROM t
'''

xy = shapely.get_coordinates(index.points[~shapely.is_missing(index.points)])
rng = np.random.default_rng(7)
results = []
with connection.cursor() as cur:
    cur.execute("SET jit = off")
    for z in zooms:
        span = 2 * ORIGIN / 2**z
        tx = ((xy[:, 0] + ORIGIN) // span).astype(int)
        ty = ((ORIGIN - xy[:, 1]) // span).astype(int)
        tiles = np.unique(np.column_stack([tx, ty]), axis=0)
        if len(tiles) > per_zoom:
            tiles = tiles[rng.choice(len(tiles), per_zoom, replace=False)]
        ours = theirs = 0.0
        our_bytes = their_bytes = 0
        for x, y in tiles.tolist():
            params = {"z": z, "x": x, "y": y, "pad": span * BUFFER / EXTENT,
                      "polygons": z >= POLYGON_ZOOM}
            cur.execute(SQL, params)  # warm both sides once
            render_tile(index, mask, z, x, y)
            t0 = time.perf_counter()
            data = render_tile(index, mask, z, x, y)
            t1 = time.perf_counter()
            cur.execute(SQL, params)
            peer = bytes(cur.fetchone()[0])
            t2 = time.perf_counter()
            ours += t1 - t0
            theirs += t2 - t1
            our_bytes += len(data)
            their_bytes += len(peer)
        results.append({"z": z, "tiles": len(tiles), "ours": ours, "theirs": theirs,
                        "our_bytes": our_bytes, "their_bytes": their_bytes})
    cur.execute("DROP TABLE bench_tile_plots")
print(json.dumps({"plots": len(index), "index_seconds": index_seconds, "zooms": results}))
"""


def _temporary_database() -> tuple[str, str]:
    import psycopg

    name = f"chacra_bench_tiles_{os.getpid()}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={name}", autocommit=True) as c:
        try:
            c.execute("CREATE EXTENSION postgis")
        except psycopg.errors.FeatureNotSupported as exc:
            _drop(name)
            raise SystemExit(
                f"PostGIS is missing: run scripts/system-deps.sh --postgis ({exc})"
            ) from None
    return name, f"postgis://postgres@127.0.0.1:5432/{name}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench tiles")
    parser.add_argument("--size", default="full", choices=["small", "full"])
    parser.add_argument("--per-zoom", type=int, default=60, help="tiles sampled per zoom")
    parser.add_argument("--zooms", default="6,8,10,11,12,13,14,16")
    parser.add_argument("--database-url", default="", help="an EMPTY postgis:// database")
    args = parser.parse_args(argv)
    temporary = ""
    url = args.database_url
    if not url:
        temporary, url = _temporary_database()
    try:
        with tempfile.TemporaryDirectory(prefix="chacra-bench-tiles-") as data_dir:
            env = {**os.environ, "CHACRA_DATA_DIR": data_dir, "DATABASE_URL": url}
            done = subprocess.run(  # noqa: S603
                [sys.executable, "-c", CHILD, args.size, str(args.per_zoom), args.zooms],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
    finally:
        if temporary:
            _drop(temporary)
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n")
        return done.returncode
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"chacra bench tiles: {result['plots']} plots (demo {args.size}) on PostGIS")
    seconds = result["index_seconds"]
    print(f"  chacra's in-memory plot index built in {seconds:.2f} s (once per data change)")
    print(f"{'zoom':>5} {'tiles':>6} {'chacra t/s':>11} {'ST_AsMVT t/s':>13} {'ratio':>7} "
          f"{'chacra KiB':>11} {'PostGIS KiB':>12}")  # fmt: skip
    ours = theirs = 0.0
    tiles = 0
    for row in result["zooms"]:
        n = row["tiles"]
        tiles += n
        ours += row["ours"]
        theirs += row["theirs"]
        print(
            f"{row['z']:>5} {n:>6} {n / row['ours']:>11.0f} {n / row['theirs']:>13.0f} "
            f"{row['ours'] / row['theirs']:>6.2f}x {row['our_bytes'] / 1024:>11.0f} "
            f"{row['their_bytes'] / 1024:>12.0f}"
        )
    print(f"{'all':>5} {tiles:>6} {tiles / ours:>11.0f} {tiles / theirs:>13.0f} "
          f"{ours / theirs:>6.2f}x")  # fmt: skip
    print("ratio = chacra time / ST_AsMVT time per tile, side by side in this run (goal: <= 2x)")
    return 0
