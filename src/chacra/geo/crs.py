"""Coordinates from a layer's coordinate reference system into longitude/latitude on WGS84.

Shared by the imports of plots (:mod:`chacra.intake.readers.layers`) and of reference layers
(:mod:`chacra.layers.vectors`); each says in its own words what the user should do.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

WGS84 = CRS.from_epsg(4326)


class CrsError(ValueError):
    """A coordinate reference system that cannot be read, or coordinates it cannot convert."""


def crs_read(text: str | None) -> CRS | None:
    """The CRS a layer declares (WKT, PROJ or an authority code), None when it declares none.

    >>> crs_read("EPSG:32718").name
    'WGS 84 / UTM zone 18S'
    """
    if not text:
        return None
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise CrsError(f"its coordinate reference system is not understood ({exc})") from exc


def to_lonlat(geometries: npt.NDArray[np.object_], crs: CRS | None) -> npt.NDArray[np.object_]:
    """``geometries`` converted from ``crs`` to longitude/latitude on WGS84 (as they are when
    ``crs`` is None or already WGS84's).

    >>> utm = np.array([shapely.Point(500_000, 9_200_000)], dtype=object)
    >>> [round(c, 4) for c in to_lonlat(utm, crs_read("EPSG:32718"))[0].coords[0]]
    [-75.0, -7.2375]
    """
    if crs is None or crs.equals(WGS84, ignore_axis_order=True):
        return geometries
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)

    def to_wgs84(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    try:
        return np.asarray(shapely.transform(geometries, to_wgs84), dtype=object)
    except ProjError as exc:
        raise CrsError(f"coordinates cannot be converted from {crs.name} to WGS84 ({exc})") from exc


def lonlat_read(
    geometries: npt.NDArray[np.object_], crs_text: str | None
) -> tuple[npt.NDArray[np.object_], CRS | None, npt.NDArray[np.bool_]]:
    """``geometries`` in longitude/latitude (:func:`to_lonlat` from the CRS ``crs_text``
    declares), that CRS, and which geometries are present (not missing, not empty) and outside
    longitude -180..180 / latitude -90..90 (or not finite) once converted: not on Earth, so
    their coordinates were not what the layer said.

    >>> far = np.array([shapely.Point(-76.5, -7.2), shapely.Point(330_000, 9_200_000), None])
    >>> lonlat_read(far, None)[2].tolist()
    [False, True, False]
    """
    crs = crs_read(crs_text)
    geometries = to_lonlat(geometries, crs)
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    low_x, low_y, high_x, high_y = shapely.bounds(geometries).reshape(-1, 4).T
    with np.errstate(invalid="ignore"):
        fits = (low_x >= -180) & (high_x <= 180) & (low_y >= -90) & (high_y <= 90)
    return geometries, crs, present & ~fits


def crs_said(crs: CRS | None) -> str:
    """What a layer said of its coordinates, for a message about coordinates that do not fit."""
    if crs is None:
        return "has no coordinate reference system (a Shapefile's .prj is missing)"
    if crs.is_geographic:
        return f"says its coordinates are longitude/latitude ({crs.name})"
    return f"is converted from {crs.name}"


def number(value: Any) -> str:
    """A coordinate as short text: at most 6 decimals, no trailing zeros."""
    return f"{float(value):.6f}".rstrip("0").rstrip(".")
