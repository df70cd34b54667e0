"""``chacra lineage PLOT --as USER``: where a plot's planting material came from, back to batch,
nursery and mother plant; ``chacra lineage --source MOTHER --as USER``: every plot a mother plant's
or budwood garden's material reached. Scoped like the pages and API: plots outside USER's scope
are counted, not shown.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import Scope, scope_for
from chacra.errors import ChacraError
from chacra.nurseries import selectors
from chacra.nurseries.lineage import plot_lineage, source_forward


class Command(BaseCommand):
    help = "Trace a plot's planting material back to mother plants, or a mother plant forward."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plot", nargs="?", help="plot code, e.g. PA000123")
        parser.add_argument("--source", help="mother plant or budwood garden code, e.g. M000004")
        parser.add_argument("--as", dest="username", required=True, help="the user to act as")

    def handle(self, *args: Any, **opts: Any) -> None:
        if bool(opts["plot"]) == bool(opts["source"]):
            raise CommandError("give a plot code, or --source with a mother plant code; not both")
        user = acting_user(opts["username"])
        scope = scope_for(user)
        try:
            if opts["source"]:
                self._forward(scope, opts["source"])
            else:
                self._back(scope, opts["plot"])
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc

    def _back(self, scope: Scope, code: str) -> None:
        w = self.stdout.write
        lineage = plot_lineage(scope=scope, plot=selectors.plot_by_code(scope=scope, code=code))
        plot = lineage.plot
        w(f"plot {plot.code} of producer {plot.producer.code}, {plot.comunidad.distrito.name}")
        w("\nclone composition\nclone\tgroup\tgrafted_ha\tshare\ttraced to")
        for c in lineage.composition:
            traced = " ".join(c.sources) or ("-" if c.traced else "origin not recorded")
            w(f"{c.clone}\t{c.group}\t{c.grafted_ha}\t{c.share:.0%}\t{traced}")
        if not lineage.composition:
            w("(no grafting recorded)")
        w("\nchains (from the plot outwards)")
        for chain in lineage.chains:
            ha = f" {chain.hectares} ha" if chain.hectares is not None else ""
            w(f"{chain.use} {chain.date or ''} {chain.clone}{ha}: {chain.count:,}")
            for step in chain.steps:
                w(f"  <- {step.describe()}")
        if not lineage.chains:
            w("(no material recorded for this plot)")

    def _forward(self, scope: Scope, code: str) -> None:
        w = self.stdout.write
        source = selectors.source_by_code(scope=scope, code=code)
        forward = source_forward(scope=scope, source=source)
        kind = source.kind.replace("_", " ")
        w(f"{source.code}: {kind} {source.clone.code} on plot {source.plot.code}, "
          f"{source.plot.comunidad.distrito.name}: {len(forward.batches)} batches, "
          f"{forward.plots} plots")  # fmt: skip
        w("\nbatches\tkind\tclone\tat\tstarted\tcount\ttaken")
        for b in forward.batches:
            at = b.nursery.code if b.nursery else (b.holder.code if b.holder else "")
            clone = b.clone.code if b.clone else ""
            w(f"{b.code}\t{b.kind}\t{clone}\t{at}\t{b.started_on}\t{b.count}\t{b.taken}")
        w("\nplot\tproducer\tdistrito\tdistribution\tdate\tkind\tclone\tcount\tvia\tused in")
        for r in forward.reached:
            via, uses = " > ".join(r.path), "; ".join(r.uses)
            w(f"{r.plot_code}\t{r.producer_code}\t{r.distrito}\t{r.distribution}\t{r.date}\t"
              f"{r.kind}\t{r.clone}\t{r.count}\t{via}\t{uses}")  # fmt: skip
        if forward.hidden_plots:
            w(f"(+ {forward.hidden_plots} plots outside your scope, "
              f"{forward.hidden_count:,} plants or sticks)")  # fmt: skip
