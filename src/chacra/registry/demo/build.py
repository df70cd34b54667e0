"""``chacra demo``: build a deterministic synthetic programme in an empty registry."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.db import transaction

from chacra.accounts.services import bulk_audit
from chacra.errors import Conflict
from chacra.geo.area import geodesic_area_ha
from chacra.geo.shapes import irregular_polygons
from chacra.registry.demo import farms
from chacra.registry.demo.monitoring import monitoring_build
from chacra.registry.demo.nurseries import nurseries_build
from chacra.registry.demo.places import DISTRITOS, REGION_FARMERS, REGION_HECTARES
from chacra.registry.demo.reference import reference_layers_build
from chacra.registry.demo.setting import (
    comunidades_create,
    organisations_create,
    places_load,
    users_create,
)
from chacra.registry.models import (
    Clone,
    Comunidad,
    ExtensionVisit,
    Graft,
    MappingMethod,
    Membership,
    Planting,
    Plot,
    PlotGeometryVersion,
    Producer,
)
from chacra.registry.quality import plot_flags_refresh

SIZES = {"small": 500, "full": 17_000}
FULL_PRODUCERS = 17_000
PRODUCERS_PER_AGENT = 250
BATCH = 500
SOURCE = "demo"


@dataclass
class DemoReport:
    producers: int = 0
    plots: int = 0
    hectares: float = 0.0
    problems: dict[str, list[str]] = field(default_factory=dict)


def _split(total: int, shares: dict[str, float]) -> dict[str, int]:
    s = sum(shares.values())
    counts = {k: int(total * v / s) for k, v in shares.items()}
    counts[max(shares, key=lambda k: shares[k])] += total - sum(counts.values())
    return counts


def _problems_inject(plots: list[Plot], rng: np.random.Generator) -> dict[str, list[str]]:
    """Deliberate faults for later checks: overlaps, a plot with no geometry, a bad declaration."""
    poly = [i for i, p in enumerate(plots) if p.boundary is not None and i > 0]
    picks = [int(i) for i in rng.choice(poly, 8, replace=False)]
    problems: dict[str, list[str]] = {
        "overlapping": [],
        "no_geometry": [],
        "declared_vs_measured": [],
    }
    for a, b in zip(picks[0:6:2], picks[1:6:2], strict=True):
        src = shapely.from_wkb(bytes(plots[a].boundary.wkb))  # type: ignore[union-attr]
        moved = shapely.affinity.translate(src, xoff=0.0003, yoff=0.0002)  # ~35 m away: overlaps
        target = plots[b]
        target.boundary = farms._geos(moved)
        target.area_ha = float(geodesic_area_ha([moved])[0])
        target.location = farms._geos(moved.representative_point())
        target.comunidad = plots[a].comunidad
        problems["overlapping"].append(f"{plots[a].code}/{target.code}")
    lost = plots[picks[6]]
    lost.boundary = lost.location = None
    lost.area_ha, lost.mapping_method, lost.mapped_on = None, MappingMethod.NOT_MAPPED, None
    problems["no_geometry"].append(lost.code)
    odd = plots[picks[7]]
    odd.declared_area_ha = Decimal(f"{(odd.area_ha or 1) * 4:.2f}")
    problems["declared_vs_measured"].append(odd.code)
    return problems


def _example_record(
    producer: Producer,
    plot: Plot,
    planting: Planting,
    comunidad: Comunidad,
    rng: np.random.Generator,
) -> None:
    """The record the programme's report shows: San Juan de Pacayzapa, male, 56, 0.49 ha."""
    producer.comunidad = plot.comunidad = comunidad
    producer.sex, producer.given_names = "M", "Segundo"
    producer.birth_date, producer.age_at_registration = None, 56
    producer.registered_on = dt.date(2015, 12, 1)
    lon, lat = comunidad.location.coords  # type: ignore[union-attr]
    shape = irregular_polygons([lon + 0.004], [lat], [4_900.0], rng)[0]
    plot.boundary = farms._geos(shapely.MultiPolygon([shape]))
    plot.area_ha = float(geodesic_area_ha([shape])[0])
    plot.location = farms._geos(shape.representative_point())
    plot.mapping_method = MappingMethod.GPS_WALK
    plot.property_area_ha, plot.cacao_in_production_ha = Decimal("2.00"), Decimal("0.50")
    plot.land_title, plot.declared_area_ha = False, Decimal("0.49")
    planting.cacao_installed_ha, planting.temporary_shade_ha = Decimal("0.49"), Decimal("0.50")
    planting.installed_on, planting.forestry_ha = dt.date(2015, 12, 1), Decimal(0)


def _bulk(model: Any, rows: list[Any]) -> list[Any]:
    made = model.objects.bulk_create(rows, batch_size=BATCH)
    bulk_audit(actor=None, model=model, objects=made, source=SOURCE)
    return made


@transaction.atomic
def demo_build(*, size: str = "small", seed: int = 2016) -> DemoReport:
    """Load the demo programme; refuses a registry that already holds producers."""
    if size not in SIZES:
        raise Conflict(f"size: {size!r} is not a demo size; choose one of {', '.join(SIZES)}")
    if Producer.objects.exists():
        raise Conflict("the registry already holds producers; the demo loads into an empty one")
    rng = np.random.default_rng(seed)
    n = SIZES[size]
    per_region = _split(n, {k: float(v) for k, v in REGION_FARMERS.items()})
    region_ha = {k: v * n / FULL_PRODUCERS for k, v in REGION_HECTARES.items()}

    distritos = places_load()
    region_weight = {r: sum(d.weight for d in DISTRITOS if d.ubigeo[:2] == r) for r in per_region}
    expected = {
        d.ubigeo: per_region[d.ubigeo[:2]] * d.weight / region_weight[d.ubigeo[:2]]
        for d in DISTRITOS
    }
    per_distrito = {k: max(3, round(v / 40)) for k, v in expected.items()}
    comunidades = comunidades_create(distritos, per_distrito, rng)
    region_of = {c.pk: c.distrito.ubigeo[:2] for c in comunidades}
    weights = np.array(
        [expected[c.distrito.ubigeo] / per_distrito[c.distrito.ubigeo] for c in comunidades]
    ) * rng.gamma(4.0, 0.25, len(comunidades))
    orgs = organisations_create()
    users = users_create(
        {r: max(1, math.ceil(c / PRODUCERS_PER_AGENT)) for r, c in per_region.items()}
    )
    clones = {c.code: c for c in Clone.objects.all()}

    # Exact producer counts per region; San Martín first, so producer 1 can be the report's record.
    which = np.concatenate(
        [
            rng.choice(idx, per_region[r], p=weights[idx] / weights[idx].sum())
            for r in sorted(per_region, key=lambda r: r != "22")
            for idx in [np.flatnonzero([region_of[c.pk] == r for c in comunidades])]
        ]
    )
    producers = farms.producers_build(comunidades, which, rng)
    plots = farms.plots_build(producers, region_of, region_ha, rng)
    plantings, grafts = farms.plantings_build(plots, clones, rng)
    problems = _problems_inject(plots, rng)
    pacayzapa = next(c for c in comunidades if c.name == "San Juan de Pacayzapa")
    _example_record(producers[0], plots[0], plantings[0], pacayzapa, rng)
    grafts = [g for g in grafts if g.plot is not plots[0]]

    producers = _bulk(Producer, producers)
    agents_by_region: dict[str, list[Any]] = {}
    for agent in users["agent"]:
        agents_by_region.setdefault(f"{agent.profile.region.ubigeo}", []).append(agent)
    agent_of = {
        p.pk: agents_by_region[region_of[p.comunidad_id]][
            p.comunidad_id % len(agents_by_region[region_of[p.comunidad_id]])
        ]
        for p in producers
    }
    Producer.agents.through.objects.bulk_create(
        [Producer.agents.through(producer_id=pk, user_id=a.pk) for pk, a in agent_of.items()],
        batch_size=BATCH,
    )
    for plot in plots:
        plot.mapped_by = (
            agent_of[plot.producer.pk] if plot.mapping_method != MappingMethod.NOT_MAPPED else None
        )
    plots = _bulk(Plot, plots)
    _bulk(PlotGeometryVersion, farms.versions_build(plots))
    _bulk(Planting, plantings)
    _bulk(Graft, grafts)
    nurseries_build(plots=plots, plantings=plantings, grafts=grafts, seed=seed)
    plots_of: dict[int, list[Plot]] = {}
    for plot in plots:
        plots_of.setdefault(plot.producer.pk, []).append(plot)
    _bulk(ExtensionVisit, farms.visits_build(producers, plots_of, agent_of, rng))
    coops: dict[str | None, list[Any]] = {}
    for org in orgs.get("cooperative", []):
        coops.setdefault(org.departamento.ubigeo if org.departamento else None, []).append(org)
    join = rng.random(len(producers)) < 0.6
    _bulk(
        Membership,
        [
            Membership(
                producer=p,
                organisation=coops[region_of[p.comunidad_id]][
                    i % len(coops[region_of[p.comunidad_id]])
                ],
                since=p.registered_on,
            )
            for i, p in enumerate(producers)
            if join[i] and coops.get(region_of[p.comunidad_id])
        ],
    )
    monitoring_build(scale=n / FULL_PRODUCERS, seed=seed)
    plot_flags_refresh(plot_ids=[p.pk for p in plots])
    reference_layers_build()  # SYNTHETIC borders, roads and rivers for the maps
    hectares = sum(float(p.cacao_installed_ha) for p in plantings)
    return DemoReport(
        producers=len(producers), plots=len(plots), hectares=hectares, problems=problems
    )
