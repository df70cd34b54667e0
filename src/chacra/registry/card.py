"""The producer card: the four blocks of the programme's record, assembled for one producer."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from chacra.accounts.scope import Scope
from chacra.registry import selectors
from chacra.registry.models import ExtensionVisit, Graft, Plot, Producer


@dataclass(frozen=True)
class PlotBlock:
    """CACAO INSTALADO CON LA ALIANZA and OTROS DATOS DE LA PARCELA for one plot."""

    plot: Plot
    temporary_shade_ha: Decimal
    cacao_installed_ha: Decimal
    installed_on: dt.date | None
    cacao_grafted_ha: Decimal
    clones: str
    grafted_on: dt.date | None
    forestry_ha: Decimal
    georeferenced_ha: float | None


@dataclass(frozen=True)
class ProducerCard:
    producer: Producer
    plots: list[PlotBlock]
    visits: list[ExtensionVisit]
    plots_geojson: str


def _block(plot: Plot) -> PlotBlock:
    plantings = list(plot.plantings.all())
    grafts: list[Graft] = list(plot.grafts.all())
    return PlotBlock(
        plot=plot,
        temporary_shade_ha=sum((p.temporary_shade_ha for p in plantings), Decimal(0)),
        cacao_installed_ha=sum((p.cacao_installed_ha for p in plantings), Decimal(0)),
        installed_on=min((p.installed_on for p in plantings), default=None),
        cacao_grafted_ha=sum((g.grafted_ha for g in grafts), Decimal(0)),
        clones=", ".join(sorted({g.clone.code for g in grafts})),
        grafted_on=min((g.grafted_on for g in grafts), default=None),
        forestry_ha=sum((p.forestry_ha for p in plantings), Decimal(0)),
        georeferenced_ha=plot.area_ha if plot.boundary is not None else None,
    )


def _feature(plot: Plot) -> dict[str, Any] | None:
    geom = plot.boundary if plot.boundary is not None else plot.location
    if geom is None:
        return None
    return {
        "type": "Feature",
        "geometry": json.loads(geom.geojson),
        "properties": {
            "code": plot.code,
            "area_ha": plot.area_ha,
            "declared_area_ha": float(plot.declared_area_ha) if plot.declared_area_ha else None,
            "mapped": plot.boundary is not None,
        },
    }


def producer_card(*, scope: Scope, pk: int) -> ProducerCard:
    producer = selectors.producer_get(scope=scope, pk=pk)
    plots = list(
        Plot.objects.filter(producer=producer)
        .select_related("comunidad")
        .prefetch_related(
            "plantings", "flags", Prefetch("grafts", Graft.objects.select_related("clone"))
        )
        .order_by("code")
    )
    features = [f for f in (_feature(p) for p in plots) if f is not None]
    return ProducerCard(
        producer=producer,
        plots=[_block(p) for p in plots],
        visits=list(producer.visits.select_related("agent", "plot")[:20]),
        plots_geojson=json.dumps({"type": "FeatureCollection", "features": features}),
    )
