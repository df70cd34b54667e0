"""``chacra backup --out FILE``: a consistent copy of the database, while chacra runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chacra.ops.backup import database_backup


class Command(BaseCommand):
    help = "Back the database up to one file (SpatiaLite online backup, or pg_dump for PostGIS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="the backup file to write")

    def handle(self, *args: Any, **opts: Any) -> None:
        out = database_backup(out=opts["out"])
        self.stdout.write(f"{out}: {out.stat().st_size / 1e6:.1f} MB")
