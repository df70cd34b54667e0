"""What investors see: concentration, forecast and carbon, aggregates only.

Site choices are in ``chacra.insights.sites``; the assumptions behind the tonnes and the carbon
balance in ``chacra.insights.assumptions``.

Every figure is a sum over at least ``MIN_PRODUCERS`` producers; thinner cells and distritos
are folded into one "suppressed" row so that totals still add up to the registry's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.db.models import Sum

from chacra.accounts.scope import Scope
from chacra.errors import InvalidInput
from chacra.geo import carbon, forecast, hexagons
from chacra.insights.assumptions import (
    carbon_model,
    expected_t,
    tables,
    year_or_now,
    yield_model,
)
from chacra.insights.data import PlotTable, ProducerTable, plot_table

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


@dataclass(frozen=True)
class Concentration:
    rows: list[dict[str, Any]]  # one per published cell or distrito
    suppressed: dict[str, float]  # the thin ones, summed
    totals: dict[str, float]
    resolution: int | None
    year: int


def _plot_figures(plots: PlotTable, year: int) -> dict[str, npt.NDArray[np.float64]]:
    return {
        "hectares_installed": plots.installed_ha,
        "hectares_fine_flavour": plots.grafted_ha["fine_flavour"],
        "hectares_ccn51": plots.grafted_ha["ccn51"],
        "hectares_native": plots.grafted_ha["native"],
        "expected_t": expected_t(plots, year),
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
    y = year_or_now(year)
    plots, producers = tables(scope, region)

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
    y = year_or_now(year)
    plots, producers = tables(scope, region)
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
    span = years or range(2013, year_or_now(None) + 6)
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
    year_now = year_or_now(None)
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
