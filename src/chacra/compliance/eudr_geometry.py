"""Plot geometries as the EU information system takes them: 6 decimals, valid, without holes.

Pure shapely and numpy. Rounding to 6 decimals can collapse neighbouring vertices and make a
valid polygon invalid (PITFALLS.md), so :func:`on_grid` rounds, drops the repeated vertices and
validates again. The EU takes no holes, so :func:`holes_split` cuts a polygon with holes into
parts without any, covering the same ground: each cut joins a vertex of a hole to a vertex of
the exterior, so no new vertex is made and the parts' area is the polygon's exactly. Parts of one
plot share the cuts as edges, and a MultiPolygon whose parts share an edge is invalid, so they
go out as one Polygon each (:func:`eudr_geometries`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.ops import split

from chacra.compliance.eudr_rules import DECIMALS
from chacra.geo.shapes import repair_polygonal

GRID = 10.0**-DECIMALS
NEAREST = 8  # exterior vertices tried for each hole vertex
# A segment lying inside the polygon that meets its boundary at both ends and nowhere else.
CUT_PATTERN = "1FFF0F212"


def _polygonal_parts(geometry: Any) -> list[Any]:
    if geometry is None or geometry.is_empty:
        return []
    return [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and not p.is_empty]


def on_grid(geometry: Any) -> Any:
    """A (multi)polygon rounded to 6 decimals, without collapsed vertices, valid; or None.

    >>> tight = shapely.Polygon([(0, 0), (0.0000001, 0), (0.001, 0), (0.001, 0.001), (0, 0.001)])
    >>> on_grid(tight).wkt
    'POLYGON ((0 0.001, 0.001 0.001, 0.001 0, 0 0, 0 0.001))'
    >>> on_grid(shapely.box(0, 0, 0.0000002, 0.0000002)) is None  # all of it collapsed
    True
    """
    fixed = repair_polygonal(geometry)
    if fixed is None:
        return None
    # GEOS snap-rounds every vertex to the grid, drops the ones that fall together, and nodes
    # edges that come to cross, so what comes out is valid at 6 decimals.
    rounded = shapely.set_precision(fixed, GRID, mode="valid_output")
    parts = _polygonal_parts(rounded)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def holes_split(polygon: Any) -> list[Any]:
    """Parts of a polygon, without holes, that cover exactly what it covers.

    >>> square = shapely.Polygon(
    ...     [(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]]
    ... )
    >>> parts = holes_split(square)
    >>> len(parts), sum(p.area for p in parts), max(len(p.interiors) for p in parts)
    (2, 96.0, 0)
    """
    done: list[Any] = []
    todo = [polygon]
    # Each cut removes a hole and makes none, so this ends; the bound guards odd geometry.
    for _ in range(4 * (len(polygon.interiors) + 1)):
        if not todo:
            return done
        part = todo.pop()
        if part.interiors:
            todo.extend(_split_at_hole(part))
        else:
            done.append(part)
    raise ValueError(f"could not remove the holes of {polygon.wkt[:80]}")


def _split_at_hole(polygon: Any) -> list[Any]:
    """Split along two cuts from the first hole to the exterior, or through it when none fit."""
    cuts = _cuts(polygon)
    if cuts is not None:
        parts = _polygonal_parts(split(polygon, shapely.MultiLineString(cuts)))
        if len(parts) >= 2 and all(len(p.interiors) < len(polygon.interiors) for p in parts):
            return parts
    # A line across the hole's middle adds vertices where it crosses edges: rounding them
    # moves the edge by at most half a millionth of a degree (about 5 cm).
    hole = shapely.Polygon(polygon.interiors[0])
    x = round(hole.centroid.x, DECIMALS)
    _, miny, _, maxy = polygon.bounds
    line = shapely.LineString([(x, miny - 1), (x, maxy + 1)])
    parts = _polygonal_parts(split(polygon, line))
    return [p for part in parts for p in _polygonal_parts(on_grid(part))]


def _cuts(polygon: Any) -> list[Any] | None:
    """Two disjoint segments from vertices of the first hole to vertices of the exterior."""
    hole = np.asarray(polygon.interiors[0].coords)[:-1, :2]
    outer = np.asarray(polygon.exterior.coords)[:-1, :2]
    near = np.argsort(
        ((hole[:, None, :] - outer[None, :, :]) ** 2).sum(axis=2), axis=1, kind="stable"
    )[:, :NEAREST]
    h = np.repeat(np.arange(len(hole)), near.shape[1])
    e = near.ravel()
    segments = shapely.linestrings(np.stack([hole[h], outer[e]], axis=1))
    shapely.prepare(polygon)
    fits = shapely.relate_pattern(segments, polygon, CUT_PATTERN)
    if not fits.any():
        return None
    length = shapely.length(segments)
    first = int(np.flatnonzero(fits)[np.argmin(length[fits])])
    # The second cut starts as far round the hole from the first as it can: balanced parts.
    apart = np.abs(h - h[first])
    apart = np.minimum(apart, len(hole) - apart)
    other = (
        fits & (h != h[first]) & (e != e[first]) & ~shapely.intersects(segments, segments[first])
    )
    if not other.any():
        return None
    order = np.lexsort((length, -apart))
    second = int(order[other[order]][0])
    return [segments[first], segments[second]]


def eudr_geometries(geometry: Any) -> list[Any]:
    """A plot's (multi)polygon as the EU takes it: one geometry per feature, hole-free, 6 decimals.

    Without holes the plot is one Polygon or MultiPolygon; with holes each hole-free part is a
    Polygon of its own (parts share edges, which no valid MultiPolygon does). Empty: nothing
    areal is left at 6 decimals.

    >>> ring = shapely.Polygon(
    ...     [(-76.7, -7.2), (-76.69, -7.2), (-76.69, -7.19), (-76.7, -7.19)],
    ...     [[(-76.696, -7.196), (-76.694, -7.196), (-76.694, -7.194), (-76.696, -7.194)]],
    ... )
    >>> [g.geom_type for g in eudr_geometries(ring)]
    ['Polygon', 'Polygon']
    """
    gridded = on_grid(geometry)
    if gridded is None:
        return []
    polygons = _polygonal_parts(gridded)
    if not any(p.interiors for p in polygons):
        return [gridded]
    return [part for p in polygons for part in holes_split(p)]
