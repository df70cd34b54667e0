"""``chacra demo``: migrate, load the demo programme, create the demo logins, serve."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from chacra.errors import ChacraError
from chacra.registry.demo.build import SIZES, demo_build
from chacra.registry.demo.setting import DEMO_PASSWORD
from chacra.registry.models import Producer
from chacra.supply.demo import supply_demo_build


class Command(BaseCommand):
    help = "Load deterministic synthetic demo data (if the registry is empty) and serve chacra."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--no-serve", action="store_true", help="load the data and stop")
        parser.add_argument(
            "--no-supply",
            action="store_true",
            help="leave out the season of purchases, lots and shipments (chacra supply_demo)",
        )
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if Producer.objects.exists():
            self.stdout.write(
                "The registry already holds data; the demo is not loaded again "
                "(the demo logins below exist only if the demo was loaded here before)."
            )
        else:
            started = time.perf_counter()
            try:
                report = demo_build(size=opts["size"], seed=opts["seed"])
            except ChacraError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"Demo loaded ({opts['size']}, seed {opts['seed']}): {report.producers} producers, "
                f"{report.plots} plots, {report.hectares:,.0f} ha "
                f"in {time.perf_counter() - started:.1f} s"
            )
            for kind, codes in report.problems.items():
                self.stdout.write(f"  deliberate problem, {kind}: {', '.join(codes)}")
            if not opts["no_supply"]:
                self._supply()
            self._analyze()
        self.stdout.write(
            f"Logins (password for all: {DEMO_PASSWORD}): admin, staff, regional-sm, "
            "regional-hco, regional-uca, "
            "agent-sm-01, investor, buyer"
        )
        if opts["no_serve"]:
            return
        self.stdout.write(
            f"chacra is at http://{opts['addrport']}/  (login: admin / {DEMO_PASSWORD})"
        )
        call_command("runserver", opts["addrport"], use_reloader=False, insecure_serving=True)

    def _analyze(self) -> None:
        """Table statistics for the query planner: a freshly loaded database has none, and
        PostgreSQL then plans some of the pages' queries badly (seconds instead of ms)."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _supply(self, producers_per_coop: int = 40) -> None:
        """A season of purchases, lots and shipments, so the supply pages, traces and the
        monitoring indicators that count purchases and processing have something to show."""
        started = time.perf_counter()
        try:
            supply = supply_demo_build(producers_per_coop=producers_per_coop)
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Supply season loaded: {supply.purchases} purchases, {supply.lots} lots, "
            f"{supply.shipments} shipments in {time.perf_counter() - started:.1f} s"
        )
