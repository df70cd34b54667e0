"""``chacra supply_demo``: a season of purchases, lots and shipments on the demo programme."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.errors import ChacraError
from chacra.supply.demo import supply_demo_build


class Command(BaseCommand):
    help = "Load a season of demo purchases, lots and shipments (after chacra demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2015)
        parser.add_argument("--producers-per-coop", type=int, default=40)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            report = supply_demo_build(
                seed=opts["seed"], producers_per_coop=opts["producers_per_coop"]
            )
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{report.purchases} purchases, {report.lots} lots, {report.shipments} shipments"
        )
