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


def reference_layers() -> ReferenceLayers:
    """The registered layers, read from the database once: the latest raster of each kind and
    every protected-area layer's features."""
    from chacra.layers.selectors import latest_layers, protected_area_features

    rasters = {
        kind: RasterFile.from_layer(layer)
        for kind, layer in latest_layers(kinds=("loss_year", "forest_2020", "tmf")).items()
    }
    parts = [
        ProtectedAreas.build(geoms, names, props, layer=cite["name"], citation=cite)
        for cite, geoms, names, props in protected_area_features()
    ]
    return ReferenceLayers(
        loss=rasters.get("loss_year"),
        forest=rasters.get("forest_2020"),
        tmf=rasters.get("tmf"),
        protected=ProtectedAreas.combine(parts) if parts else None,
    )


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
    redone = frozenset(zonal.redone.tolist()) if zonal is not None else frozenset()
    citations = layers.citations
    missing = layers.missing
    loss_label = _label(layers.loss.citation if layers.loss else None)
    forest_label = _label(layers.forest.citation if layers.forest else None)
    area_ha = np.round(shapes.area_m2 / M2_PER_HA, DECIMALS)
    measured = np.isfinite(area_ha)
    results: list[PlotResult] = []
    for i, plot in enumerate(plots):
        has = bool(measured[i]) and shapes.geoms[i] is not None
        whole = float(area_ha[i]) if has else None
        figures: dict[str, Any] = {
            "geometry": shapes.kind[i],
            "checked_as": (
                None if not has else "circle" if shapes.kind[i] == "point" else "polygon"
            ),
            "valid": bool(shapes.valid[i]),
            "area_ha": whole,
            "declared_ha": plot.declared_ha,
            "cutoff": "2020-12-31",
        }
        if i in shapes.invalid_reason:
            figures["invalid_reason"] = shapes.invalid_reason[i]
        if zonal is not None and has:
            _zonal_into(figures, zonal, i, whole or 0.0, layers, loss_label, forest_label, redone)
        if layers.protected is not None and has:
            figures["protected"] = overlaps[i]
            figures["protected_ha"] = round(sum(o["ha"] for o in overlaps[i]), DECIMALS)
        status, reasons = assess(figures, flags=plot.flags, missing=missing)
        results.append(PlotResult(plot.id, status, reasons, figures, citations))
    return results


def _zonal_into(
    figures: dict[str, Any],
    zonal: ZonalFigures,
    i: int,
    whole: float,
    layers: ReferenceLayers,
    loss_label: str,
    forest_label: str,
    redone: frozenset[int],
) -> None:
    if layers.loss is not None:
        row = zonal.loss_m2[i] / M2_PER_HA
        loss = float(row.sum())
        figures["loss_ha"] = round(loss, DECIMALS)
        figures["loss_share"] = round(loss / whole, DECIMALS) if whole > 0 else 0.0
        figures["loss_by_year"] = {
            str(year): round(float(ha), DECIMALS)
            for year, ha in zip(zonal.loss_years, row.tolist(), strict=True)
            if ha > 0
        }
        figures["loss_no_data_ha"] = round(float(zonal.loss_no_data_m2[i]) / M2_PER_HA, DECIMALS)
        figures["loss_layer"] = loss_label
    if layers.forest is not None:
        forest = float(zonal.forest_m2[i]) / M2_PER_HA
        figures["forest_2020_ha"] = round(forest, DECIMALS)
        figures["forest_2020_share"] = round(min(forest / whole, 1.0), DECIMALS) if whole else 0.0
        gap = float(zonal.forest_no_data_m2[i]) / M2_PER_HA
        figures["forest_no_data_ha"] = round(gap, DECIMALS)
        figures["forest_layer"] = forest_label
    figures["exact"] = bool(zonal.measured[i])  # measured with exactextract, not from its window
    if i in redone:
        figures["guard"] = True  # exactextract dropped a cell; measured again, nudged
