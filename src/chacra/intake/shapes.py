"""The plot shapes of a whole file at once: plain ones with array functions, the rest one by one.

Most boundaries in a file are valid (Multi)Polygons in longitude/latitude: they need no repair and
no explanation, so thousands are converted and measured with shapely's vectorised functions.
Anything else (text, GEOS, another type, empty, invalid, out of bounds) goes through
:func:`chacra.registry.geometry.plot_shapes`, which repairs it or says what is wrong: both paths
accept, repair and refuse the same shapes, with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from chacra.errors import InvalidInput
from chacra.geo.area import geodesic_area_ha
from chacra.registry.geometry import WORLD_BOUNDS, plot_shapes

Objects = npt.NDArray[np.object_]
POLYGON, MULTIPOLYGON, POINT = (
    shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON, shapely.GeometryType.POINT,
)  # fmt: skip


@dataclass
class Shapes:
    """Per plot: the boundary as stored (a MultiPolygon), its location, geodesic area (nan
    without a boundary), whether it was repaired and the boundary as given when it was; shapely
    geometries or None. ``errors``: plot index -> why its shape is refused."""

    boundary: Objects
    location: Objects
    area_ha: npt.NDArray[np.float64]
    repaired: npt.NDArray[np.bool_]
    original: Objects
    errors: dict[int, InvalidInput] = field(default_factory=dict)


def _objects(values: list[Any]) -> Objects:
    return np.fromiter(values, dtype=object, count=len(values))


def _fits(geoms: Objects) -> npt.NDArray[np.bool_]:
    west, south, east, north = WORLD_BOUNDS
    b = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        return (b[:, 0] >= west) & (b[:, 2] <= east) & (b[:, 1] >= south) & (b[:, 3] <= north)


def _shapely(value: Any) -> bool:
    return value is None or isinstance(value, shapely.Geometry)


def shapes_at_once(boundaries: list[Any], points: list[Any]) -> Shapes:
    """:func:`chacra.registry.geometry.plot_shapes` for a whole file, as shapely arrays.

    >>> square = shapely.box(-76.50, -6.50, -76.49, -6.49)
    >>> bowtie = shapely.Polygon([(-76.4, -6.5), (-76.39, -6.49), (-76.39, -6.5), (-76.4, -6.49)])
    >>> shapes = shapes_at_once([square, bowtie, None], [None, None, shapely.Point(-76, -6)])
    >>> [g.geom_type for g in shapes.boundary[:2]], shapes.boundary[2]
    (['MultiPolygon', 'MultiPolygon'], None)
    >>> shapes.area_ha.round(1).tolist(), shapes.repaired.tolist()
    ([122.3, 61.2, nan], [False, True, False])
    >>> shapes.location[2].wkt
    'POINT (-76 -6)'
    """
    n = len(boundaries)
    given, at = _objects(boundaries), _objects(points)
    plain = np.fromiter(
        (_shapely(b) and _shapely(p) for b, p in zip(boundaries, points, strict=True)),
        dtype=bool,
        count=n,
    )
    geoms, pts = given.copy(), at.copy()
    geoms[~plain] = pts[~plain] = None  # text, GEOS: for plot_shapes
    has_b, has_p = ~shapely.is_missing(geoms), ~shapely.is_missing(pts)
    b_type, p_type = shapely.get_type_id(geoms), shapely.get_type_id(pts)
    boundary_ok = (
        np.isin(b_type, [POLYGON, MULTIPOLYGON])
        & ~shapely.is_empty(geoms)
        & shapely.is_valid(geoms)
        & _fits(geoms)
    )
    point_ok = (p_type == POINT) & ~shapely.is_empty(pts) & _fits(pts)
    fast = plain & (~has_b | boundary_ok) & (~has_p | point_ok)

    shapes = Shapes(
        boundary=np.full(n, None, dtype=object),
        location=np.full(n, None, dtype=object),
        area_ha=np.full(n, np.nan),
        repaired=np.zeros(n, dtype=bool),
        original=np.full(n, None, dtype=object),
    )
    mapped = np.flatnonzero(fast & has_b)
    flat = shapely.force_2d(geoms[mapped])
    single = shapely.get_type_id(flat) == POLYGON
    flat[single] = shapely.multipolygons(flat[single], indices=np.arange(int(single.sum())))
    shapes.boundary[mapped] = flat
    shapes.area_ha[mapped] = geodesic_area_ha(flat)
    shapes.location[mapped] = shapely.point_on_surface(flat)
    located = np.flatnonzero(fast & has_p)
    shapes.location[located] = shapely.force_2d(pts[located])

    others = np.flatnonzero(~fast).tolist()
    done = plot_shapes([boundaries[i] for i in others], [points[i] for i in others])
    for i, shape in zip(others, done, strict=True):
        if isinstance(shape, InvalidInput):
            shapes.errors[i] = shape
            continue
        shapes.boundary[i] = _from_geos(shape.boundary)
        shapes.location[i] = _from_geos(shape.location)
        shapes.area_ha[i] = np.nan if shape.area_ha is None else shape.area_ha
        shapes.repaired[i] = shape.repaired
        shapes.original[i] = _from_geos(shape.original)
    return shapes


def _from_geos(geom: Any) -> Any:
    return None if geom is None else shapely.from_wkb(bytes(geom.wkb))
