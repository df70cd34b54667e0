"""What the printed map draws, read from the registry and the reference layers in one pass.

Only aggregate-safe things: plot positions with their hectares (no producer, no code), district
capitals, programme offices, boundaries, roads and rivers, and where each came from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.contrib.gis.geos import Polygon
from django.db.models import Q

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied, InvalidInput
from chacra.layers.models import LayerKind
from chacra.layers.selectors import layer_list, layer_shapes
from chacra.registry.models import Departamento, Distrito, Organisation, OrganisationKind, Provincia
from chacra.registry.selectors import PlotFilters, plot_list

#: The classes of the programme's map "Location of New Cacao Planted": (low, high] hectares.
# Room around what is mapped, as a share of its size.
PADDING = 0.06
Box = tuple[float, float, float, float]


@dataclass
class MapData:
    """Everything the map draws, in lon/lat (EPSG:4326)."""

    region: Departamento | None
    plot_xy: npt.NDArray[np.float64]  # (n, 2)
    plot_ha: npt.NDArray[np.float64]  # NaN where neither measured nor declared
    unplaced: int  # plots in scope with no location
    box: Box
    capitals: list[tuple[str, float, float]] = field(default_factory=list)
    offices: list[tuple[str, float, float]] = field(default_factory=list)
    departamentos: list[tuple[str, Any, bool]] = field(default_factory=list)  # name, shape, focus
    provincias: list[Any] = field(default_factory=list)
    roads: npt.NDArray[np.object_] = field(default_factory=lambda: np.array([], dtype=object))
    rivers: npt.NDArray[np.object_] = field(default_factory=lambda: np.array([], dtype=object))
    river_names: list[str] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)  # source -> kinds drawn from it


def map_scope(scope: Scope) -> Scope:
    """Whoever sees the dashboard may print the map: it shows no names, so aggregate-only roles
    (investors, buyers) see the whole programme, as their dashboard figures do."""
    if not scope.sees_aggregates:
        raise AccessDenied("log in with a programme role to print the map")
    return scope if scope.sees_personal_data else Scope(role=Role.STAFF)


def region_get(value: str) -> Departamento:
    region = Departamento.objects.filter(Q(ubigeo=value) | Q(name__iexact=value.strip())).first()
    if region is None:
        known = ", ".join(Departamento.objects.order_by("name").values_list("name", flat=True))
        raise InvalidInput(
            f"region: no departamento {value!r}; give a name or ubigeo: {known}", field="region"
        )
    return region


def _grow(box: Box | None, other: Box) -> Box:
    if box is None:
        return other
    return (
        min(box[0], other[0]),
        min(box[1], other[1]),
        max(box[2], other[2]),
        max(box[3], other[3]),
    )


def _box_of(geoms: list[Any]) -> Box | None:
    geoms = [g for g in geoms if g is not None]
    if not geoms:
        return None
    b = shapely.total_bounds(geoms)
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _shape(geos: Any) -> Any:
    return shapely.from_wkb(bytes(geos.wkb)) if geos is not None else None


def _padded(box: Box) -> Box:
    w, h = box[2] - box[0], box[3] - box[1]
    pad = max(w, h, 0.05) * PADDING
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def _plot_rows(scope: Scope, focus: Departamento | None) -> list[tuple[Any, ...]]:
    plots = plot_list(
        scope=map_scope(scope), filters=PlotFilters(region=focus.ubigeo if focus else None)
    )
    return list(
        plots.prefetch_related(None)
        .order_by()
        .values_list("location", "area_ha", "declared_area_ha", "comunidad__distrito_id")
    )


def map_data(*, scope: Scope, region: str | None = None) -> MapData:
    """The plots ``scope`` may see (in ``region``, a name or ubigeo) and what lies around them."""
    focus = region_get(region) if region else None
    rows = _plot_rows(scope, focus)
    placed = [r for r in rows if r[0] is not None]
    xy = np.array([(r[0].x, r[0].y) for r in placed], dtype=np.float64).reshape(-1, 2)
    # The measured area where the plot is mapped, else the area its producer declared.
    ha = np.array(
        [np.nan if r[1] is None and r[2] is None else float(r[1] or r[2] or 0) for r in placed],
        dtype=np.float64,
    )
    # Capitals of the distritos with plots on the map (a whole country's would bury the map),
    # those with most plots first: they get their labels when places crowd.
    plots_in = Counter(r[3] for r in rows)
    distritos = sorted(
        Distrito.objects.filter(pk__in=list(plots_in), capital_location__isnull=False),
        key=lambda d: (-plots_in[d.pk], d.name),
    )
    capitals = [
        (d.capital or d.name, d.capital_location.x, d.capital_location.y)  # type: ignore[union-attr]
        for d in distritos
    ]
    departamentos = (
        [focus]
        if focus is not None
        else list(
            Departamento.objects.filter(provincias__distritos__in=[d.pk for d in distritos])
            .distinct()
            .order_by("name")
        )
    )
    box: Box | None = None
    for b in (
        _box_of(list(shapely.points(xy))) if len(xy) else None,
        _box_of([_shape(d.boundary) for d in departamentos]),
        _box_of([shapely.Point(c[1:]) for c in capitals]),
    ):
        if b is not None:
            box = _grow(box, b)
    if box is None:
        raise InvalidInput(
            "nothing to map: no plot with a location, no district capital and no boundary "
            + (f"in {focus.name}" if focus else "in your scope")
        )
    data = MapData(
        region=focus,
        plot_xy=xy,
        plot_ha=ha,
        unplaced=len(rows) - len(placed),
        box=_padded(box),
        capitals=capitals,
    )
    _setting_add(data, {d.pk for d in departamentos})
    return data


def _setting_add(data: MapData, focus_ids: set[int]) -> None:
    """Capitals, offices, borders, roads and rivers within the map's box, and their sources."""
    area = Polygon.from_bbox(data.box)
    for d in Departamento.objects.filter(boundary__bboverlaps=area).order_by("name"):
        data.departamentos.append((d.name, _shape(d.boundary), d.pk in focus_ids))
    data.provincias = [
        _shape(g)
        for g in Provincia.objects.filter(boundary__bboverlaps=area).values_list(
            "boundary", flat=True
        )
    ]
    offices = Organisation.objects.filter(
        kind=OrganisationKind.PROGRAMME_OFFICE, location__isnull=False, location__within=area
    ).order_by("name")
    data.offices = [
        (o.name, o.location.x, o.location.y)  # type: ignore[union-attr]
        for o in offices
    ]
    data.roads, _ = layer_shapes(kind=LayerKind.ROAD, bbox=data.box)
    data.rivers, data.river_names = layer_shapes(kind=LayerKind.RIVER, bbox=data.box)
    drawn = {
        LayerKind.DEPARTAMENTO_BOUNDARIES: bool(data.departamentos),
        LayerKind.PROVINCIA_BOUNDARIES: bool(data.provincias),
        LayerKind.ROAD: bool(len(data.roads)),
        LayerKind.RIVER: bool(len(data.rivers)),
    }
    for layer in layer_list(kinds=[k for k, shown in drawn.items() if shown]):
        kinds = data.sources.setdefault(layer.source or layer.name, [])
        if layer.kind not in kinds:
            kinds.append(layer.kind)
