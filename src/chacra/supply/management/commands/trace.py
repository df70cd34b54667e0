"""``chacra trace CODE [--forward] --as USER``: what a lot or shipment is made of, or where beans
went, as USER may see it (the same scoped selectors as the pages and API).

CODE is a lot (L000012) or shipment (S000003) code; with ``--forward``, a lot, plot (PA000123) or
producer (P000045) code, traced to every lot and shipment holding its beans.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import Scope, scope_for
from chacra.errors import ChacraError
from chacra.registry.models import Plot, Producer
from chacra.supply import selectors


class Command(BaseCommand):
    help = "Trace a lot or shipment back to its plots, or beans forward to lots and shipments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="lot, shipment, plot or producer code")
        parser.add_argument("--forward", action="store_true", help="where the beans went")
        parser.add_argument("--as", dest="username", required=True, help="the user to act as")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["username"])
        scope = scope_for(user)
        try:
            if opts["forward"]:
                self._forward(scope, opts["code"])
            else:
                self._back(scope, opts["code"])
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc

    def _back(self, scope: Scope, code: str) -> None:
        target = selectors.target_by_code(scope=scope, code=code)
        report = selectors.trace_report(scope=scope, target=target)
        w = self.stdout.write
        w(f"{report.kind} {code}: {report.kg} kg, {report.target.custody_model}, "
          f"{report.producers} producers, compliance: {report.compliance.status}")  # fmt: skip
        if report.harvest:
            w(f"harvest {report.harvest[0]} to {report.harvest[1]}")
        w("\nby distrito\nregion\tdistrito\tubigeo\tkg\tplots\tproducers")
        for a in report.areas:
            w(f"{a.region}\t{a.distrito}\t{a.ubigeo}\t{a.kg}\t{a.plots}\t{a.producers}")
        if report.plots:
            w("\nby plot\nplot\tproducer\tname\tdistrito\tkg\tpurchased_kg\tpurchases")
            for p in report.plots:
                w(f"{p.plot_code}\t{p.producer_code}\t{p.producer_name}\t{p.distrito}\t{p.kg}\t"
                  f"{p.purchased_kg}\t{p.purchases}")  # fmt: skip
        if report.hidden_kg:
            w(f"(+ {report.hidden_kg} kg from producers outside your scope, in the distritos)")
        w("\nsteps\tdate\tkind\torganisation\tkg in\tkg out\tloss\tlots")
        for s in report.steps:
            w(f"\t{s.date}\t{s.kind}\t{s.organisation}\t{s.kg_in}\t{s.kg_out}\t{s.loss_kg}\t"
              f"{' '.join(s.lots)}")  # fmt: skip

    def _forward(self, scope: Scope, code: str) -> None:
        w = self.stdout.write
        lot = selectors.lot_list(scope=scope).filter(code=code).first()
        plot = None if lot else Plot.objects.filter(code=code).first()
        producer = None if lot or plot else Producer.objects.filter(code=code).first()
        if lot is None and plot is None and producer is None:
            raise CommandError(f"no lot, plot or producer with code {code!r}")
        lines = selectors.forward_report(scope=scope, plot=plot, producer=producer, lot=lot)
        w(f"{code}: beans in {len(lines)} lots and shipments")
        w("kind\tcode\tdate\tholder\tkg\tpurchased_kg\tshare")
        for h in lines:
            w(f"{h.kind}\t{h.code}\t{h.date}\t{h.custodian}\t{h.kg}\t{h.purchased_kg}\t"
              f"{h.share:.1%}")  # fmt: skip
