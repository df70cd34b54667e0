"""Plot shapes: repair, and the irregular polygons the demo data is made of."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

# Metres per degree of latitude on WGS84 near the equator (meridian arc); used only to lay out
# synthetic shapes. Every recorded area is measured geodesically afterwards.
M_PER_DEG_LAT = 110_574.0


def repair_polygonal(geometry: Any) -> Any:
    """Return a valid (multi)polygon for a possibly invalid one, or None if nothing areal is left.

    ``shapely.make_valid`` may return a collection with lines or points where a ring collapsed;
    only the polygonal parts are a plot.

    >>> import shapely
    >>> bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> repair_polygonal(bowtie).geom_type
    'MultiPolygon'
    """
    if geometry is None or geometry.is_empty:
        return None
    if geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    fixed = shapely.make_valid(geometry)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if not merged.is_empty else None


def irregular_polygons(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    area_m2: npt.ArrayLike,
    rng: np.random.Generator,
    *,
    vertices: int = 11,
    roughness: float = 0.22,
) -> npt.NDArray[np.object_]:
    """Star-shaped, valid, irregular polygons centred on lon/lat with roughly the given areas.

    All plots are built at once as one (n, vertices + 1, 2) coordinate array. Radii vary by
    ``roughness`` around a common radius, angles are jittered and sorted, so every ring is simple.

    >>> rng = np.random.default_rng(1)
    >>> polys = irregular_polygons([-76.5], [-6.5], [20_000.0], rng)
    >>> bool(polys[0].is_valid)
    True
    """
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    target = np.asarray(area_m2, dtype=np.float64)
    n = len(lon)
    step = 2 * math.pi / vertices
    angles = np.arange(vertices) * step + rng.uniform(-0.35, 0.35, (n, vertices)) * step
    angles += rng.uniform(0, 2 * math.pi, (n, 1))
    radii = 1.0 + rng.uniform(-roughness, roughness, (n, vertices))
    elongation = rng.uniform(0.7, 1.4, (n, 1))
    x = radii * np.cos(angles) * elongation
    y = radii * np.sin(angles) / elongation
    # Shoelace area of the unit shapes, then scale each to its target area in metres.
    unit_area = 0.5 * np.abs(
        np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1)
    )
    scale = np.sqrt(target / unit_area)[:, None]
    m_per_deg_lon = M_PER_DEG_LAT * np.cos(np.radians(lat))[:, None]
    xs = lon[:, None] + x * scale / m_per_deg_lon
    ys = lat[:, None] + y * scale / M_PER_DEG_LAT
    coords = np.stack([np.c_[xs, xs[:, :1]], np.c_[ys, ys[:, :1]]], axis=-1)
    return np.asarray(shapely.polygons(coords), dtype=object)
