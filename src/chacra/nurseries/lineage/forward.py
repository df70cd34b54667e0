"""Forward from a mother plant, budwood garden or batch: every plot that received its material,
through the batches made from it and the plantain returned and given on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from chacra.accounts.scope import Scope
from chacra.nurseries.models import Batch, Distribution, MaterialSource, PlantingMaterial
from chacra.nurseries.selectors import require_personal
from chacra.registry import selectors as registry


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
