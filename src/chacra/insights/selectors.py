"""What investors see: concentration, forecast, carbon and site choices, aggregates only.

Every figure is a sum over at least ``MIN_PRODUCERS`` producers; thinner cells and distritos
are folded into one "suppressed" row so that totals still add up to the registry's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import Sum
from django.utils import timezone

from chacra.accounts.scope import Scope
from chacra.errors import InvalidInput
from chacra.geo import carbon, forecast, hexagons, siting
from chacra.geo.roads import road_distance_km
from chacra.insights.data import PlotTable, ProducerTable, plot_table, producer_table
from chacra.layers.models import LayerFeature
from chacra.registry.models import Comunidad, Distrito

MIN_PRODUCERS = 5
RESOLUTIONS = (5, 6, 7, 8)
FIGURES = (
    "producers",
    "hectares_installed",
    "hectares_fine_flavour",
    "hectares_ccn51",
    "hectares_native",
    "expected_t",
)


def yield_model() -> forecast.YieldModel:
    """The forecast's assumptions, with any set in settings ``CHACRA_YIELD``."""
    return forecast.YieldModel(**getattr(settings, "CHACRA_YIELD", {}))


def carbon_model() -> carbon.CarbonModel:
    """The IPCC-style coefficients, with any value replaced in settings ``CHACRA_CARBON``."""
    return carbon.CarbonModel().with_values(getattr(settings, "CHACRA_CARBON", {}))


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


def _expected_t(plots: PlotTable, year: int) -> npt.NDArray[np.float64]:
    kg = forecast.forecast_kg(
        plots.planted_year,
        plots.installed_ha,
        plots.group,
        plots.forestry_ha > 0,
        [year],
        yield_model(),
    )
    return kg[:, 0] / 1000.0


@dataclass(frozen=True)
class Concentration:
    rows: list[dict[str, Any]]  # one per published cell or distrito
    suppressed: dict[str, float]  # the thin ones, summed
    totals: dict[str, float]
    resolution: int | None
    year: int


def _tables(scope: Scope, region: str | None) -> tuple[PlotTable, ProducerTable]:
    plots = plot_table(scope=scope, region=region)
    return plots, producer_table(scope=scope, plots=plots, region=region)


def _plot_figures(plots: PlotTable, year: int) -> dict[str, npt.NDArray[np.float64]]:
    return {
        "hectares_installed": plots.installed_ha,
        "hectares_fine_flavour": plots.grafted_ha["fine_flavour"],
        "hectares_ccn51": plots.grafted_ha["ccn51"],
        "hectares_native": plots.grafted_ha["native"],
        "expected_t": _expected_t(plots, year),
    }


def _fold(
    keys_plots: npt.NDArray[np.str_],
    keys_producers: npt.NDArray[np.str_],
    plots: PlotTable,
    producers: ProducerTable,
    year: int,
    min_producers: int,
) -> tuple[list[dict[str, Any]], dict[str, float], dict[str, float]]:
    by_plot = hexagons.sum_by_cell(keys_plots, _plot_figures(plots, year), plots.producer)
    by_person = hexagons.sum_by_cell(keys_producers, {}, producers.ids)
    keys = np.union1d(by_plot.cells, by_person.cells)
    table = {k: np.zeros(len(keys)) for k in FIGURES}
    table["producers"][np.searchsorted(keys, by_person.cells)] = by_person.counts
    for name, values in by_plot.sums.items():
        table[name][np.searchsorted(keys, by_plot.cells)] = values
    shown = table["producers"] >= min_producers
    rows = [
        {"key": str(keys[i]), **{k: float(table[k][i]) for k in FIGURES}}
        for i in np.flatnonzero(shown)
    ]
    suppressed = {k: float(table[k][~shown].sum()) for k in FIGURES}
    suppressed["count"] = int((~shown).sum())
    totals = {k: float(table[k].sum()) for k in FIGURES}
    return rows, suppressed, totals


def concentration_hexagons(
    *,
    scope: Scope,
    region: str | None = None,
    resolution: int = 6,
    year: int | None = None,
    min_producers: int = MIN_PRODUCERS,
) -> Concentration:
    """Producers, hectares by clone group and expected tonnes on H3 cells, with Gi* hot spots.

    Points with no location at all fall in the suppressed row, never out of the totals.
    """
    if resolution not in RESOLUTIONS:
        raise InvalidInput(
            f"resolution {resolution}: choose one of {', '.join(map(str, RESOLUTIONS))}",
            field="resolution",
        )
    y = _year(year)
    plots, producers = _tables(scope, region)

    def cells(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> npt.NDArray[np.str_]:
        out = np.full(len(lon), "unlocated", dtype="<U16")
        ok = ~np.isnan(lon)
        out[ok] = hexagons.cells_of(lon[ok], lat[ok], resolution)
        return out

    rows, suppressed, totals = _fold(
        cells(plots.lon, plots.lat),
        cells(producers.lon, producers.lat),
        plots,
        producers,
        y,
        max(min_producers, MIN_PRODUCERS),
    )
    rows = [r for r in rows if r["key"] != "unlocated"]
    if rows:
        z = hexagons.hot_spots([r["key"] for r in rows], [r["expected_t"] for r in rows])
        for r, score in zip(rows, z.tolist(), strict=True):
            r["hot_spot_z"] = round(score, 2)
            r["hot_spot"] = score > 1.96
    suppressed = {k: totals[k] - sum(r[k] for r in rows) for k in FIGURES} | {
        "count": suppressed["count"]
    }
    return Concentration(rows, suppressed, totals, resolution, y)


def concentration_distritos(
    *, scope: Scope, region: str | None = None, year: int | None = None
) -> Concentration:
    y = _year(year)
    plots, producers = _tables(scope, region)
    rows, suppressed, totals = _fold(
        plots.distrito, producers.distrito, plots, producers, y, MIN_PRODUCERS
    )
    return Concentration(rows, suppressed, totals, None, y)


def hexagon_geojson(concentration: Concentration) -> dict[str, Any]:
    """The published cells as GeoJSON polygons (hexagons, never plots)."""
    polygons = hexagons.cell_polygons([r["key"] for r in concentration.rows])
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": r["key"],
                "geometry": shapely.geometry.mapping(p),
                "properties": {k: v for k, v in r.items() if k != "key"},
            }
            for r, p in zip(concentration.rows, polygons, strict=True)
        ],
    }


def forecast_by_region(
    *, scope: Scope, region: str | None = None, years: range | None = None
) -> dict[str, Any]:
    """Expected tonnes by region and year, with purchases and the yield gap where recorded."""
    span = years or range(2013, _year(None) + 6)
    plots = plot_table(scope=scope, region=region)
    kg = forecast.forecast_kg(
        plots.planted_year,
        plots.installed_ha,
        plots.group,
        plots.forestry_ha > 0,
        list(span),
        yield_model(),
    )
    regions = sorted(set(plots.region.tolist()))
    tonnes = {r: (kg[plots.region == r].sum(axis=0) / 1000).round(1).tolist() for r in regions}
    bought = _purchases_t(scope, region, span)
    year_now = _year(None)
    col = list(span).index(year_now) if year_now in span else -1
    bearing = kg[:, col] > 0
    area = float(plots.installed_ha[bearing].sum())
    expected = float(kg[:, col].sum())
    purchased = sum(v.get(year_now, 0.0) for v in bought.values()) * 1000
    return {
        "years": list(span),
        "by_region": tonnes,
        "purchases_t": {
            r: [round(bought.get(r, {}).get(y, 0.0), 1) for y in span] for r in regions
        },
        "yield_kg_ha": {
            "expected": round(expected / area, 0) if area else 0.0,
            "purchased": round(purchased / area, 0) if area else 0.0,
            "programme_2016": 518.0,
            "possible": 2000.0,
        },
    }


def _purchases_t(scope: Scope, region: str | None, span: range) -> dict[str, dict[int, float]]:
    """Dry-bean tonnes bought by producer region and year (wet beans at 38% dry weight)."""
    try:
        from chacra.supply.models import Purchase
    except ImportError:  # the supply app is optional
        return {}
    from chacra.insights.data import producers_for

    place = "producer__comunidad__distrito__provincia__departamento__name"
    out: dict[str, dict[int, float]] = {}
    rows = (
        Purchase.objects.filter(
            producer__in=producers_for(scope, region), date__year__in=list(span)
        )
        .values_list(place, "date__year", "bean_state")
        .annotate(kg=Sum("kg"))
    )
    for name, year, state, kg in rows:
        dry = float(kg) * (0.38 if state == "wet" else 1.0)
        out.setdefault(name, {})[year] = out.get(name, {}).get(year, 0.0) + dry / 1000
    return out


def carbon_by_year(
    *, scope: Scope, region: str | None = None, years: range | None = None
) -> dict[str, Any]:
    """Removals, emissions and net tCO2e by year, and the programme's cumulative totals."""
    span = years or range(2012, 2017)
    plots = plot_table(scope=scope, region=region)
    model = carbon_model()
    b = carbon.carbon_balance(
        plots.planted_year, plots.installed_ha, plots.forestry_ha, list(span), model
    )
    return {
        "years": list(span),
        "removals": b["removals"].sum(axis=0).round(0).tolist(),
        "emissions": b["emissions"].sum(axis=0).round(0).tolist(),
        "net": b["net"].sum(axis=0).round(0).tolist(),
        "total_removals": round(float(b["removals"].sum()), 0),
        "total_emissions": round(float(b["emissions"].sum()), 0),
        "coefficients": [
            {"key": k, "value": c.value, "unit": c.unit, "source": c.source}
            for k, c in model.coefficients.items()
        ],
    }


@dataclass(frozen=True)
class Candidates:
    names: list[str]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]


def candidates(*, kind: str, region: str | None = None) -> Candidates:
    """District capitals or comunidades (public places, not people) as candidate sites."""
    if kind == "capitals":
        qs = Distrito.objects.filter(capital_location__isnull=False)
        if region:
            qs = qs.filter(provincia__departamento__name__iexact=region)
        rows = [
            (f"{c or n}", w)
            for n, c, w in qs.values_list("name", "capital", AsWKB("capital_location"))
        ]
    elif kind == "comunidades":
        qs2 = Comunidad.objects.filter(location__isnull=False)
        if region:
            qs2 = qs2.filter(distrito__provincia__departamento__name__iexact=region)
        rows = [(n, w) for n, w in qs2.values_list("name", AsWKB("location"))]
    else:
        raise InvalidInput(
            f"candidates {kind!r}: use 'capitals' or 'comunidades'", field="candidates"
        )
    xy = (
        shapely.get_coordinates(shapely.from_wkb([bytes(w) for _, w in rows]))
        if rows
        else np.zeros((0, 2))
    )
    return Candidates([n for n, _ in rows], xy[:, 0], xy[:, 1])


def travel_km(
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    sites: Candidates,
    detour: float = siting.DEFAULT_DETOUR,
) -> tuple[npt.NDArray[np.float64], str]:
    """Distances by road when a road layer is loaded, else geodesic times the detour factor."""
    roads = list(
        LayerFeature.objects.filter(layer__kind="road").values_list(AsWKB("geom"), flat=True)
    )
    if roads:
        lines = shapely.from_wkb([bytes(r) for r in roads])
        d = road_distance_km(
            lines, shapely.points(lon, lat), shapely.points(sites.lon, sites.lat), detour=detour
        )
        return d, "road"
    return siting.geodesic_km(lon, lat, sites.lon, sites.lat) * detour, "geodesic"


def site_selection(
    *,
    scope: Scope,
    k: int,
    region: str | None = None,
    kind: str = "capitals",
    objective: siting.Objective = "median",
    limit_km: float | None = None,
    capacity_t: float | None = None,
    weight: str = "expected_t",
    weights_by_distrito: dict[str, float] | None = None,
    year: int | None = None,
    resolution: int = 8,
) -> dict[str, Any]:
    """k sites for collection or post-harvest centres; demand summed on H3 cells first.

    ``weight`` is "expected_t", "hectares_installed" or "producers"; ``weights_by_distrito``
    multiplies it by a user's factor per distrito ubigeo (e.g. dry-season exposure for
    irrigation). The exact MIP also runs when the instance is small, and the gap is reported.
    """
    plots, producers = _tables(scope, region)
    y = _year(year)
    if weight == "producers":
        lon, lat, w = producers.lon, producers.lat, np.ones(len(producers.ids))
        where = producers.distrito
    elif weight in ("expected_t", "hectares_installed"):
        w = _expected_t(plots, y) if weight == "expected_t" else plots.installed_ha
        lon, lat, where = plots.lon, plots.lat, plots.distrito
    else:
        raise InvalidInput(
            f"weight {weight!r}: use expected_t, hectares_installed or producers", field="weight"
        )
    if weights_by_distrito:
        factor = np.array([weights_by_distrito.get(d.split(" ")[0], 1.0) for d in where.tolist()])
        w = w * factor
    ok = ~np.isnan(lon) & (w > 0)
    cells = hexagons.cells_of(lon[ok], lat[ok], resolution)
    sums = hexagons.sum_by_cell(cells, {"w": w[ok]}, np.arange(ok.sum()))
    centres = np.array([hexagons.h3.cell_to_latlng(c) for c in sums.cells.tolist()]).reshape(-1, 2)
    sites = candidates(kind=kind, region=region)
    if len(sites.names) == 0:
        raise InvalidInput(f"no {kind} with a location to choose from", field="candidates")
    d, how = travel_km(centres[:, 1], centres[:, 0], sites)
    weights = sums.sums["w"]
    fast = siting.heuristic(
        weights,
        d,
        min(k, len(sites.names)),
        objective=objective,
        limit_km=limit_km,
        capacity=capacity_t,
    )
    result: dict[str, Any] = {
        "distance": how,
        "demand_cells": len(weights),
        "candidates": len(sites.names),
        "heuristic_seconds": round(fast.seconds, 3),
        "cost": fast.cost,
        "total_weight": float(weights.sum()),
        "sites": [
            {
                "name": sites.names[j],
                "lon": round(float(sites.lon[j]), 4),
                "lat": round(float(sites.lat[j]), 4),
                "served": round(float(fast.load[i]), 1),
            }
            for i, j in enumerate(fast.sites.tolist())
        ],
        "gap": None,
    }
    if len(weights) * len(sites.names) <= 20_000:
        best = siting.exact(
            weights,
            d,
            min(k, len(sites.names)),
            objective=objective,
            limit_km=limit_km,
            capacity=capacity_t,
            start=fast,
            time_limit=60,
        )
        result["gap"] = siting.gap(fast, best)
        result["exact_seconds"] = round(best.seconds, 3)
    return result
