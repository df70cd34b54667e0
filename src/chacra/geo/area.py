"""Areas on the WGS84 ellipsoid, never in degrees and never planar.

The ellipsoid is mapped onto its authalic sphere (the sphere of the same surface, each latitude
moved to its authalic latitude), a mapping that keeps every area; there each ring's area is
the sum of its edges' spherical excesses, the exact formula for great-circle edges, computed
for every edge of every ring in a few numpy operations. A geodesic edge's image is not quite a
great circle, so this differs from Karney's geodesic polygon area (pyproj's
``Geod.polygon_area_perimeter``, one Python call per ring, 4x slower for 30,000 plots) by about
1e-11 of a plot's area, at most 1e-7 or a thousandth of a square metre
(``tests/geo/test_area.py`` compares both); rings over :data:`WIDE_DEGREES` across, where
the difference grows (2e-5 for Peru's bounding box), are measured by pyproj.

Formulas: authalic latitude and q from Snyder (1987), *Map projections: a working manual*,
eqs. 3-11 and 3-12; an edge's excess is that of the quadrilateral it makes with the equator,
tan(E/2) = tan(dlon/2) (tan(b1/2) + tan(b2/2)) / (1 + tan(b1/2) tan(b2/2)), b the latitudes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
M2_PER_HA = 10_000.0
_E2 = WGS84.es  # first eccentricity squared
_E = float(np.sqrt(_E2))


def _q(sin_lat: npt.NDArray[np.float64] | float) -> Any:
    """Snyder's q of a latitude's sine (eq. 3-12)."""
    return (1 - _E2) * (
        sin_lat / (1 - _E2 * sin_lat**2)
        - np.log((1 - _E * sin_lat) / (1 + _E * sin_lat)) / (2 * _E)
    )


_QP = float(_q(1.0))
AUTHALIC_R2 = WGS84.a**2 * _QP / 2  # the authalic sphere's radius, squared
WIDE_DEGREES = 1.0  # rings wider or taller than this are measured by pyproj


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
    # every ring's coordinates at once; each edge is two consecutive points of one ring
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    if not len(xy):
        return areas
    edge = ring[1:] == ring[:-1]
    lon = np.radians(xy[:, 0])
    half = np.tan(np.arcsin(_q(np.sin(np.radians(xy[:, 1]))) / _QP) / 2)  # tan(authalic lat / 2)
    t1, t2 = half[:-1][edge], half[1:][edge]
    step = lon[1:][edge] - lon[:-1][edge]
    excess = 2 * np.arctan2(np.tan(step / 2) * (t1 + t2), 1 + t1 * t2)
    measured = np.abs(np.bincount(ring[1:][edge], excess, minlength=len(rings))) * AUTHALIC_R2
    # Rings wider or taller than a degree (regions, not plots; and rings across 180°): the
    # great-circle edges would stray from the geodesic ones, so Karney's exact area, ring by ring.
    low_x, low_y, high_x, high_y = shapely.bounds(rings).T
    for k in np.flatnonzero((high_x - low_x > WIDE_DEGREES) | (high_y - low_y > WIDE_DEGREES)):
        lons, lats = xy[ring == k].T
        measured[k] = abs(WGS84.polygon_area_perimeter(lons, lats)[0])
    np.add.at(areas, whose, signs * measured)
    return areas


def geodesic_area_ha(geometries: Any) -> npt.NDArray[np.float64]:
    """Geodesic area in hectares; see :func:`geodesic_area_m2`."""
    return geodesic_area_m2(geometries) / M2_PER_HA


SHORT_DEGREES = 0.05  # segments shorter than this (about 5 km) are measured in line


def segment_lengths_m(
    lon1: npt.NDArray[np.float64],
    lat1: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Geodesic lengths in metres of segments given by their ends in degrees.

    A segment under :data:`SHORT_DEGREES` is measured with the ellipsoid's radii of curvature
    at its middle latitude (meridian M, prime vertical N: Snyder 1987, eqs. 4-18 and 4-20),
    within a millionth of pyproj's geodesic ``Geod.inv`` (tested), several times faster; longer
    ones by ``Geod.inv``.

    >>> round(float(segment_lengths_m(*np.array([[-76.0], [-7.0], [-75.99], [-7.0]]))[0]), 2)
    1104.95
    """
    middle = np.radians((lat1 + lat2) / 2)
    w2 = 1 - _E2 * np.sin(middle) ** 2
    north = np.radians(lat2 - lat1) * WGS84.a * (1 - _E2) / w2**1.5
    east = np.radians(lon2 - lon1) * WGS84.a / np.sqrt(w2) * np.cos(middle)
    lengths = np.hypot(north, east)
    long = (np.abs(lon2 - lon1) >= SHORT_DEGREES) | (np.abs(lat2 - lat1) >= SHORT_DEGREES)
    if long.any():
        lengths[long] = WGS84.inv(lon1[long], lat1[long], lon2[long], lat2[long])[2]
    return lengths
