"""The compliance check of many plots at once: geometry, forest loss, forest 2020, protected areas.

:func:`check_plots` takes plain inputs (:class:`PlotInput`) and the reference layers
(:class:`ReferenceLayers`, from the database with :func:`reference_layers` or from files with
:meth:`ReferenceLayers.from_paths`) and returns one :class:`PlotResult` per plot, in order. Every
step is vectorised over the plots: one raster read per tile of plots, one exactextract pass for
the plots that need it (:mod:`chacra.compliance.rasters`), one STRtree query for protected areas
(:mod:`chacra.compliance.protected`); the decision is :func:`chacra.compliance.rules.assess`.

Plots are checked as their boundary (repaired for the figures when invalid, which fails the
plot), or, for a GPS point, as a geodesic circle of the declared area around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from chacra.compliance.protected import ProtectedAreas, protected_figures
from chacra.compliance.rasters import RasterFile, ZonalFigures, zonal_figures
from chacra.compliance.rules import Reason, assess
from chacra.geo.area import M2_PER_HA, geodesic_area_m2
from chacra.geo.circles import geodesic_circles
from chacra.geo.shapes import repair_polygonal
from chacra.layers.protected import Category

__all__ = [
    "PlotInput",
    "PlotResult",
    "Reason",
    "ReferenceLayers",
    "check_plots",
    "reference_layers",
]
REQUIRED_KINDS = ("loss_year", "forest_2020", "protected_area")
DECIMALS = 6  # hectares to 0.01 m^2


@dataclass(frozen=True)
class PlotInput:
    """What the engine needs of a plot; ``boundary`` and ``point`` in EPSG:4326 (lon, lat)."""

    id: int
    boundary: Any  # shapely (multi)polygon or None
    point: Any  # shapely Point or None
    declared_ha: float | None
    area_ha: float | None  # geodesic, as stored with the plot
    flags: frozenset[str] = frozenset()  # registry quality flag codes


@dataclass(frozen=True)
class PlotResult:
    plot_id: int
    status: str
    reasons: tuple[Reason, ...]
    figures: dict[str, Any]
    layers: tuple[dict[str, str], ...]  # kind, name, version, source, sha256 of each layer used


@dataclass(frozen=True)
class ReferenceLayers:
    """The layers a check reads: one raster of each kind (or None) and all protected areas."""

    loss: RasterFile | None = None
    forest: RasterFile | None = None
    tmf: RasterFile | None = None
    protected: ProtectedAreas | None = None
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def from_paths(
        cls,
        *,
        loss: Path | None = None,
        forest: Path | None = None,
        tmf: Path | None = None,
        protected: Path | None = None,
        protected_category: Category | None = None,
    ) -> ReferenceLayers:
        """Layers read straight from files, without the database (benchmarks, scripts)."""
        return cls(
            loss=RasterFile.open_path(loss, kind="loss_year") if loss else None,
            forest=RasterFile.open_path(forest, kind="forest_2020") if forest else None,
            tmf=RasterFile.open_path(tmf, kind="tmf") if tmf else None,
            protected=(
                ProtectedAreas.from_file(protected, category=protected_category)
                if protected
                else None
            ),
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """The kinds a check needs that are not loaded, as :data:`REQUIRED_KINDS` names them."""
        have = {
            "loss_year": self.loss is not None,
            "forest_2020": self.forest is not None,
            "protected_area": self.protected is not None and len(self.protected) > 0,
        }
        return tuple(kind for kind in REQUIRED_KINDS if not have[kind])

    @property
    def citations(self) -> tuple[dict[str, str], ...]:
        """Each layer the checks use, as results cite it. TMF is registered, not yet used."""
        cited = [r.citation for r in (self.loss, self.forest) if r is not None]
        if self.protected is not None:
            cited.extend(self.protected.citations)
        return tuple(dict(c) for c in cited)


_CACHE: dict[tuple[Any, ...], ReferenceLayers] = {}


def reference_layers() -> ReferenceLayers:
    """The registered layers, read from the database: the latest raster of each kind and every
    protected-area layer's features. Kept while no layer changes, since a run calls this once per
    chunk of plots and a national protected-area layer takes a while to read."""
    from chacra.layers.models import Layer
    from chacra.layers.selectors import latest_layers, protected_area_features

    key = tuple(
        Layer.objects.filter(kind__in=(*REQUIRED_KINDS, "tmf"))
        .order_by("id")
        .values_list("id", "kind", "version", "sha256", "path", "loaded_at")
    )
    if key in _CACHE:
        return _CACHE[key]
    rasters = {
        kind: RasterFile.from_layer(layer)
        for kind, layer in latest_layers(kinds=("loss_year", "forest_2020", "tmf")).items()
    }
    parts = [
        ProtectedAreas.build(geoms, names, props, layer=cite["name"], citation=cite)
        for cite, geoms, names, props in protected_area_features()
    ]
    layers = ReferenceLayers(
        loss=rasters.get("loss_year"),
        forest=rasters.get("forest_2020"),
        tmf=rasters.get("tmf"),
        protected=ProtectedAreas.combine(parts) if parts else None,
    )
    _CACHE.clear()
    _CACHE[key] = layers
    return layers


@dataclass
class _Shapes:
    """The shape each plot is checked as, and what the rules need to know about it."""

    kind: list[str]
    geoms: npt.NDArray[np.object_]
    area_m2: npt.NDArray[np.float64]
    valid: npt.NDArray[np.bool_]
    invalid_reason: dict[int, str]


def _objects(values: list[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _shapes(plots: Sequence[PlotInput]) -> _Shapes:
    n = len(plots)
    boundaries = _objects([p.boundary for p in plots])
    has_boundary = ~shapely.is_missing(boundaries) & ~shapely.is_empty(boundaries)
    points = _objects([p.point for p in plots])
    has_point = ~has_boundary & ~shapely.is_missing(points) & ~shapely.is_empty(points)
    declared = np.array([p.declared_ha if p.declared_ha is not None else np.nan for p in plots])
    stored = np.array([p.area_ha if p.area_ha is not None else np.nan for p in plots])
    kind = np.where(has_boundary, "polygon", np.where(has_point, "point", "none")).tolist()
    geoms = np.full(n, None, dtype=object)
    area = np.full(n, np.nan)
    valid = np.ones(n, dtype=bool)
    reasons: dict[int, str] = {}

    poly = np.flatnonzero(has_boundary)
    valid[poly] = shapely.is_valid(boundaries[poly])
    geoms[poly] = boundaries[poly]
    for i in poly[~valid[poly]].tolist():
        reasons[i] = str(shapely.is_valid_reason(boundaries[i]))
        geoms[i] = repair_polygonal(boundaries[i])
    measure = poly[~valid[poly] | ~(stored[poly] > 0)]
    area[poly] = stored[poly] * M2_PER_HA
    area[measure] = geodesic_area_m2(geoms[measure])

    circle = np.flatnonzero(has_point & (declared > 0))
    if len(circle):
        xy = shapely.get_coordinates(points[circle])
        geoms[circle] = geodesic_circles(xy[:, 0], xy[:, 1], declared[circle] * M2_PER_HA)
        area[circle] = declared[circle] * M2_PER_HA
    return _Shapes(kind=kind, geoms=geoms, area_m2=area, valid=valid, invalid_reason=reasons)


def _label(citation: dict[str, str] | None) -> str:
    if not citation:
        return ""
    return " ".join(v for v in (citation.get("name", ""), citation.get("version", "")) if v)


def check_plots(plots: Sequence[PlotInput], layers: ReferenceLayers) -> list[PlotResult]:
    """Check every plot against the layers; one result per plot, in the order given."""
    n = len(plots)
    if not n:
        return []
    shapes = _shapes(plots)
    zonal: ZonalFigures | None = None
    if layers.loss is not None or layers.forest is not None:
        zonal = zonal_figures(shapes.geoms, shapes.area_m2, loss=layers.loss, forest=layers.forest)
    overlaps = (
        protected_figures(shapes.geoms, shapes.area_m2, layers.protected)
        if layers.protected is not None
        else [[] for _ in range(n)]
    )
    citations = layers.citations
    missing = layers.missing
    area = shapes.area_m2 / M2_PER_HA
    has = np.isfinite(area) & ~shapely.is_missing(shapes.geoms)
    area_ha = np.round(area, DECIMALS).tolist()
    valid = shapes.valid.tolist()
    raster = _raster_columns(zonal, area, layers) if zonal is not None else None
    redone = frozenset(zonal.redone.tolist()) if zonal is not None else frozenset()
    results: list[PlotResult] = []
    for i, plot in enumerate(plots):
        kind = shapes.kind[i]
        measured = bool(has[i])
        figures: dict[str, Any] = {
            "geometry": kind,
            "checked_as": None if not measured else "circle" if kind == "point" else "polygon",
            "valid": valid[i],
            "area_ha": area_ha[i] if measured else None,
            "declared_ha": plot.declared_ha,
            "cutoff": "2020-12-31",
        }
        if i in shapes.invalid_reason:
            figures["invalid_reason"] = shapes.invalid_reason[i]
        if zonal is not None and raster is not None and measured:
            figures.update({key: column[i] for key, column in raster.items()})
            if layers.loss is not None:
                figures["loss_by_year"] = _by_year(zonal, i) if figures["loss_ha"] else {}
            if i in redone:
                figures["guard"] = True  # exactextract dropped a cell: measured again, nudged
        if layers.protected is not None and measured:
            figures["protected"] = overlaps[i]
            figures["protected_ha"] = round(sum(o["ha"] for o in overlaps[i]), DECIMALS)
        status, reasons = assess(figures, flags=plot.flags, missing=missing)
        results.append(PlotResult(plot.id, status, reasons, figures, citations))
    return results


def _raster_columns(
    zonal: ZonalFigures, area_ha: npt.NDArray[np.float64], layers: ReferenceLayers
) -> dict[str, list[Any]]:
    """The raster figures of every plot, as columns of plain values (rounded once, at once)."""
    n = len(area_ha)
    whole = np.where(area_ha > 0, area_ha, np.inf)
    columns: dict[str, list[Any]] = {}
    if layers.loss is not None:
        loss = zonal.loss_m2.sum(axis=1) / M2_PER_HA
        columns["loss_ha"] = np.round(loss, DECIMALS).tolist()
        columns["loss_share"] = np.round(loss / whole, DECIMALS).tolist()
        columns["loss_no_data_ha"] = np.round(zonal.loss_no_data_m2 / M2_PER_HA, DECIMALS).tolist()
        columns["loss_layer"] = [_label(layers.loss.citation)] * n
    if layers.forest is not None:
        forest = zonal.forest_m2 / M2_PER_HA
        columns["forest_2020_ha"] = np.round(forest, DECIMALS).tolist()
        columns["forest_2020_share"] = np.round(np.minimum(forest / whole, 1.0), DECIMALS).tolist()
        gap = zonal.forest_no_data_m2 / M2_PER_HA
        columns["forest_no_data_ha"] = np.round(gap, DECIMALS).tolist()
        columns["forest_layer"] = [_label(layers.forest.citation)] * n
    columns["exact"] = zonal.measured.tolist()  # measured with exactextract, not from its window
    return columns


def _by_year(zonal: ZonalFigures, i: int) -> dict[str, float]:
    row = np.round(zonal.loss_m2[i] / M2_PER_HA, DECIMALS).tolist()
    return {str(year): ha for year, ha in zip(zonal.loss_years, row, strict=True) if ha > 0}
