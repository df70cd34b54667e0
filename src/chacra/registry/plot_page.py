"""The plot page: one plot's record, its geometry history, quality flags, plantings and visits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chacra.accounts.scope import Scope
from chacra.geo.quality import AREA_RATIO_RANGE
from chacra.registry import selectors
from chacra.registry.models import (
    ExtensionVisit,
    FlagCode,
    Graft,
    Planting,
    Plot,
    PlotFlag,
    PlotGeometryVersion,
)

# What each flag means for the technician who has to act on it (the label says only what it is).
FLAG_EXPLANATIONS: dict[str, Promise] = {
    FlagCode.INVALID_GEOMETRY: _(
        "The boundary as received was not a valid polygon (for example it crossed itself). It "
        "was repaired at intake and the original is kept in the geometry history: compare the "
        "two on the map and check the repaired shape with the producer."
    ),
    FlagCode.FEW_VERTICES: _(
        "The boundary has fewer than four distinct corners, so it cannot follow the plot's "
        "edge: usually a GPS walk cut short. Walk the plot again."
    ),
    FlagCode.SLIVER: _(
        "The shape is long and thin, which real plots rarely are: usually a GPS track that went "
        "out and back along the same path. Walk the plot again."
    ),
    FlagCode.AREA_MISMATCH: _(
        "The area measured from the boundary is less than half or more than twice the area the "
        "producer declared. One of them is wrong: ask the producer, and map again if needed."
    ),
    FlagCode.OVERLAP: _(
        "Part of this plot lies inside another producer's plot. Both cannot hold the same land: "
        "visit both producers and map the shared edge again."
    ),
    FlagCode.OUTSIDE_PERU: _(
        "The geometry lies outside Peru: usually a coordinate with the wrong sign or in the "
        "wrong unit. Correct the coordinates."
    ),
    FlagCode.OUTSIDE_DISTRITO: _(
        "The plot lies outside the distrito of its comunidad. Either the comunidad or the "
        "coordinates are wrong."
    ),
    FlagCode.SWAPPED_COORDINATES: _(
        "Latitude and longitude look swapped: in the right order the plot would fall in Peru. "
        "Correct the file or the GPS settings and import it again."
    ),
    FlagCode.DUPLICATE_GEOMETRY: _(
        "Another plot has exactly the same geometry: the same plot registered twice, or a "
        "boundary copied by mistake. Keep one of them."
    ),
}


@dataclass(frozen=True)
class VersionRow:
    """One geometry the plot has had; ``key`` names its layers on the page's map."""

    version: PlotGeometryVersion
    is_current: bool
    was_invalid: bool

    @property
    def key(self) -> str:
        return f"v{self.version.version}"


@dataclass(frozen=True)
class FlagRow:
    flag: PlotFlag
    explanation: str
    related: list[Plot]  # other plots named in the detail that the viewer may open


@dataclass(frozen=True)
class PlotPage:
    plot: Plot
    area_ratio: float | None  # measured over declared area
    area_ratio_ok: bool
    versions: list[VersionRow]
    flags: list[FlagRow]
    plantings: list[Planting]
    grafts: list[Graft]
    visits: list[ExtensionVisit]
    geometries: dict[str, Any]  # a GeoJSON FeatureCollection for the map


def _feature(geom: Any, **properties: Any) -> dict[str, Any] | None:
    if geom is None:
        return None
    return {"type": "Feature", "geometry": json.loads(geom.geojson), "properties": properties}


def _geometries(plot: Plot, versions: list[VersionRow]) -> dict[str, Any]:
    """The current geometry, every earlier one, and every invalid original as received."""
    current = plot.boundary if plot.boundary is not None else plot.location
    features = [_feature(current, key="current", kind="current", code=plot.code)]
    for row in versions:
        v = row.version
        if not row.is_current:
            geom = v.boundary if v.boundary is not None else v.location
            features.append(_feature(geom, key=row.key, kind="earlier", version=v.version))
        features.append(
            _feature(v.original, key=f"{row.key}-original", kind="original", version=v.version)
        )
    return {"type": "FeatureCollection", "features": [f for f in features if f is not None]}


def _words(detail: str) -> set[str]:
    return set(re.findall(r"[\w-]+", detail))


def _related(scope: Scope, plot: Plot, flags: list[PlotFlag]) -> dict[str, Plot]:
    """Plots named in the flags' details (overlaps, duplicates), if the viewer may see them."""
    words = set().union(*(_words(f.detail) for f in flags)) - {plot.code}
    if not words:
        return {}
    return {p.code: p for p in selectors.plot_list(scope=scope).filter(code__in=words)}


def plot_page(*, scope: Scope, pk: int) -> PlotPage:
    """Everything the plot page shows; raises NotFound or AccessDenied like ``plot_get``."""
    plot = selectors.plot_get(scope=scope, pk=pk)
    history = list(plot.geometry_versions.select_related("mapped_by").order_by("-version"))
    latest = history[0].version if history else None
    versions = [
        VersionRow(v, is_current=v.version == latest, was_invalid=v.original is not None)
        for v in history
    ]
    flags = list(plot.flags.all())
    related = _related(scope, plot, flags)
    declared = float(plot.declared_area_ha) if plot.declared_area_ha else None
    ratio = plot.area_ha / declared if plot.area_ha is not None and declared else None
    low, high = AREA_RATIO_RANGE
    return PlotPage(
        plot=plot,
        area_ratio=ratio,
        area_ratio_ok=ratio is None or low <= ratio <= high,
        versions=versions,
        flags=[
            FlagRow(
                flag=f,
                explanation=str(FLAG_EXPLANATIONS.get(f.code, "")),
                related=[related[w] for w in sorted(_words(f.detail)) if w in related],
            )
            for f in flags
        ],
        plantings=list(plot.plantings.order_by("installed_on")),
        grafts=list(plot.grafts.select_related("clone").order_by("grafted_on")),
        visits=list(selectors.visit_list(scope=scope).filter(plot=plot).select_related("agent")),
        geometries=_geometries(plot, versions),
    )
