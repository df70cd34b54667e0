"""Spherical (web) Mercator, EPSG:3857, and the XYZ tile grid that web maps use.

The projection is the closed formula of EPSG:3857 on a sphere of radius 6,378,137 m, applied to
whole coordinate arrays; it is only for drawing, never for measuring (see geo/area.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

RADIUS = 6_378_137.0
#: Half the width of the world in EPSG:3857 metres.
ORIGIN = np.pi * RADIUS
#: The latitude where the square world of web maps ends.
MAX_LAT = 85.0511287798066


def lonlat_to_mercator(
    lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """EPSG:4326 degrees to EPSG:3857 metres.

    >>> x, y = lonlat_to_mercator([-76.0], [-7.0])
    >>> round(float(x[0])), round(float(y[0]))
    (-8460281, -781182)
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    x = np.radians(lon_a) * RADIUS
    y = np.log(np.tan(np.pi / 4 + np.radians(lat_a) / 2)) * RADIUS
    return x, y


def mercator_to_lonlat(
    x: npt.ArrayLike, y: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """EPSG:3857 metres back to EPSG:4326 degrees.

    >>> lon, lat = mercator_to_lonlat(*lonlat_to_mercator([-76.0], [-7.0]))
    >>> round(float(lon[0]), 9), round(float(lat[0]), 9)
    (-76.0, -7.0)
    """
    x_a = np.asarray(x, dtype=np.float64)
    y_a = np.asarray(y, dtype=np.float64)
    lon = np.degrees(x_a / RADIUS)
    lat = np.degrees(2 * np.arctan(np.exp(y_a / RADIUS)) - np.pi / 2)
    return lon, lat


def to_mercator(geometries: Any) -> npt.NDArray[np.object_]:
    """Shapely geometries in lon/lat to EPSG:3857, in one vectorised pass over all coordinates."""
    geoms = np.asarray(geometries, dtype=object)

    def project(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = lonlat_to_mercator(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, project)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The (xmin, ymin, xmax, ymax) of XYZ tile z/x/y in EPSG:3857 metres (y counts down).

    >>> tile_bounds(0, 0, 0) == (-ORIGIN, -ORIGIN, ORIGIN, ORIGIN)
    True
    """
    if not (0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z):
        raise ValueError(f"no tile {z}/{x}/{y}: z is 0-24, x and y 0 to 2**z - 1")
    span = 2 * ORIGIN / 2**z
    xmin = -ORIGIN + x * span
    ymax = ORIGIN - y * span
    return xmin, ymax - span, xmin + span, ymax


def tiles_covering(
    z: int, lon_min: float, lat_min: float, lon_max: float, lat_max: float
) -> list[tuple[int, int, int]]:
    """Every tile of zoom z that touches a lon/lat box, in row order.

    >>> tiles_covering(1, -80.0, -10.0, -70.0, -5.0)
    [(1, 0, 1)]
    """
    (x0, x1), (y0, y1) = lonlat_to_mercator([lon_min, lon_max], [lat_max, lat_min])
    n = 2**z
    span = 2 * ORIGIN / n

    def index(v: float, flip: bool) -> int:
        i = int((ORIGIN - v if flip else v + ORIGIN) // span)
        return min(max(i, 0), n - 1)

    return [
        (z, tx, ty)
        for ty in range(index(y0, True), index(y1, True) + 1)
        for tx in range(index(x0, False), index(x1, False) + 1)
    ]
