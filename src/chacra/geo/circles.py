"""Plots mapped by one GPS point, as the circle of their declared area.

The EU's rules let a plot of at most 4 ha be given as a point; chacra checks such a plot as a
geodesic circle of its declared area around the point. The circle is a polygon of ``vertices``
points at equal geodesic distance from the centre, with the radius chosen so that the polygon (not
the ideal circle) has the declared area: an inscribed 64-gon alone would be 0.16% short.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import shapely

from chacra.geo.area import WGS84

VERTICES = 64


def geodesic_circles(
    lon: npt.ArrayLike, lat: npt.ArrayLike, area_m2: npt.ArrayLike, *, vertices: int = VERTICES
) -> npt.NDArray[np.object_]:
    """Polygons around each lon/lat point whose geodesic area is ``area_m2`` (to ~1e-7 for plots).

    >>> from chacra.geo.area import geodesic_area_m2
    >>> disc = geodesic_circles([-76.5], [-7.0], [30_000.0])
    >>> round(float(geodesic_area_m2(disc)[0]))
    30000
    >>> bool(disc[0].contains(shapely.Point(-76.5, -7.0)))
    True
    """
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    area = np.asarray(area_m2, dtype=np.float64).ravel()
    n = len(x)
    # A regular polygon of radius r has area n/2 r^2 sin(2 pi / n).
    radius = np.sqrt(2.0 * area / (vertices * math.sin(2.0 * math.pi / vertices)))
    azimuths = np.linspace(0.0, 360.0, vertices, endpoint=False)
    lons, lats, _ = WGS84.fwd(
        np.repeat(x, vertices),
        np.repeat(y, vertices),
        np.tile(azimuths, n),
        np.repeat(radius, vertices),
    )
    ring = np.stack([np.reshape(lons, (n, vertices)), np.reshape(lats, (n, vertices))], axis=-1)
    ring = np.concatenate([ring, ring[:, :1]], axis=1)[:, ::-1]  # closed, counter-clockwise
    return np.asarray(shapely.polygons(ring), dtype=object)
