"""The clone catalogue and the agroforestry models, as every role that sees aggregates reads them.

A clone comes with what the programme holds of it (mother plants, budwood gardens, budwood cut,
hectares grafted) and the models whose pollinator mix asks for it; no producer, no plot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from chacra.accounts.scope import Scope
from chacra.nurseries.models import (
    AgroforestryClone,
    AgroforestryModel,
    Batch,
    BatchKind,
    MaterialSource,
    SourceKind,
)
from chacra.nurseries.selectors import require_aggregates
from chacra.registry.models import Clone, Graft


@dataclass(frozen=True)
class CloneRow:
    clone: Clone
    mother_plants: int = 0
    budwood_gardens: int = 0
    budwood_sticks: int = 0
    grafted_ha: Decimal = Decimal(0)
    models: list[str] = field(default_factory=list)  # agroforestry models that mix it in


def clone_catalogue(*, scope: Scope) -> list[CloneRow]:
    """Every clone with the programme's figures for it, from four grouped queries."""
    require_aggregates(scope)
    sources: dict[tuple[int, str], int] = {
        (clone, kind): n
        for clone, kind, n in MaterialSource.objects.order_by()
        .values_list("clone", "kind")
        .annotate(Count("id"))
    }
    sticks = dict(
        Batch.objects.filter(kind=BatchKind.BUDWOOD, origin_batch__isnull=True)
        .order_by()
        .values_list("clone")
        .annotate(Sum("count"))
    )
    grafted = dict(Graft.objects.order_by().values_list("clone").annotate(Sum("grafted_ha")))
    models: dict[int, list[str]] = {}
    for clone, code in AgroforestryClone.objects.order_by("model__code").values_list(
        "clone", "model__code"
    ):
        models.setdefault(clone, []).append(code)
    return [
        CloneRow(
            clone=c,
            mother_plants=sources.get((c.pk, SourceKind.MOTHER_PLANT), 0),
            budwood_gardens=sources.get((c.pk, SourceKind.BUDWOOD_GARDEN), 0),
            budwood_sticks=sticks.get(c.pk) or 0,
            grafted_ha=grafted.get(c.pk) or Decimal(0),
            models=models.get(c.pk, []),
        )
        for c in Clone.objects.order_by("group", "code")
    ]


def agroforestry_models(*, scope: Scope) -> QuerySet[AgroforestryModel]:
    """The models with their region and clone mix (largest share first)."""
    require_aggregates(scope)
    return AgroforestryModel.objects.select_related("region").prefetch_related("clones__clone")
