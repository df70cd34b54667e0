"""Synthetic producers, plots, plantings, grafts and visits, generated as arrays at once.

Shaped like the programme in DOMAIN.md: region shares of farmers and hectares, ~75% of plots mapped
as polygons, ~81% of hectares grafted with fine-flavour clones, ~56% under agroforestry, plantings
2013-2016. Everything follows from the seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry, Point

from chacra.geo.area import geodesic_area_ha
from chacra.geo.shapes import irregular_polygons
from chacra.registry.demo.people import FEMALE_NAMES, MALE_NAMES, SURNAMES
from chacra.registry.models import (
    Clone,
    Comunidad,
    ExtensionVisit,
    Graft,
    MappingMethod,
    Planting,
    Plot,
    PlotGeometryVersion,
    Producer,
    VisitActivity,
)

M_PER_DEG = 111_000.0
FINE_CLONES = ["ICS-95", "TSH-565", "ICS-1", "ICS-6", "ICS-39", "UF-613", "IMC-67"]
FINE_WEIGHTS = [0.22, 0.2, 0.12, 0.14, 0.12, 0.1, 0.1]
START = dt.date(2013, 1, 1)


def _month(months_after_start: int) -> dt.date:
    y, m = divmod(int(months_after_start), 12)
    return dt.date(START.year + y, m + 1, 1)


def _ha(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


def _geos(geom: Any) -> Any:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)


@dataclass
class Farms:
    producers: list[Producer] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)


def producers_build(
    comunidades: list[Comunidad], which: np.ndarray, rng: np.random.Generator
) -> list[Producer]:
    """One producer in ``comunidades[i]`` for each ``i`` in ``which``."""
    n = len(which)
    female = rng.random(n) < 0.28
    surname_idx = rng.integers(0, len(SURNAMES), (n, 2))
    given = np.where(
        female, rng.integers(0, len(FEMALE_NAMES), n), rng.integers(0, len(MALE_NAMES), n)
    )
    dnis = np.unique(rng.integers(1_000_000, 80_000_000, int(n * 1.3) + 10))
    dnis = rng.permutation(dnis)[:n]
    has_dni = rng.random(n) < 0.96
    registered = rng.integers(0, 36, n)  # months after Jan 2013
    ages = np.clip(rng.normal(46, 12, n), 18, 85).astype(int)
    born_known = rng.random(n) < 0.7
    born_day = rng.integers(0, 365, n)
    has_phone = rng.random(n) < 0.6
    phones = rng.integers(900_000_000, 999_999_999, n)
    household = rng.integers(1, 9, n)
    consent = rng.random(n) < 0.92
    methods = np.array(["signed_form", "thumbprint", "verbal_recorded", "digital"])[
        rng.integers(0, 4, n)
    ]
    out = []
    for i in range(n):
        reg = _month(registered[i])
        birth = dt.date(reg.year - int(ages[i]), 1, 1) + dt.timedelta(days=int(born_day[i]))
        out.append(
            Producer(
                code=f"P{i + 1:06d}",
                surnames=f"{SURNAMES[surname_idx[i, 0]]} {SURNAMES[surname_idx[i, 1]]}",
                given_names=(FEMALE_NAMES if female[i] else MALE_NAMES)[given[i]],
                dni=f"{dnis[i]:08d}" if has_dni[i] else None,
                sex="F" if female[i] else "M",
                birth_date=birth if born_known[i] else None,
                age_at_registration=None if born_known[i] else int(ages[i]),
                registered_on=reg,
                phone=f"{phones[i]}" if has_phone[i] else "",
                household_size=int(household[i]),
                comunidad=comunidades[which[i]],
                consent_given_on=reg if consent[i] else None,
                consent_method=str(methods[i]) if consent[i] else "",
            )
        )
    return out


def plots_build(
    producers: list[Producer],
    region_of: dict[int, str],
    region_ha: dict[str, float],
    rng: np.random.Generator,
) -> list[Plot]:
    """One plot per producer, a second for ~15%; areas scaled to each region's hectares."""
    owner = np.r_[np.arange(len(producers)), np.flatnonzero(rng.random(len(producers)) < 0.15)]
    n = len(owner)
    region = np.array([region_of[producers[i].comunidad_id] for i in owner])
    area = np.clip(rng.lognormal(np.log(1.25), 0.6, n), 0.3, 12.0)
    for code, target in region_ha.items():
        sel = region == code
        if sel.any():
            area[sel] *= target / area[sel].sum()
    area = np.clip(area, 0.1, 15.0)
    centre = np.array([producers[i].comunidad.location.coords for i in owner])
    lat = centre[:, 1] + rng.normal(0, 1_500, n) / M_PER_DEG
    lon = centre[:, 0] + rng.normal(0, 1_500, n) / (M_PER_DEG * np.cos(np.radians(lat)))
    polygon = (rng.random(n) < 0.75) | (area > 4.0)  # EUDR: a point only up to 4 ha
    shapes = irregular_polygons(lon, lat, area * 10_000, rng)
    measured = geodesic_area_ha(shapes)
    property_ha = area * rng.uniform(1.2, 4.0, n)
    titled = rng.random(n) < 0.35
    mapped_month = rng.integers(0, 42, n)
    plots = []
    for i in range(n):
        p = Plot(
            code=f"PA{i + 1:06d}",
            producer=producers[owner[i]],
            comunidad=producers[owner[i]].comunidad,
            property_area_ha=_ha(property_ha[i]),
            land_title=bool(titled[i]),
            mapped_on=_month(mapped_month[i]),
        )
        if polygon[i]:
            p.boundary = _geos(shapely.MultiPolygon([shapes[i]]))
            p.area_ha = float(measured[i])
            p.declared_area_ha = _ha(measured[i] * rng.uniform(0.85, 1.15))
            p.mapping_method = MappingMethod.GPS_WALK
        else:
            p.declared_area_ha = _ha(area[i])
            p.mapping_method = MappingMethod.GPS_POINT
        p.location = Point(float(lon[i]), float(lat[i]), srid=4326)
        plots.append(p)
    return plots


def plantings_build(
    plots: list[Plot], clones: dict[str, Clone], rng: np.random.Generator
) -> tuple[list[Planting], list[Graft]]:
    n = len(plots)
    installed = rng.integers(0, 42, n)  # Jan 2013 .. Jun 2016
    agroforestry = rng.random(n) < 0.56
    group = rng.choice(3, n, p=[0.86, 0.09, 0.05])  # fine flavour, CCN-51, not grafted
    fine = rng.choice(FINE_CLONES, n, p=FINE_WEIGHTS)
    plantings, grafts = [], []
    for i, plot in enumerate(plots):
        ha = plot.area_ha if plot.area_ha is not None else float(plot.declared_area_ha or 0)
        plantings.append(
            Planting(
                plot=plot,
                cacao_installed_ha=_ha(ha),
                installed_on=_month(installed[i]),
                temporary_shade_ha=_ha(ha * rng.uniform(0.8, 1.0)),
                forestry_ha=_ha(ha * rng.uniform(0.15, 0.5)) if agroforestry[i] else Decimal(0),
            )
        )
        plot.cacao_in_production_ha = (
            _ha(ha * rng.uniform(0.5, 1.0)) if installed[i] < 30 else Decimal(0)
        )
        if group[i] < 2:
            code = str(fine[i]) if group[i] == 0 else "CCN-51"
            grafts.append(
                Graft(
                    plot=plot,
                    clone=clones[code],
                    grafted_ha=_ha(ha * rng.uniform(0.9, 1.0)),
                    grafted_on=_month(installed[i] + int(rng.integers(6, 18))),
                )
            )
    return plantings, grafts


def versions_build(plots: list[Plot]) -> list[PlotGeometryVersion]:
    return [
        PlotGeometryVersion.of(p, 1) for p in plots if p.mapping_method != MappingMethod.NOT_MAPPED
    ]


def visits_build(
    producers: list[Producer],
    plots_of: dict[int, list[Plot]],
    agent_of: dict[int, Any],
    rng: np.random.Generator,
) -> list[ExtensionVisit]:
    activities = np.array(VisitActivity.values)
    visits = []
    for producer in producers:
        own = plots_of.get(producer.pk, [])
        for _ in range(int(rng.integers(1, 5))):
            plot = own[int(rng.integers(0, len(own)))] if own else None
            picked = rng.choice(activities, int(rng.integers(1, 4)), replace=False)
            loc = plot.location if plot is not None else producer.comunidad.location
            visits.append(
                ExtensionVisit(
                    date=_month(int(rng.integers(0, 46)))
                    + dt.timedelta(days=int(rng.integers(0, 28))),
                    agent=agent_of[producer.pk],
                    producer=producer,
                    plot=plot,
                    activities=sorted(str(a) for a in picked),
                    location=loc,
                )
            )
    return visits
