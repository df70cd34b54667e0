"""Vector tiles of plots, for the web map.

Two layers per tile:

- ``plots``: mapped plots as polygons, from zoom ``POLYGON_ZOOM`` (below it a plot of a few
  hectares is smaller than a pixel);
- ``points``: unmapped plots at their GPS point, and below ``POLYGON_ZOOM`` mapped plots too, at
  a point on their polygon, so that every plot is visible at every zoom.

Both carry the properties the map styles and filters on: ``group`` (fine_flavour, ccn51, mixed,
native, none), ``agroforestry`` and ``mapped`` (0/1), ``flags`` (quality flag codes joined by
spaces), ``risk`` (the current EUDR check: compliant, needs_review, non_compliant, unchecked),
``year`` (first planting year, 0 if none), ``ha`` and ``ha_class`` (1: 0.1-5.0, 2: 5.1-10.0,
3: more than 10.1 ha). The feature id is the plot's id; no names, no DNI.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.core.cache import cache

from chacra.accounts.scope import Scope
from chacra.geo.mvt import BUFFER, EXTENT, Layer, encode_tile
from chacra.geo.webmercator import mercator_to_lonlat, tile_bounds
from chacra.maps.index import CACHE, MapFilters, PlotIndex

POLYGON_ZOOM = 12
MAX_ZOOM = 22
#: Seconds a rendered tile stays in the cache; the data version is part of its key anyway.
TILE_TTL = 3600


def _properties(index: PlotIndex, rows: npt.NDArray[np.intp]) -> dict[str, npt.NDArray[Any]]:
    return {
        "group": index.group[rows],
        "agroforestry": index.agroforestry[rows],
        "mapped": index.mapped[rows],
        "flags": index.flags[rows],
        "risk": index.risk[rows],
        "year": index.year[rows],
        "ha": np.round(np.nan_to_num(index.hectares[rows]), 1),
        "ha_class": index.hectare_class[rows],
    }


def _layer(name: str, kind: str, index: PlotIndex, rows: npt.NDArray[np.intp]) -> Layer:
    geoms = index.polygons[rows] if kind == "polygon" else index.points[rows]
    return Layer(name, kind, geoms, index.ids[rows], _properties(index, rows))  # type: ignore[arg-type]


def render_tile(index: PlotIndex, mask: npt.NDArray[np.bool_], z: int, x: int, y: int) -> bytes:
    """The MVT of tile z/x/y with the plots ``mask`` selects."""
    bounds = tile_bounds(z, x, y)
    # Points are drawn as circles a few pixels wide: take those just outside the tile too.
    pad = (bounds[2] - bounds[0]) * BUFFER / EXTENT
    box = shapely.box(bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    points = index.point_tree.query(box)
    points = np.sort(points[mask[points]])
    if z >= POLYGON_ZOOM:
        polygons = index.polygon_tree.query(box, predicate="intersects")
        polygons = np.sort(polygons[mask[polygons]])
        points = points[index.mapped[points] == 0]
        layers = [_layer("plots", "polygon", index, polygons)]
    else:
        layers = []
    layers.append(_layer("points", "point", index, points))
    return encode_tile(layers, z, x, y)


def tile_key(index: PlotIndex, scope: Scope, filters: MapFilters, z: int, x: int, y: int) -> str:
    """A cache key and ETag that changes with the data, the viewer's scope and the filters."""
    text = repr((index.version, scope, filters, z, x, y))
    return "chacra-tile:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def plot_tile(*, scope: Scope, filters: MapFilters, z: int, x: int, y: int) -> tuple[bytes, str]:
    """The tile for a viewer, from the cache when it was drawn before: (bytes, cache key)."""
    index = CACHE.index()
    key = tile_key(index, scope, filters, z, x, y)
    cached = cache.get(key)
    if cached is not None:
        return cached, key
    data = render_tile(index, CACHE.visible(scope, filters, index), z, x, y)
    cache.set(key, data, TILE_TTL)
    return data, key


def plots_bounds(*, scope: Scope, filters: MapFilters) -> list[float] | None:
    """[west, south, east, north] in degrees around the plots a viewer sees, or None."""
    index = CACHE.index()
    mask = CACHE.visible(scope, filters, index)
    if not mask.any():
        return None
    xmin, ymin, xmax, ymax = shapely.total_bounds(index.points[mask])
    lon, lat = mercator_to_lonlat([xmin, xmax], [ymin, ymax])
    return [round(float(v), 5) for v in (lon[0], lat[0], lon[1], lat[1])]


def plots_geojson(*, scope: Scope, filters: MapFilters) -> str:
    """Every plot a viewer sees as one GeoJSON FeatureCollection with the tiles' properties.

    What the tiles hold, in one document: a polygon for each mapped plot plus its point (drawn
    below the polygon zoom, where the polygon is smaller than a pixel), and the GPS point of each
    unmapped plot. It is the way web maps are often fed, and the peer of the map benchmark.
    """
    index = CACHE.index()
    visible = np.flatnonzero(CACHE.visible(scope, filters, index))
    mapped = visible[index.mapped[visible] == 1]
    rows = np.concatenate([mapped, visible])
    geoms = np.concatenate([index.polygons[mapped], index.points[visible]])
    # A plot with neither a polygon nor a GPS point cannot be drawn.
    drawable = ~shapely.is_missing(geoms)
    rows, geoms = rows[drawable], geoms[drawable]

    def to_degrees(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        lon, lat = mercator_to_lonlat(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    geometries = shapely.to_geojson(shapely.transform(geoms, to_degrees))
    props = _properties(index, rows)
    columns = {k: v.tolist() for k, v in props.items()}
    features = [
        f'{{"type":"Feature","id":{plot_id},"geometry":{geometry},"properties":'
        f"{json.dumps({k: columns[k][i] for k in columns})}}}"
        for i, (plot_id, geometry) in enumerate(
            zip(index.ids[rows].tolist(), geometries, strict=True)
        )
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
