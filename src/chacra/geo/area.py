"""Geodesic areas on the WGS84 ellipsoid, never in degrees and never planar.

pyproj's ``Geod.polygon_area_perimeter`` on coordinate arrays is the fastest exact way
(PITFALLS.md: 1.7x faster than ``geometry_area_perimeter``), so rings are split once with
shapely's vectorised accessors, their coordinates read at once and measured one ring at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
M2_PER_HA = 10_000.0


def geodesic_area_m2(geometries: Any) -> npt.NDArray[np.float64]:
    """Geodesic area in square metres of each (multi)polygon given in lon/lat degrees.

    Holes are subtracted; points, lines and missing geometries measure 0.

    >>> import shapely
    >>> square = shapely.box(-76.0, -7.0, -75.99, -6.99)
    >>> round(float(geodesic_area_m2([square])[0]) / 1e4, 2)
    122.2
    """
    geoms = np.asarray(geometries, dtype=object).ravel()
    areas = np.zeros(len(geoms), dtype=np.float64)
    polys, owner = shapely.get_parts(geoms, return_index=True)
    is_poly = shapely.get_type_id(polys) == shapely.GeometryType.POLYGON
    polys, owner = polys[is_poly], owner[is_poly]
    exteriors = shapely.get_exterior_ring(polys)
    interiors, interior_owner = shapely.get_rings(polys, return_index=True)
    # get_rings lists the exterior first for each polygon; keep only the holes.
    first = np.ones(len(interior_owner), dtype=bool)
    first[1:] = interior_owner[1:] != interior_owner[:-1]
    holes, hole_owner = interiors[~first], owner[interior_owner[~first]]
    rings = np.concatenate([exteriors, holes])
    signs = np.concatenate([np.ones(len(exteriors)), -np.ones(len(holes))])
    whose = np.concatenate([owner, hole_owner])
    # every ring's coordinates at once, cut into one array per ring (views, no copies)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    if not len(xy):
        return areas
    cuts = np.flatnonzero(np.diff(ring)) + 1
    lons = np.split(np.ascontiguousarray(xy[:, 0]), cuts)
    lats = np.split(np.ascontiguousarray(xy[:, 1]), cuts)
    measure = WGS84.polygon_area_perimeter
    measured = np.abs([measure(lon, lat)[0] for lon, lat in zip(lons, lats, strict=True)])
    measured_rings = ring[np.r_[0, cuts]]  # empty rings have no coordinates: they measure 0
    np.add.at(areas, whose[measured_rings], signs[measured_rings] * measured)
    return areas


def geodesic_area_ha(geometries: Any) -> npt.NDArray[np.float64]:
    """Geodesic area in hectares; see :func:`geodesic_area_m2`."""
    return geodesic_area_m2(geometries) / M2_PER_HA
