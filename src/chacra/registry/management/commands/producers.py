"""``chacra producers --as USER``: list the producers a user may see, as CSV on stdout.

The CLI is a door like any other: it reads through the same scoped selector as pages and the API,
so an extension agent gets her producers and an investor gets an error, not names.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import scope_for
from chacra.errors import ChacraError
from chacra.registry import selectors
from chacra.registry.api import filters_from

COLUMNS = ["code", "surnames", "given_names", "dni", "sex", "comunidad", "distrito", "region"]


class Command(BaseCommand):
    help = "List, as CSV, the producers that USER may see (scoped like the web pages and API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="username", required=True, help="the user to act as")
        parser.add_argument("--region", help="departamento name or ubigeo")
        parser.add_argument("--distrito", help="distrito name or ubigeo")
        parser.add_argument("--clone", help="clone code, e.g. ICS-95")
        parser.add_argument("--mapped", help="true or false")
        parser.add_argument("--q", help="search names, DNI, code, comunidad")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["username"])
        params = {k: v for k in ("region", "distrito", "clone", "mapped", "q") if (v := opts[k])}
        try:
            rows = selectors.producer_list(scope=scope_for(user), filters=filters_from(params))
            writer = csv.writer(self.stdout)
            writer.writerow(COLUMNS)
            for p in rows.iterator(chunk_size=2000):
                place = p.comunidad
                writer.writerow(
                    [
                        p.code,
                        p.surnames,
                        p.given_names,
                        p.dni or "",
                        p.sex,
                        place.name,
                        place.distrito.name,
                        place.distrito.provincia.departamento.name,
                    ]
                )
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc
