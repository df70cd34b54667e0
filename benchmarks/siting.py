"""Site selection: the heuristic on the whole demo, and heuristic vs exact MIP on small cases.

A child process builds the demo (full by default: ~17,000 producers) in a temporary SpatiaLite
database, reads every plot's point and expected tonnes through the insights app, and takes
``--candidates`` candidate sites (comunidades, topped up with random points in the demo's
bounding box). It times the heuristic (greedy + Teitz-Bart) for k = 5, 10, 20 on all producers,
then draws small instances (``--small`` producers x ``--small-candidates`` candidates) and
solves each with both the heuristic and the MIP (PuLP + CBC), printing both times, the speed
ratio and the heuristic's gap. Goals: gap <= 1%, heuristic >= 50x faster than the MIP.
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
from chacra.geo.siting import DEFAULT_DETOUR, exact, gap, geodesic_km, heuristic
from chacra.insights import selectors
from chacra.insights.data import plot_table

size, m, small_n, small_m, ks, small_ks = (
    sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
    [int(k) for k in sys.argv[5].split(",")], [int(k) for k in sys.argv[6].split(",")],
)
call_command("migrate", verbosity=0)
call_command("demo", "--size", size, "--no-serve", verbosity=0)
staff = Scope(role=Role.STAFF)
plots = plot_table(scope=staff)
ok = ~np.isnan(plots.lon)
lon, lat = plots.lon[ok], plots.lat[ok]
w = selectors._expected_t(plots, 2020)[ok] + 1e-3  # every plot counts a little
places = selectors.candidates(kind="comunidades")
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
    out["full"].append({"k": k, "seconds": s.seconds, "cost": s.cost})
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
    print("heuristic (greedy + Teitz-Bart) on every plot:")
    for row in result["full"]:
        print(f"  k={row['k']:>3}  {row['seconds']:8.2f} s")
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
