"""Which delivered material the registry's plantings and graftings used."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum

from chacra.accounts.services import instance_save
from chacra.drawdown import lock_row, require_left
from chacra.errors import Conflict, InvalidInput
from chacra.nurseries import rules
from chacra.nurseries.models import BatchKind, Distribution, PlantingMaterial
from chacra.nurseries.services.common import count_value
from chacra.registry.models import Graft, Planting
from chacra.registry.services import require_producer_write


@transaction.atomic
def planting_material_link(
    *,
    actor: Any,
    distribution: Distribution,
    planting: Planting | None = None,
    graft: Graft | None = None,
    count: Any = None,
    source: str = "code",
) -> PlantingMaterial:
    """Say which delivered material a planting or a grafting used (all that is left unlinked of
    the distribution when no count is given)."""
    if (planting is None) == (graft is None):
        raise InvalidInput(
            "planting: link the material to one planting or one grafting; accepted: planting or "
            "graft, not both or neither",
            field="planting",
        )
    target: Planting | Graft = planting if planting is not None else graft  # type: ignore[assignment]
    related = ("batch__clone", "plot")
    locked = lock_row(
        Distribution.objects.select_related(*related), distribution.pk, "distribution"
    )
    plot = target.plot
    require_producer_write(actor=actor, producer=plot.producer, comunidad=plot.comunidad)
    if locked.plot_id != plot.pk:
        raise InvalidInput(
            f"distribution: {locked.code} went to plot {locked.plot.code}, not to {plot.code}; "
            f"accepted: a distribution to {plot.code}",
            field="distribution",
        )
    kind = locked.batch.kind
    allowed = rules.FOR_GRAFTS if graft is not None else rules.FOR_PLANTINGS
    if kind not in allowed:
        names = ", ".join(BatchKind(k).label.lower() for k in allowed)
        what = "a grafting" if graft is not None else "a planting"
        raise InvalidInput(
            f"distribution: {locked.code} delivered {BatchKind(kind).label.lower()}, which "
            f"{what} does not use; accepted: {names}",
            field="distribution",
        )
    if graft is not None and locked.batch.clone_id != graft.clone_id:
        clone = locked.batch.clone.code if locked.batch.clone else "no clone"
        raise InvalidInput(
            f"distribution: {locked.code} delivered budwood of {clone}, but the grafting used "
            f"{graft.clone.code}; accepted: budwood of {graft.clone.code}",
            field="distribution",
        )
    linked = PlantingMaterial.objects.filter(distribution=locked)
    if linked.filter(planting=planting, graft=graft).exists():
        what = "grafting" if graft is not None else "planting"
        raise Conflict(f"distribution: {locked.code} is already linked to this {what}")
    left = locked.count - (linked.aggregate(n=Sum("count"))["n"] or 0)
    wanted = left if count is None else count_value(count, "count")
    require_left(
        asked=wanted,
        left=left,
        field="count",
        holds=f"{left} of the {locked.count} delivered by {locked.code} are not yet linked",
        verb="link",
    )
    link = PlantingMaterial(distribution=locked, planting=planting, graft=graft, count=wanted)
    return instance_save(actor=actor, instance=link, source=source)  # type: ignore[return-value]
