"""The demo's material agrees with the registry's plantings and graftings."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum

from chacra.nurseries import rules
from chacra.nurseries.models import Distribution, PlantingMaterial


def _agrees(link: PlantingMaterial) -> bool:
    """The delivery went to the plot and producer that used it, of a kind that use takes (a
    grafting: budwood of its clone)."""
    d = link.distribution
    if link.graft is not None:
        used, kinds = link.graft.plot, rules.FOR_GRAFTS
        same_clone = link.graft.clone_id == d.batch.clone_id
    else:
        used, kinds, same_clone = link.planting.plot, rules.FOR_PLANTINGS, True  # type: ignore[union-attr]
    return (
        used.pk == d.plot_id
        and used.producer_id == d.producer_id
        and d.batch.kind in kinds
        and same_clone
    )


def test_the_demos_material_links_match_their_plantings_and_graftings(demo_db: Any) -> None:
    links = list(
        PlantingMaterial.objects.select_related(
            "distribution__batch", "planting__plot", "graft__plot"
        )
    )
    assert {link.graft_id is not None for link in links} == {True, False}
    assert [link.distribution.code for link in links if not _agrees(link)] == []
    linked = Distribution.objects.annotate(linked=Sum("uses__count")).filter(linked__gt=0)
    assert [d.code for d in linked if d.linked > d.count] == []
