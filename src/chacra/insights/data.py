"""The registry read once into arrays for analysis: one row per plot, one per producer.

Only aggregates leave this app: the arrays carry ids and points for summing on hexagons and
distritos, never names, DNI or plot outlines. Access follows the registry's rule for aggregate
figures: investors and buyers see programme-wide sums, other roles their own scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.contrib.gis.db.models.functions import AsWKB

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied
from chacra.registry import selectors
from chacra.registry.models import CloneGroup, Graft, Planting, Plot, Producer

GROUPS = ("fine_flavour", "ccn51", "mixed", "native", "none")


@dataclass(frozen=True)
class PlotTable:
    producer: npt.NDArray[np.int64]
    lon: npt.NDArray[np.float64]  # a point inside the plot, its GPS point or its comunidad
    lat: npt.NDArray[np.float64]
    region: npt.NDArray[np.str_]
    distrito: npt.NDArray[np.str_]  # "ubigeo name"
    installed_ha: npt.NDArray[np.float64]
    forestry_ha: npt.NDArray[np.float64]
    planted_year: npt.NDArray[np.float64]  # first planting year; NaN when none
    group: npt.NDArray[np.str_]
    grafted_ha: dict[str, npt.NDArray[np.float64]]  # by clone group


@dataclass(frozen=True)
class ProducerTable:
    ids: npt.NDArray[np.int64]
    lon: npt.NDArray[np.float64]  # the first plot's point, else the comunidad's
    lat: npt.NDArray[np.float64]
    region: npt.NDArray[np.str_]
    distrito: npt.NDArray[np.str_]


def producers_for(scope: Scope, region: str | None) -> Any:
    """The producers whose aggregates the caller may see (as ``programme_totals`` counts them)."""
    if not scope.sees_aggregates:
        raise AccessDenied("log in to see programme figures")
    base = scope if scope.sees_personal_data else Scope(role=Role.STAFF)
    scoped = selectors.producer_list(scope=base, filters=selectors.PlotFilters(region=region))
    return Producer.objects.filter(pk__in=scoped.order_by().values("pk"))


def _point(wkb: Any) -> tuple[float, float]:
    return (
        (np.nan, np.nan)
        if wkb is None
        else tuple(shapely.get_coordinates(shapely.from_wkb(bytes(wkb)))[0])
    )


PLACE = "comunidad__distrito"
_REUSED: ContextVar[dict[tuple[str, Scope, str | None], Any] | None] = ContextVar(
    "insights_tables", default=None
)


@contextmanager
def reuse_tables() -> Iterator[None]:
    """Within the block each scope and region's tables are read once, not once per figure.

    A workspace page asks for hexagons, distritos, forecast, carbon and sites, each from the
    same plots; on the full demo a read takes over a second. Callers must not change the arrays.
    """
    token = _REUSED.set({})
    try:
        yield
    finally:
        _REUSED.reset(token)


def plot_table(*, scope: Scope, region: str | None = None) -> PlotTable:
    cache = _REUSED.get()
    if cache is None:
        return _read_plots(scope, region)
    key = ("plots", scope, region)
    if key not in cache:
        cache[key] = _read_plots(scope, region)
    found: PlotTable = cache[key]
    return found


def _read_plots(scope: Scope, region: str | None) -> PlotTable:
    producers = producers_for(scope, region)
    rows = list(
        Plot.objects.filter(producer__in=producers)
        .order_by("id")
        .values_list(
            "id",
            "producer_id",
            AsWKB("location"),
            AsWKB("boundary"),
            AsWKB("comunidad__location"),
            f"{PLACE}__provincia__departamento__name",
            f"{PLACE}__ubigeo",
            f"{PLACE}__name",
        )
    )
    ids = [r[0] for r in rows]
    boundary = shapely.from_wkb(
        np.array([bytes(r[3]) if r[3] else None for r in rows], dtype=object)
    )
    inside = shapely.get_coordinates(
        shapely.point_on_surface(boundary[~shapely.is_missing(boundary)])
    )
    points = np.array([_point(r[2]) for r in rows], dtype=np.float64).reshape(-1, 2)
    mapped = ~shapely.is_missing(boundary)
    use_inside = np.isnan(points[:, 0]) & mapped
    filled = points.copy()
    if mapped.any():
        inside_full = np.full_like(points, np.nan)
        inside_full[mapped] = inside
        filled[use_inside] = inside_full[use_inside]
    comunidad = np.array([_point(r[4]) for r in rows], dtype=np.float64).reshape(-1, 2)
    missing = np.isnan(filled[:, 0])
    filled[missing] = comunidad[missing]
    position = {pid: i for i, pid in enumerate(ids)}
    installed = np.zeros(len(ids))
    forestry = np.zeros(len(ids))
    planted = np.full(len(ids), np.nan)
    for plot_id, ha, forest, day in Planting.objects.filter(plot__in=ids).values_list(
        "plot_id", "cacao_installed_ha", "forestry_ha", "installed_on"
    ):
        i = position[plot_id]
        installed[i] += float(ha)
        forestry[i] += float(forest)
        planted[i] = np.fmin(planted[i], day.year)
    grafted = {g: np.zeros(len(ids)) for g in CloneGroup.values}
    seen: dict[int, set[str]] = defaultdict(set)
    for plot_id, ha, group in Graft.objects.filter(plot__in=ids).values_list(
        "plot_id", "grafted_ha", "clone__group"
    ):
        grafted[group][position[plot_id]] += float(ha)
        seen[plot_id].add(group)
    group_of = np.array(
        [
            "none" if not seen[p] else (next(iter(seen[p])) if len(seen[p]) == 1 else "mixed")
            for p in ids
        ],
        dtype="<U12",
    )
    return PlotTable(
        producer=np.array([r[1] for r in rows], dtype=np.int64),
        lon=filled[:, 0],
        lat=filled[:, 1],
        region=np.array([r[5] for r in rows], dtype=str),
        distrito=np.array([f"{r[6]} {r[7]}" for r in rows], dtype=str),
        installed_ha=installed,
        forestry_ha=forestry,
        planted_year=planted,
        group=group_of,
        grafted_ha=grafted,
    )


def producer_table(*, scope: Scope, plots: PlotTable, region: str | None = None) -> ProducerTable:
    """Each producer's point (her first plot's, else her comunidad's) and place."""
    cache = _REUSED.get()
    if cache is None:
        return _read_producers(scope, plots, region)
    key = ("producers", scope, region)
    if key not in cache:
        cache[key] = _read_producers(scope, plots, region)
    found: ProducerTable = cache[key]
    return found


def _read_producers(scope: Scope, plots: PlotTable, region: str | None) -> ProducerTable:
    rows = list(
        producers_for(scope, region)
        .order_by("id")
        .values_list(
            "id",
            AsWKB("comunidad__location"),
            f"{PLACE}__provincia__departamento__name",
            f"{PLACE}__ubigeo",
            f"{PLACE}__name",
        )
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    points = np.array([_point(r[1]) for r in rows], dtype=np.float64).reshape(-1, 2)
    # The first plot (lowest id) of each producer places her, when it has a point.
    order = np.argsort(plots.producer, kind="stable")
    first_producer, first = np.unique(plots.producer[order], return_index=True)
    where = np.searchsorted(ids, first_producer)
    ok = (where < len(ids)) & ~np.isnan(plots.lon[order][first])
    points[where[ok], 0] = plots.lon[order][first][ok]
    points[where[ok], 1] = plots.lat[order][first][ok]
    return ProducerTable(
        ids=ids,
        lon=points[:, 0],
        lat=points[:, 1],
        region=np.array([r[2] for r in rows], dtype=str),
        distrito=np.array([f"{r[3]} {r[4]}" for r in rows], dtype=str),
    )
