"""``chacra restore FILE``: replace the database's content with a backup from ``chacra backup``.

Stop chacra's web and worker processes first: the restore replaces every table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.errors import ChacraError
from chacra.ops.backup import database_restore


class Command(BaseCommand):
    help = "Restore the database from a file written by `chacra backup` (replaces every table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            database_restore(source=opts["file"])
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"restored from {opts['file']}")
