"""Back from a plot: its plantings' and graftings' material traced to the distributions,
batches, nurseries and mother plants it came from, and the plot's clone composition."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from chacra.accounts.scope import Scope
from chacra.nurseries.lineage.steps import Step, batches_up, distribution_step, steps_up
from chacra.nurseries.models import Distribution, PlantingMaterial
from chacra.registry import selectors as registry
from chacra.registry.models import Graft, Plot


@dataclass(frozen=True)
class Chain:
    """Material a plot used (a planting or grafting) or received, traced to where it began."""

    use: str  # "graft", "planting" or "delivered" (received, not linked to either)
    date: dt.date | None
    clone: str
    hectares: Decimal | None
    count: int
    steps: list[Step]

    @property
    def origin(self) -> Step:
        return self.steps[-1]

    @property
    def nurseries(self) -> list[str]:
        return [s.where for s in self.steps if s.nursery]

    @property
    def sources(self) -> list[str]:
        return [s.code for s in self.steps if s.kind == "source"]


@dataclass(frozen=True)
class CloneShare:
    clone: str
    group: str
    grafted_ha: Decimal
    share: float
    sources: list[str]  # mother plants and gardens its material was traced to
    traced: bool  # every grafting of the clone has its material recorded


@dataclass(frozen=True)
class PlotLineage:
    plot: Plot
    composition: list[CloneShare]
    chains: list[Chain]


def plot_lineage(*, scope: Scope, plot: Plot) -> PlotLineage:
    """Where every planting's and grafting's material on the plot came from, and the plot's
    clone composition (grafted hectares by clone) with the sources each clone traces to."""
    plot = registry.plot_get(scope=scope, pk=plot.pk)
    distributions = list(
        Distribution.objects.filter(plot=plot)
        .select_related("producer", "plot__comunidad__distrito")
        .order_by("date", "id")
    )
    batches = batches_up({d.batch_id for d in distributions})
    links = list(
        PlantingMaterial.objects.filter(distribution__in=distributions).select_related(
            "planting", "graft__clone"
        )
    )
    by_id = {d.pk: d for d in distributions}
    chains: list[Chain] = []
    linked: dict[int, int] = defaultdict(int)
    for link in links:
        d = by_id[link.distribution_id]
        linked[d.pk] += link.count
        steps = [distribution_step(d, batches[d.batch_id]), *steps_up(batches[d.batch_id], batches)]
        batch = batches[d.batch_id]
        if link.graft is not None:
            g = link.graft
            chains.append(
                Chain("graft", g.grafted_on, g.clone.code, g.grafted_ha, link.count, steps)
            )
        elif link.planting is not None:
            p = link.planting
            clone = batch.clone.code if batch.clone else ""
            chains.append(
                Chain("planting", p.installed_on, clone, p.cacao_installed_ha, link.count, steps)
            )
    for d in distributions:
        left = d.count - linked[d.pk]
        if left > 0:
            batch = batches[d.batch_id]
            steps = [distribution_step(d, batch), *steps_up(batch, batches)]
            clone = batch.clone.code if batch.clone else ""
            chains.append(Chain("delivered", d.date, clone, None, left, steps))
    chains.sort(key=lambda c: (c.date or dt.date.min, c.use))
    return PlotLineage(plot=plot, composition=_composition(plot, links, chains), chains=chains)


def _composition(
    plot: Plot, links: list[PlantingMaterial], chains: list[Chain]
) -> list[CloneShare]:
    grafts = list(plot.grafts.select_related("clone"))
    total = sum((g.grafted_ha for g in grafts), Decimal(0))
    traced_grafts = {link.graft_id for link in links if link.graft_id}
    by_clone: dict[str, list[Graft]] = {}
    for g in grafts:
        by_clone.setdefault(g.clone.code, []).append(g)
    out = []
    for code, rows in sorted(by_clone.items()):
        ha = sum((g.grafted_ha for g in rows), Decimal(0))
        sources = sorted({s for c in chains if c.clone == code for s in c.sources})
        out.append(
            CloneShare(
                clone=code,
                group=rows[0].clone.group,
                grafted_ha=ha,
                share=float(ha / total) if total else 0.0,
                sources=sources,
                traced=all(g.pk in traced_grafts for g in rows),
            )
        )
    return out


# --- forward ----------------------------------------------------------------------------------
