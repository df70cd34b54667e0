"""``chacra indicators report --out FILE.xlsx|.pdf [--region R] --as USER``: the indicator report,
as USER may see it (aggregates only, the same selector as the page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import scope_for
from chacra.errors import ChacraError
from chacra.monitoring.export import report_pdf, report_xlsx
from chacra.monitoring.report import indicator_report

WRITERS = {".xlsx": report_xlsx, ".pdf": report_pdf}


class Command(BaseCommand):
    help = "Write the programme's indicator report (target, achieved, % achieved, status)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["report"])
        parser.add_argument("--out", required=True, help="a .xlsx or .pdf file to write")
        parser.add_argument("--region", help="a departamento name or ubigeo code")
        parser.add_argument("--as", dest="username", required=True, help="the user to act as")

    def handle(self, *args: Any, **opts: Any) -> None:
        out = Path(opts["out"])
        writer = WRITERS.get(out.suffix.lower())
        if writer is None:
            raise CommandError(
                f"--out: {out.name!r} ends in {out.suffix!r}; give a .xlsx or .pdf file"
            )
        user = acting_user(opts["username"])
        try:
            rows = indicator_report(scope=scope_for(user), region=opts["region"])
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc
        title = _("Programme indicators") + (f" · {opts['region']}" if opts["region"] else "")
        out.write_bytes(writer(rows, title))
        self.stdout.write(f"{out}: {len(rows)} indicators")
