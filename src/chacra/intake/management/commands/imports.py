"""``chacra imports purge [--older-than DAYS] [--dry-run] [--as USER]``: remove archived
import files past the retention period (``CHACRA_IMPORT_ARCHIVE_DAYS``), for cron."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.errors import ChacraError
from chacra.intake.archive import archive_purge


class Command(BaseCommand):
    help = "Remove archived import files older than the retention period (Ley 29733)."

    def add_arguments(self, parser: CommandParser) -> None:
        duties = parser.add_subparsers(dest="duty", required=True)
        purge = duties.add_parser("purge", help="remove archived files past the retention period")
        purge.add_argument(
            "--older-than", type=int, default=None, metavar="DAYS",
            help="imports finished more than DAYS ago (default: CHACRA_IMPORT_ARCHIVE_DAYS)",
        )  # fmt: skip
        purge.add_argument("--dry-run", action="store_true", help="say what would go")
        purge.add_argument("--as", dest="username", help="an administrator (default: the system)")

    def handle(self, *args: Any, **opts: Any) -> None:
        days = opts["older_than"]
        if days is None:
            days = settings.CHACRA_IMPORT_ARCHIVE_DAYS
            if days <= 0:
                self.stdout.write(
                    "CHACRA_IMPORT_ARCHIVE_DAYS is 0: archived imports are kept for ever; "
                    "nothing removed (give --older-than DAYS to remove older ones)"
                )
                return
        actor = acting_user(opts["username"])
        try:
            report = archive_purge(actor=actor, older_than_days=days, dry_run=opts["dry_run"])
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        verb = "would remove" if opts["dry_run"] else "removed"
        self.stdout.write(
            f"imports finished before {report.cutoff:%Y-%m-%d %H:%M}: {verb} "
            f"{len(report.files)} archived file(s) of {len(report.jobs)} import(s)"
        )
        for name in report.kept:
            self.stdout.write(f"  kept {name}: a more recent import used the same file")
