"""Site selection: the heuristic on the whole demo, and heuristic vs exact MIP on small cases.

A child process builds the demo (full by default: ~17,000 producers) in a temporary SpatiaLite
database, reads every plot's point and expected tonnes through the insights app, and takes
``--candidates`` candidate sites (comunidades, topped up with random points in the demo's
bounding box). It times the heuristic (greedy + Teitz-Bart) for k = 5, 10, 20 on demand summed
onto H3 cells (``--resolution``, each cell at its plots' weighted centre: what the workspace does),
counting the summing and the distance matrix in the time, and on every plot unsummed; the error
the summing adds is the summed solution's cost evaluated on every plot against the unsummed
heuristic's cost (positive: the summed sites are that much worse for the real plots). It then
draws small instances (``--small`` producers x ``--small-candidates`` candidates) and solves
each with both the heuristic and the MIP (PuLP + CBC), printing both times, the speed ratio
and the heuristic's gap. Goals: gap <= 1%, heuristic >= 50x faster than the MIP.
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
from django.core.management import call_command
from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.geo.siting import (
    DEFAULT_DETOUR, aggregate_demand, exact, gap, geodesic_km, heuristic, median_cost,
)
from chacra.insights.assumptions import expected_t
from chacra.insights.sites import candidates
from chacra.insights.data import plot_table

size, m, small_n, small_m, ks, small_ks, resolutions = (
    sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
    [int(k) for k in sys.argv[5].split(",")], [int(k) for k in sys.argv[6].split(",")],
    [int(r) for r in sys.argv[7].split(",")],
)
call_command("migrate", verbosity=0)
call_command("demo", "--size", size, "--no-serve", verbosity=0)
staff = Scope(role=Role.STAFF)
plots = plot_table(scope=staff)
ok = ~np.isnan(plots.lon)
lon, lat = plots.lon[ok], plots.lat[ok]
w = expected_t(plots, 2020)[ok] + 1e-3  # every plot counts a little
places = candidates(kind="comunidades")
rng = np.random.default_rng(2016)
clon, clat = places.lon[:m], places.lat[:m]
if len(clon) < m:
    extra = m - len(clon)
    clon = np.r_[clon, rng.uniform(lon.min(), lon.max(), extra)]
    clat = np.r_[clat, rng.uniform(lat.min(), lat.max(), extra)]
d = geodesic_km(lon, lat, clon, clat) * DEFAULT_DETOUR
out = {"producers": int(len(set(plots.producer.tolist()))), "plots": int(ok.sum()),
       "candidates": len(clon), "full": [], "small": []}
for k in ks:
    s = heuristic(w, d, k)
    row = {"k": k, "seconds": s.seconds, "cost": s.cost, "cells": []}
    for r in resolutions:
        started = time.perf_counter()
        cells = aggregate_demand(lon, lat, w, r)
        dc = geodesic_km(cells.lon, cells.lat, clon, clat) * DEFAULT_DETOUR
        fast = heuristic(cells.weights, dc, k)
        seconds = time.perf_counter() - started
        on_plots = median_cost(w, d, fast.sites)
        row["cells"].append({"resolution": r, "n": len(cells.weights), "seconds": seconds,
                             "error": (on_plots - s.cost) / s.cost})
    out["full"].append(row)
for k in small_ks:
    rows = rng.choice(len(w), min(small_n, len(w)), replace=False)
    cols = rng.choice(len(clon), min(small_m, len(clon)), replace=False)
    ds, ws = d[np.ix_(rows, cols)], w[rows]
    fast = heuristic(ws, ds, k)
    best = exact(ws, ds, k, start=fast)
    out["small"].append({"k": k, "heuristic": fast.seconds, "mip": best.seconds,
                         "gap": gap(fast, best)})
print(json.dumps(out))
"""


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench siting", description=__doc__)
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--k", default="5,10,20")
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--small-candidates", type=int, default=100)
    parser.add_argument("--small-k", default="5,10")
    parser.add_argument("--resolution", default="7,8", help="H3 resolutions to sum demand on")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chacra-bench-siting-") as data_dir:
        env = {**os.environ, "CHACRA_DATA_DIR": data_dir, "DATABASE_URL": ""}
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                CHILD,
                args.size,
                str(args.candidates),
                str(args.small),
                str(args.small_candidates),
                args.k,
                args.small_k,
                args.resolution,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return done.returncode
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"demo {args.size}: {result['producers']} producers, {result['plots']} plots with a point, "
        f"{result['candidates']} candidate sites"
    )
    print("heuristic (greedy + Teitz-Bart); on H3 cells the time includes summing and distances:")
    for row in result["full"]:
        print(f"  k={row['k']:>3}  every plot {row['seconds']:7.2f} s", end="")
        for c in row["cells"]:
            print(
                f"  | res {c['resolution']} ({c['n']:,} cells) {c['seconds']:6.2f} s,"
                f" error {c['error']:+.3%}",
                end="",
            )
        print()
    print(f"small instances ({args.small} plots x {args.small_candidates} candidates):")
    worst_gap, worst_ratio = 0.0, float("inf")
    for row in result["small"]:
        ratio = row["mip"] / max(row["heuristic"], 1e-9)
        worst_gap, worst_ratio = max(worst_gap, row["gap"]), min(worst_ratio, ratio)
        print(
            f"  k={row['k']:>3}  heuristic {row['heuristic']:7.3f} s  MIP {row['mip']:8.2f} s  "
            f"x{ratio:,.0f} faster  gap {row['gap']:.3%}"
        )
    print(
        f"goals: gap <= 1% ({'met' if worst_gap <= 0.01 else 'NOT met'}: {worst_gap:.3%}); "
        f"heuristic >= 50x faster ({'met' if worst_ratio >= 50 else 'NOT met'}: "
        f"x{worst_ratio:,.0f})"
    )
    return 0
