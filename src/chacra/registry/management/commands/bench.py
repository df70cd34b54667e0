"""``chacra bench NAME [ARGS]``: run a benchmark from the repository's benchmarks/ folder."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _benchmarks_dir() -> Path:
    return Path(settings.REPO_DIR) / "benchmarks"


class Command(BaseCommand):
    help = "Run a benchmark: chacra bench NAME (see benchmarks/README.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "bench_args",
            nargs=argparse.REMAINDER,
            help="passed to the benchmark, e.g. --size small",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        folder = _benchmarks_dir()
        names = sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))
        if opts["name"] not in names:
            known = ", ".join(names) or "none"
            raise CommandError(f"no benchmark {opts['name']!r} in {folder}; available: {known}")
        path = folder / f"{opts['name']}.py"
        spec = importlib.util.spec_from_file_location(f"benchmarks.{opts['name']}", path)
        if spec is None or spec.loader is None:
            raise CommandError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        code = module.run(list(opts["bench_args"]))
        if code:
            raise CommandError(f"benchmark {opts['name']} failed with exit code {code}")
