"""``chacra map --as USER --out map.pdf [--region R] [--lang en]``: print the programme's map.

The map shows plots as points by hectare class, with no names: every role that sees the dashboard
may print it. The plots are those USER may see (a regional office its region, an agent hers);
investors and buyers get the whole programme, as on their dashboard.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import scope_for
from chacra.errors import ChacraError
from chacra.maps.printed import FORMATS, LANGUAGES, printed_map_save


class Command(BaseCommand):
    help = "Print the map of new cacao planted (PDF, PNG or SVG) for what USER may see."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="username", required=True, help="the user to act as")
        parser.add_argument(
            "--out", type=Path, required=True, help=f"the file to write: {', '.join(FORMATS)}"
        )
        parser.add_argument("--region", help="departamento name or ubigeo (default: all)")
        parser.add_argument("--lang", choices=LANGUAGES, default="es")
        parser.add_argument("--title", help="a title instead of 'Location of new cacao planted'")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["username"])
        scope = scope_for(user)
        note = ""
        if scope.sees_personal_data and not scope.is_programme_wide:
            note = f"{user.get_username()}: {user.profile.get_role_display()}"
        try:
            printed = printed_map_save(
                scope=scope, out=opts["out"], region=opts["region"], lang=opts["lang"],
                title=opts["title"], note=note,
            )  # fmt: skip
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc
        classes = ", ".join(
            f"{printed.by_class.get(code, 0)} of {label}"
            for code, label in enumerate(printed.class_labels, start=1)
        )
        self.stdout.write(
            f"{printed.path}: {printed.plots} plots ({classes}), {printed.hectares:,.0f} ha, "
            f"{printed.region or 'all regions'}; scale bar {printed.scale_km:g} km"
        )
        if printed.by_class.get(0):
            self.stdout.write(f"  {printed.by_class[0]} plots with no area drawn in grey")
        if printed.unplaced:
            self.stdout.write(f"  {printed.unplaced} plots with no location are not on the map")
