"""Figures summed on H3 hexagons, cells too thin to publish suppressed, and hot spots (Gi*).

H3 (Uber's hexagonal grid) gives cells of one size everywhere at a chosen resolution (res 6:
~36 km2, res 7: ~5 km2, res 8: ~0.7 km2), so counts in neighbouring cells compare fairly and no
single plot's outline is ever drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import h3
import numpy as np
import numpy.typing as npt
import shapely


def cells_of(lon: npt.ArrayLike, lat: npt.ArrayLike, resolution: int) -> npt.NDArray[np.str_]:
    """The H3 cell (hex string) of each point.

    >>> cells_of([-76.36], [-6.49], 6).tolist()
    ['868f4018fffffff']
    """
    lons = np.asarray(lon, dtype=np.float64).tolist()
    lats = np.asarray(lat, dtype=np.float64).tolist()
    # h3 has no array API; one C call per point is ~1 microsecond.
    return np.array(
        [h3.latlng_to_cell(y, x, resolution) for x, y in zip(lons, lats, strict=True)],
        dtype="<U16",
    )


@dataclass(frozen=True)
class CellSums:
    cells: npt.NDArray[np.str_]  # unique cells, sorted
    sums: dict[str, npt.NDArray[np.float64]]  # each figure summed per cell
    counts: npt.NDArray[np.int64]  # how many people (the privacy count) in each cell


def sum_by_cell(
    cells: npt.ArrayLike, figures: Mapping[str, npt.ArrayLike], people: npt.ArrayLike
) -> CellSums:
    """Each figure summed per cell; ``people`` are ids counted once per cell.

    >>> s = sum_by_cell(["a", "b", "a"], {"ha": [1.0, 2.0, 3.0]}, [7, 8, 7])
    >>> s.cells.tolist(), s.sums["ha"].tolist(), s.counts.tolist()
    (['a', 'b'], [4.0, 2.0], [1, 1])
    """
    c = np.asarray(cells)
    unique, inverse = np.unique(c, return_inverse=True)
    sums = {
        k: np.bincount(
            inverse, weights=np.asarray(v, dtype=np.float64), minlength=len(unique)
        ).astype(np.float64)
        for k, v in figures.items()
    }
    pairs = np.unique(np.stack([inverse, np.asarray(people, dtype=np.int64)]), axis=1)
    counts = np.bincount(pairs[0], minlength=len(unique)).astype(np.int64)
    return CellSums(unique, sums, counts)


def hot_spots(
    cells: npt.ArrayLike, values: npt.ArrayLike, rings: int = 1
) -> npt.NDArray[np.float64]:
    """Getis-Ord Gi* z-scores of ``values`` over H3 cells, neighbours within ``rings`` steps.

    Cells with no data count as zero. z above 1.96 marks a hot spot at 95% confidence.

    >>> centre = h3.latlng_to_cell(-6.49, -76.36, 7)
    >>> ring = sorted(h3.grid_disk(centre, 1))
    >>> far = [h3.latlng_to_cell(-9.0 + i / 10, -75.0, 7) for i in range(12)]
    >>> z = hot_spots(ring + far, [10.0] * 7 + [1.0] * 12)
    >>> bool(z[ring.index(centre)] > 1.96), bool(z[-1] < 0)
    (True, True)
    """
    c = np.asarray(cells).tolist()
    x = np.asarray(values, dtype=np.float64)
    position = {cell: i for i, cell in enumerate(c)}
    n = len(c)
    if n < 2:
        return np.zeros(n)
    rows: list[int] = []
    cols: list[int] = []
    for i, cell in enumerate(c):
        for other in h3.grid_disk(cell, rings):
            j = position.get(other)
            if j is not None:
                rows.append(i)
                cols.append(j)
    r = np.asarray(rows)
    local = np.bincount(r, weights=x[cols], minlength=n)
    weight = np.bincount(r, minlength=n).astype(np.float64)
    mean, sd = x.mean(), x.std()
    if sd == 0:
        return np.zeros(n)
    denom = sd * np.sqrt((n * weight - weight**2) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local - mean * weight) / denom
    out: npt.NDArray[np.float64] = np.nan_to_num(z)
    return out


def cell_polygons(cells: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Each cell's hexagon as a shapely polygon in lon/lat.

    >>> cell_polygons(["868f4018fffffff"])[0].geom_type
    'Polygon'
    """
    rings = [[(x, y) for y, x in h3.cell_to_boundary(c)] for c in np.asarray(cells).tolist()]
    return shapely.polygons(rings) if rings else np.empty(0, dtype=object)
