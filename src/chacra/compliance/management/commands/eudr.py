"""``chacra eudr validate FILE ...``: would the EU information system accept these GeoJSON files?

Prints every problem (the feature, the rule, the value found and what to fix) and every warning;
exits with status 1 when any file would be rejected. Reads files only: no user, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chacra.compliance.eudr_validate import validate_file


class Command(BaseCommand):
    help = "Check GeoJSON files against the EU Deforestation Regulation's rules (EU 2023/1115)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("validate", help="list every problem; exit 1 if one is rejected")
        check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args: Any, **opts: Any) -> None:
        rejected = []
        for path in opts["files"]:
            try:
                report = validate_file(path)
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror or exc}") from exc
            for problem in report.problems:
                self.stdout.write(f"{path}: {problem.text(_)}")
            for warning in report.warnings:
                self.stdout.write(f"{path}: " + _("warning") + f": {warning.text(_)}")
            verdict = _("rejected") if report.rejected else _("accepted")
            self.stdout.write(
                _("%(path)s: %(verdict)s: %(features)s features, %(producers)s producers, "
                  "%(bytes)s bytes, %(problems)s problems, %(warnings)s warnings")
                % {"path": path, "verdict": verdict, "features": report.features,
                   "producers": report.producers, "bytes": report.size_bytes,
                   "problems": len(report.problems), "warnings": len(report.warnings)}
            )  # fmt: skip
            if report.rejected:
                rejected.append(str(path))
        if rejected:
            raise CommandError(
                _("the EU information system would reject %(files)s")
                % {"files": ", ".join(rejected)}
            )
