"""``chacra report investors --as USER [--region R] --out report.pdf|.xlsx``: aggregates only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import scope_for
from chacra.errors import ChacraError
from chacra.insights.report import investor_figures, write_report
from chacra.insights.views import ROLES


class Command(BaseCommand):
    help = "Write the investor report (hexagons, distritos, forecast, carbon) as PDF or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("which", choices=["investors"])
        parser.add_argument("--as", dest="username", required=True, help="the user to act as")
        parser.add_argument("--region", default=None)
        parser.add_argument("--resolution", type=int, default=6)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["username"])
        scope = scope_for(user)
        if scope.role not in ROLES:
            raise CommandError("the investor report is for investors and programme staff")
        try:
            figures = investor_figures(
                scope=scope, region=opts["region"], resolution=opts["resolution"]
            )
            title = f"chacra investor report: {opts['region'] or 'all regions'}"
            write_report(figures, opts["out"], title)
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"wrote {opts['out']}")
