"""``chacra import FILE``: preview or import producers and plots from a field or office file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.errors import ChacraError
from chacra.intake.export import errors_xlsx
from chacra.intake.readers import READERS
from chacra.intake.services import import_file
from chacra.registry.models import Producer

SHOWN_ERRORS = 50


def _bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Command(BaseCommand):
    help = "Import producers and plots from a spreadsheet, GIS file, GPX track or ODK/Kobo export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=[r.name for r in READERS])
        parser.add_argument("--dry-run", action="store_true", help="show what would change")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid rows even if others fail"
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="act as this user, with her permissions (without it the operator acts as "
            "chacra itself, with every permission)",
        )
        parser.add_argument("--errors", type=Path, help="write the errors to this .xlsx file")
        parser.add_argument(
            "--producer", help="the producer (code) whose plots the file holds, e.g. a GPX walk"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = acting_user(opts["username"])
        producer = None
        if opts["producer"]:
            producer = Producer.objects.filter(code=opts["producer"]).first()
            if producer is None:
                raise CommandError(f"--producer: no producer with code {opts['producer']!r}")
        try:
            report = import_file(
                actor=actor, path=path, format=opts["format"], dry_run=opts["dry_run"],
                valid_only=opts["valid_only"], progress=None if opts["no_progress"] else _bar,
                for_producer=producer,
            )  # fmt: skip
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        out = self.stdout.write
        out(f"{report.file_name} ({report.format}): {report.rows} row(s) -> {report.status}")
        would = "" if report.written else "would be "  # a preview or a rejected file wrote nothing
        for key, n in sorted(report.counts.items()):
            if not n:
                continue
            noun, _, verb = key.rpartition("_")
            out(f"  {noun.replace('_', ' ')} {would}{verb}: {n}")
        for note in report.notes[:SHOWN_ERRORS]:
            out(f"  note: {note}")
        for error in report.errors[:SHOWN_ERRORS]:
            out(f"  error: {error}")
        if len(report.errors) > SHOWN_ERRORS:
            more = len(report.errors) - SHOWN_ERRORS
            out(f"  ... and {more} more errors (use --errors FILE.xlsx)")
        if opts["errors"] and report.errors:
            errors_xlsx(report.errors, opts["errors"])
            out(f"  errors written to {opts['errors']}")
        rest = "--valid-only imports the rest" if report.writes else "no row is valid"
        if report.status == "previewed" and report.errors:
            out(f"  with these errors the file would not be imported ({rest})")
        if report.status == "rejected":
            fix = "Fix them, or run with --valid-only to import the valid rows."
            if not report.writes:
                fix = "No row is valid: fix them and import the file again."
            raise CommandError(f"{len(report.errors)} errors: nothing was imported. {fix}")
