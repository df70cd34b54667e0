"""Lineage of planting material: back from a plot's plantings and graftings to the distributions,
batches, nurseries and mother plants they came from; forward from a mother plant, budwood garden
or batch to every plot that received its material.

Chains are walked a level at a time (one query per level of batches, never one per row): a batch
comes from another batch (``origin_batch``), from a farmer's plantain return (``repays``: the
donation she repaid, and that donation's batch), or from a material source.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from chacra.accounts.scope import Scope
from chacra.nurseries.models import (
    Batch,
    Distribution,
    MaterialSource,
    PlantingMaterial,
)
from chacra.nurseries.selectors import require_personal
from chacra.registry import selectors as registry
from chacra.registry.models import Graft, Plot

BATCH_RELATED = (
    "clone",
    "nursery__distrito",
    "holder__comunidad__distrito",
    "source__clone",
    "source__plot__comunidad__distrito",
    "repays__producer",
    "repays__plot__comunidad__distrito",
)


@dataclass(frozen=True)
class Step:
    """One link of a chain: a distribution, a batch, or the material source at its end."""

    kind: str  # "distribution", "batch" or "source"
    code: str
    date: dt.date | None
    count: int | None
    material: str  # a BatchKind or SourceKind value
    clone: str
    distrito: str
    nursery: str = ""  # a batch held at a nursery: its code, name and kind
    nursery_name: str = ""
    nursery_kind: str = ""
    holder: str = ""  # a batch held by a farmer: her producer code
    returned: bool = False  # ... because she returned it against a donation
    producer: str = ""  # a distribution: the producer who received it
    plot: str = ""  # a distribution: the plot it went to; a source: the plot it stands on
    pk: int = 0  # the record's id

    @property
    def where(self) -> str:
        """Where the step is, in English (the command line's words)."""
        if self.nursery:
            return f"at {self.nursery_name} ({self.nursery}, {self.nursery_kind} nursery)"
        if self.holder:
            return f"{'returned' if self.returned else 'held'} by {self.holder}"
        if self.kind == "distribution":
            return f"to {self.producer}, plot {self.plot}"
        return f"on plot {self.plot}" if self.plot else ""

    def describe(self) -> str:
        """One line for the command line (English, with chacra's codes for kinds)."""
        kind = self.material.replace("_", " ")
        if self.kind == "source":
            return f"{self.code}: {kind} {self.clone} {self.where} ({self.distrito})"
        what = " ".join(x for x in (f"{self.count:,}", kind, self.clone) if x)
        return f"{self.code} {self.date or ''}: {what} {self.where} ({self.distrito})"


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


def batch_step(batch: Batch) -> Step:
    nursery, holder = batch.nursery, batch.holder
    if nursery is not None:
        distrito = nursery.distrito.name
    else:
        distrito = holder.comunidad.distrito.name if holder is not None else ""
    return Step(
        kind="batch",
        code=batch.code,
        date=batch.started_on,
        count=batch.count,
        material=batch.kind,
        clone=batch.clone.code if batch.clone else "",
        distrito=distrito,
        nursery=nursery.code if nursery else "",
        nursery_name=nursery.name if nursery else "",
        nursery_kind=nursery.kind if nursery else "",
        holder=holder.code if holder else "",
        returned=batch.repays_id is not None,
        pk=batch.pk,
    )


def distribution_step(d: Distribution, batch: Batch) -> Step:
    return Step(
        kind="distribution",
        code=d.code,
        date=d.date,
        count=d.count,
        material=batch.kind,
        clone=batch.clone.code if batch.clone else "",
        distrito=d.plot.comunidad.distrito.name,
        producer=d.producer.code,
        plot=d.plot.code,
        pk=d.pk,
    )


def source_step(source: MaterialSource) -> Step:
    return Step(
        kind="source",
        code=source.code,
        date=source.established_on,
        count=source.plants,
        material=source.kind,
        clone=source.clone.code,
        distrito=source.plot.comunidad.distrito.name,
        plot=source.plot.code,
        pk=source.pk,
    )


def batches_up(batch_ids: Iterable[int]) -> dict[int, Batch]:
    """These batches and every batch they came from, by id (one query per level)."""
    found: dict[int, Batch] = {}
    todo = set(batch_ids)
    while todo:
        rows = list(Batch.objects.filter(pk__in=todo).select_related(*BATCH_RELATED))
        found.update((b.pk, b) for b in rows)
        up = {b.origin_batch_id for b in rows if b.origin_batch_id}
        up |= {b.repays.batch_id for b in rows if b.repays is not None}
        todo = up - found.keys()
    return found


def steps_up(batch: Batch, batches: dict[int, Batch]) -> list[Step]:
    """The batch, the batches and donations it came from, and its source, nearest first."""
    steps: list[Step] = []
    current: Batch | None = batch
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        steps.append(batch_step(current))
        if current.origin_batch_id:
            current = batches.get(current.origin_batch_id)
        elif current.repays is not None:
            repaid = current.repays
            current = batches.get(repaid.batch_id)
            if current is not None:
                steps.append(distribution_step(repaid, current))
        else:
            if current.source is not None:
                steps.append(source_step(current.source))
            current = None
    return steps


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


@dataclass(frozen=True)
class Reached:
    """A distribution of the material to a plot the caller may see."""

    plot_pk: int
    plot_code: str
    producer_code: str
    distrito: str
    region: str
    distribution: str
    date: dt.date
    kind: str
    clone: str
    count: int
    path: list[str]  # batch codes from the first batch to the one distributed
    uses: list[str] = field(default_factory=list)  # "graft 2014-06 ICS-95 1.10 ha"


@dataclass(frozen=True)
class Forward:
    batches: list[Batch]
    reached: list[Reached]
    hidden_plots: int
    hidden_count: int

    @property
    def plots(self) -> int:
        return len({r.plot_pk for r in self.reached}) + self.hidden_plots

    @property
    def producers(self) -> int:
        return len({r.producer_code for r in self.reached})


def batches_down(first: list[Batch]) -> tuple[dict[int, Batch], dict[int, int | None]]:
    """These batches and every batch made from them (moves, grafted seedlings, plantain returns
    of their donations), with each one's parent; one query per level."""
    found = {b.pk: b for b in first}
    parent: dict[int, int | None] = dict.fromkeys(found)
    level = list(found)
    while level:
        rows = list(
            Batch.objects.filter(Q(origin_batch__in=level) | Q(repays__batch__in=level))
            .exclude(pk__in=list(found))
            .select_related("clone", "nursery", "holder", "repays")
        )
        for b in rows:
            found[b.pk] = b
            parent[b.pk] = b.origin_batch_id or (b.repays.batch_id if b.repays else None)
        level = [b.pk for b in rows]
    return found, parent


def _path(batch_id: int, batches: dict[int, Batch], parent: dict[int, int | None]) -> list[str]:
    path: list[str] = []
    current: int | None = batch_id
    while current is not None and len(path) < 1000:
        path.append(batches[current].code)
        current = parent.get(current)
    return path[::-1]


def batch_forward(*, scope: Scope, first: list[Batch]) -> Forward:
    """Every plot the material of these batches reached, through every batch made from them.

    Plots outside the caller's scope are counted, not shown.
    """
    require_personal(scope)
    batches, parent = batches_down(first)
    ordered = sorted(batches.values(), key=lambda b: (b.started_on, b.code))
    distributions = list(
        Distribution.objects.filter(batch__in=list(batches))
        .select_related("producer", "plot__comunidad__distrito__provincia__departamento")
        .order_by("date", "id")
    )
    plot_ids = {d.plot_id for d in distributions}
    visible = set(
        registry.plot_list(scope=scope).filter(pk__in=plot_ids).values_list("pk", flat=True)
    )
    shown = [d for d in distributions if d.plot_id in visible]
    uses: dict[int, list[str]] = defaultdict(list)
    links = PlantingMaterial.objects.filter(distribution__in=shown).select_related(
        "planting", "graft__clone"
    )
    for link in links:
        if link.graft is not None:
            g = link.graft
            uses[link.distribution_id].append(
                f"graft {g.grafted_on:%Y-%m} {g.clone.code} {g.grafted_ha} ha"
            )
        elif link.planting is not None:
            p = link.planting
            uses[link.distribution_id].append(
                f"planting {p.installed_on:%Y-%m} {p.cacao_installed_ha} ha"
            )
    reached = []
    for d in shown:
        batch = batches[d.batch_id]
        distrito = d.plot.comunidad.distrito
        reached.append(
            Reached(
                plot_pk=d.plot_id,
                plot_code=d.plot.code,
                producer_code=d.producer.code,
                distrito=distrito.name,
                region=distrito.provincia.departamento.name,
                distribution=d.code,
                date=d.date,
                kind=batch.kind,
                clone=batch.clone.code if batch.clone else "",
                count=d.count,
                path=_path(batch.pk, batches, parent),
                uses=uses[d.pk],
            )
        )
    hidden = [d for d in distributions if d.plot_id not in visible]
    return Forward(
        batches=ordered,
        reached=reached,
        hidden_plots=len({d.plot_id for d in hidden}),
        hidden_count=sum(d.count for d in hidden),
    )


def source_forward(*, scope: Scope, source: MaterialSource) -> Forward:
    """Every plot a mother plant's or budwood garden's material reached."""
    return batch_forward(scope=scope, first=list(source.batches.select_related("clone")))
