"""Time and peak memory to build the full demo programme in a fresh database.

Runs ``chacra demo --size full --no-serve`` in a child process on a new SpatiaLite file (or on the
empty PostGIS database given with --database-url), so the figures include migrations and nothing
of this process. Peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench demo")
    parser.add_argument("--size", default="full", choices=["small", "full"])
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--database-url", default="", help="an EMPTY postgis:// database")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chacra-bench-") as data_dir:
        env = {**os.environ, "CHACRA_DATA_DIR": data_dir, "DATABASE_URL": args.database_url}
        command = [sys.executable, "-m", "chacra.cli", "demo", "--no-serve"]
        command += ["--size", args.size, "--seed", str(args.seed)]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        wall = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n")
            return done.returncode
        db_file = Path(data_dir) / "chacra.sqlite3"
        db_mb = db_file.stat().st_size / 2**20 if db_file.exists() else float("nan")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    loaded = re.search(
        r"Demo loaded .*?: (\d+) producers, (\d+) plots, ([\d,]+) ha in ([\d.]+) s", done.stdout
    )
    backend = "PostGIS" if args.database_url else "SpatiaLite"
    print(f"chacra bench demo: size={args.size} seed={args.seed} backend={backend}")
    if loaded:
        producers, plots, hectares, load_s = loaded.groups()
        print(f"  built        {producers} producers, {plots} plots, {hectares} ha")
        print(f"  load time    {float(load_s):8.1f} s   (generating and writing the data)")
    print(f"  wall time    {wall:8.1f} s   (process start, migrations, load)")
    print(f"  peak memory  {peak_mb:8.0f} MiB (maximum resident set of the child process)")
    if args.database_url == "":
        print(f"  database     {db_mb:8.1f} MiB on disk")
    print("  peer: none named for this benchmark (issue #2 asks for time and memory only)")
    return 0
