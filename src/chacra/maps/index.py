"""Every plot's map geometry and styling attributes, held in arrays for serving tiles fast.

Reading 30,000 plots from the database for each tile would cost more than drawing them, so each
process keeps one copy of all plots in EPSG:3857 with two spatial indexes (STRtree), rebuilt when
the data changes. What a viewer may see is decided by the registry's scoped selector, never here:
``visible`` turns the selector's answer into a mask over the arrays, cached per viewer, filters
and data version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db.models import Count, Max

from chacra.accounts.models import AuditEntry
from chacra.accounts.scope import Scope
from chacra.compliance.models import PlotCheck
from chacra.geo.webmercator import to_mercator
from chacra.registry import selectors
from chacra.registry.models import CloneGroup, Graft, Planting, Plot, PlotFlag

#: Hectare classes of the programme's printed map "Location of New Cacao Planted".
HECTARE_CLASSES = ((0.0, 5.0, 1), (5.0, 10.0, 2), (10.0, float("inf"), 3))
GROUPS = ("fine_flavour", "ccn51", "mixed", "native", "none")


@dataclass(frozen=True)
class MapFilters:
    """What the map shows: the registry's filters plus the map's own (planting year, group)."""

    plots: selectors.PlotFilters = field(default_factory=selectors.PlotFilters)
    year: int | None = None
    group: str | None = None


@dataclass
class PlotIndex:
    version: tuple[Any, ...]
    ids: npt.NDArray[np.int64]
    polygons: npt.NDArray[np.object_]  # EPSG:3857 multipolygons; None where not mapped
    points: npt.NDArray[np.object_]  # the GPS point, or a point on the polygon
    mapped: npt.NDArray[np.int8]
    group: npt.NDArray[np.str_]
    agroforestry: npt.NDArray[np.int8]
    year: npt.NDArray[np.int64]  # first planting year, 0 when none is recorded
    flags: npt.NDArray[np.str_]  # flag codes joined by spaces, "" when none
    risk: npt.NDArray[np.str_]  # current EUDR check status, or "unchecked"
    hectares: npt.NDArray[np.float64]  # GPS area when mapped, else the declared area
    hectare_class: npt.NDArray[np.int8]
    polygon_tree: shapely.STRtree
    point_tree: shapely.STRtree

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, plot_ids: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """A mask over the index of the given plot ids."""
        return np.isin(self.ids, np.asarray(plot_ids, dtype=np.int64))


def data_version() -> tuple[Any, ...]:
    """Changes whenever a plot, its flags, plantings or grafts change (all writes are audited)."""
    latest_audit = AuditEntry.objects.aggregate(m=Max("id"))["m"]
    plots = Plot.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (latest_audit, plots["n"], plots["t"], PlotFlag.objects.count())


def hectare_class(hectares: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """1, 2 or 3 for 0.1-5.0, 5.1-10.0 and more than 10.1 ha; 0 where the area is unknown.

    >>> hectare_class([0.5, 5.0, 7.2, 12.0, np.nan]).tolist()
    [1, 1, 2, 3, 0]
    """
    ha = np.asarray(hectares, dtype=np.float64)
    out = np.zeros(ha.shape, dtype=np.int8)
    with np.errstate(invalid="ignore"):
        for low, high, code in HECTARE_CLASSES:
            out[(ha > low) & (ha <= high)] = code
    return out


def _groups(plot_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    seen: dict[int, set[str]] = defaultdict(set)
    for plot_id, group in Graft.objects.values_list("plot_id", "clone__group"):
        seen[plot_id].add(group)
    out = np.full(len(plot_ids), "none", dtype="<U12")
    for i, plot_id in enumerate(plot_ids.tolist()):
        found = seen.get(plot_id)
        if not found:
            continue
        if found == {CloneGroup.FINE_FLAVOUR}:
            out[i] = "fine_flavour"
        elif found == {CloneGroup.CCN51}:
            out[i] = "ccn51"
        elif found == {CloneGroup.NATIVE}:
            out[i] = "native"
        else:
            out[i] = "mixed"
    return out


def _plantings(
    plot_ids: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    forestry: dict[int, bool] = {}
    first_year: dict[int, int] = {}
    rows = Planting.objects.values_list("plot_id", "installed_on", "forestry_ha")
    for plot_id, installed_on, forestry_ha in rows:
        forestry[plot_id] = forestry.get(plot_id, False) or bool(forestry_ha)
        year = installed_on.year
        first_year[plot_id] = min(first_year.get(plot_id, year), year)
    ids = plot_ids.tolist()
    agroforestry = np.array([forestry.get(i, False) for i in ids], dtype=np.int8)
    years = np.array([first_year.get(i, 0) for i in ids], dtype=np.int64)
    return agroforestry, years


def _flags(plot_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    codes: dict[int, list[str]] = defaultdict(list)
    for plot_id, code in PlotFlag.objects.order_by("code").values_list("plot_id", "code"):
        codes[plot_id].append(code)
    return np.array([" ".join(codes.get(i, ())) for i in plot_ids.tolist()], dtype=object).astype(
        str
    )


def _risk(plot_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    current = dict(PlotCheck.objects.filter(is_current=True).values_list("plot_id", "status"))
    return np.array([current.get(i, "unchecked") for i in plot_ids.tolist()], dtype="<U16")


def build_index(version: tuple[Any, ...] | None = None) -> PlotIndex:
    """Read every plot once and index it (about a second for 30,000 plots)."""
    version = version if version is not None else data_version()
    rows = list(
        Plot.objects.order_by("id").values_list(
            "id",
            AsWKB("boundary"),
            AsWKB("location"),
            "area_ha",
            "declared_area_ha",
        )
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    boundary = shapely.from_wkb(np.array([_bytes(r[1]) for r in rows], dtype=object))
    location = shapely.from_wkb(np.array([_bytes(r[2]) for r in rows], dtype=object))
    polygons = to_mercator(boundary) if n else np.empty(0, dtype=object)
    mapped = ~shapely.is_missing(boundary) if n else np.zeros(0, dtype=bool)
    points = np.where(
        shapely.is_missing(location) & mapped,
        shapely.point_on_surface(polygons) if n else polygons,
        to_mercator(location) if n else location,
    )
    area = np.array([r[3] if r[3] is not None else np.nan for r in rows], dtype=np.float64)
    declared = np.array(
        [float(r[4]) if r[4] is not None else np.nan for r in rows], dtype=np.float64
    )
    hectares = np.where(mapped & ~np.isnan(area), area, declared)
    agroforestry, years = _plantings(ids)
    return PlotIndex(
        version=version,
        ids=ids,
        polygons=polygons,
        points=points,
        mapped=mapped.astype(np.int8),
        group=_groups(ids),
        agroforestry=agroforestry,
        year=years,
        flags=_flags(ids),
        risk=_risk(ids),
        hectares=hectares,
        hectare_class=hectare_class(hectares),
        polygon_tree=shapely.STRtree(polygons),
        point_tree=shapely.STRtree(points),
    )


def _bytes(value: Any) -> bytes | None:
    return bytes(value) if value is not None else None


class _Cache:
    """The process's index and the viewers' masks, rebuilt when the data version changes."""

    def __init__(self, masks: int = 128) -> None:
        self._lock = threading.Lock()
        self._index: PlotIndex | None = None
        self._masks: OrderedDict[tuple[Any, ...], npt.NDArray[np.bool_]] = OrderedDict()
        self._max_masks = masks

    def index(self) -> PlotIndex:
        version = data_version()
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = build_index(version)
                self._masks.clear()
            return self._index

    def visible(self, scope: Scope, filters: MapFilters, index: PlotIndex) -> npt.NDArray[np.bool_]:
        key = (index.version, scope, filters)
        with self._lock:
            if key in self._masks:
                self._masks.move_to_end(key)
                return self._masks[key]
        allowed = selectors.plot_list(scope=scope, filters=filters.plots)
        mask = index.position(list(allowed.order_by().values_list("id", flat=True).distinct()))
        if filters.year:
            mask &= index.year == filters.year
        if filters.group:
            mask &= index.group == filters.group
        with self._lock:
            self._masks[key] = mask
            while len(self._masks) > self._max_masks:
                self._masks.popitem(last=False)
        return mask

    def clear(self) -> None:
        with self._lock:
            self._index = None
            self._masks.clear()


CACHE = _Cache()
