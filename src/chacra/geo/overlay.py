"""Overlap of plots with reference polygons (protected areas), in geodesic square metres.

Pairs are found with one ``shapely.STRtree`` query over the plots, with each reference polygon as
the (prepared) query geometry, so a park of 50,000 vertices is indexed once, never compared with
every plot. A plot wholly inside a polygon overlaps it by its own area; only plots that cross a
boundary are intersected, and then with the polygon clipped to the plot's box first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from chacra.geo.area import geodesic_area_m2

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
MIN_OVERLAP_M2 = 1.0  # less is a shared boundary measured in floating point, not an overlap


def polygon_overlaps(
    plots: Any, areas: Any, *, plot_m2: npt.ArrayLike | None = None
) -> tuple[Ints, Ints, Floats]:
    """Every (plot, area) pair that overlaps by at least ``MIN_OVERLAP_M2``, and by how much.

    ``plots`` and ``areas`` are valid (multi)polygons in lon/lat (None allowed);
    ``plot_m2`` the plots' geodesic areas when already known. Pairs come sorted by plot.

    >>> park = shapely.box(-76.0, -7.0, -75.0, -6.0)
    >>> plots = [shapely.box(-76.01, -6.51, -75.99, -6.49), shapely.box(-75.5, -6.5, -75.49, -6.49),
    ...          shapely.box(-77.5, -6.5, -77.49, -6.49)]
    >>> i, j, m2 = polygon_overlaps(plots, [park])
    >>> i.tolist(), j.tolist(), [round(float(x) / 1e4, 2) for x in m2]
    ([0, 1], [0, 0], [244.64, 122.32])
    """
    plot_geoms = np.asarray(plots, dtype=object).ravel()
    area_geoms = np.asarray(areas, dtype=object).ravel()
    none = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if not len(plot_geoms) or not len(area_geoms):
        return none
    tree = shapely.STRtree(plot_geoms)
    shapely.prepare(area_geoms)
    j, i = tree.query(area_geoms, predicate="intersects")
    if not len(i):
        return none
    order = np.lexsort((j, i))
    i, j = i[order].astype(np.int64), j[order].astype(np.int64)
    inside = shapely.contains_properly(area_geoms[j], plot_geoms[i])
    m2 = np.zeros(len(i), dtype=np.float64)
    if inside.any():
        known = None if plot_m2 is None else np.asarray(plot_m2, dtype=np.float64)[i[inside]]
        m2[inside] = (
            known if known is not None and np.isfinite(known).all()
            else geodesic_area_m2(plot_geoms[i[inside]])
        )  # fmt: skip
    cross = np.flatnonzero(~inside)
    if len(cross):
        boxes = shapely.bounds(plot_geoms[i[cross]])
        clipped = [
            shapely.clip_by_rect(area_geoms[a], *box)
            for a, box in zip(j[cross].tolist(), boxes.tolist(), strict=True)
        ]
        m2[cross] = geodesic_area_m2(shapely.intersection(plot_geoms[i[cross]], clipped))
    keep = m2 >= MIN_OVERLAP_M2
    return i[keep], j[keep], m2[keep]
