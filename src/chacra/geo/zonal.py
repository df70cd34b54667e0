"""Zonal figures of plots over lon/lat rasters: exact coverage fractions times true cell areas.

A plot's hectares of a class (forest in 2020, loss in 2022) are the sum, over the raster cells it
touches, of the fraction of each cell it covers (exactextract, exact for polygons) times the
geodesic area of that cell on the WGS84 ellipsoid (:func:`cell_area_m2`). exactextract's own
``area_spherical_m2`` weight uses a sphere and is ~0.64% off (PITFALLS.md); this matches pyproj's
geodesic plot areas to ~1e-7.

Speed comes from not asking: most plots touch no loss pixel, and most lie in uniform forest or
non-forest. :func:`window_cells` lists every cell of every plot's bounding window at once, so a
caller can find, with a few array operations, the plots whose window holds a cell of interest;
only those go through :func:`coverage`, one exactextract pass for all of them.

exactextract 0.3.0 can drop one whole cell from a valid polygon when a vertex lies within ~1e-12
cell widths of a cell edge (PITFALLS.md). :func:`coverage` checks each plot's covered area against
its geodesic area and recomputes, with the plot moved by a millionth of a cell, those that differ
by a quarter of a cell or more.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import RasterSource
from exactextract.writer import Writer

from chacra.geo.area import WGS84, geodesic_area_m2

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# WGS84: semi-major axis, flattening; the authalic formula below needs b^2 and e.
_A = WGS84.a
_E2 = WGS84.es
_E = math.sqrt(_E2)
_B2 = _A * _A * (1.0 - _E2)
GUARD_CELLS = 0.25  # a covered area this many cells away from the geodesic area is redone
GUARD_NUDGE = 1e-6  # cell widths a plot is moved by when exactextract dropped a cell
GUARD_TRIES = 3


def _q(lat_deg: Floats) -> Floats:
    s = np.sin(np.radians(lat_deg))
    return s / (1.0 - _E2 * s * s) + np.log((1.0 + _E * s) / (1.0 - _E * s)) / (2.0 * _E)


def cell_area_m2(south: npt.ArrayLike, north: npt.ArrayLike, width_deg: float) -> Floats:
    """Area in m^2 on the WGS84 ellipsoid of cells between two parallels, ``width_deg`` wide.

    Exact for a cell bounded by meridians and parallels; agrees with pyproj's geodesic area of
    the same four corners to ~1e-9 (the difference is the bulge of a geodesic edge).

    >>> from pyproj import Geod
    >>> ours = float(cell_area_m2([-7.00025], [-7.0], 0.00025)[0])
    >>> theirs = abs(Geod(ellps="WGS84").polygon_area_perimeter(
    ...     [-76.0, -75.99975, -75.99975, -76.0], [-7.00025, -7.00025, -7.0, -7.0])[0])
    >>> round(ours, 3), abs(ours - theirs) / theirs < 1e-9
    (763.734, True)
    """
    lo = np.asarray(south, dtype=np.float64)
    hi = np.asarray(north, dtype=np.float64)
    return np.asarray(np.radians(width_deg) * _B2 / 2.0 * (_q(hi) - _q(lo)), dtype=np.float64)


@dataclass(frozen=True)
class Grid:
    """A north-up lon/lat raster grid: the corner of cell (0, 0), cell sizes, and its shape.

    >>> grid = Grid(west=-77.0, north=-6.0, dx=0.00025, dy=0.00025, width=4000, height=4000)
    >>> grid.bounds
    (-77.0, -7.0, -76.0, -6.0)
    """

    west: float
    north: float
    dx: float
    dy: float
    width: int
    height: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (
            self.west,
            self.north - self.height * self.dy,
            self.west + self.width * self.dx,
            self.north,
        )

    def row_areas_m2(self, rows: npt.ArrayLike) -> Floats:
        """Geodesic area of one cell of each of these rows (cells of a row are all alike)."""
        r = np.asarray(rows, dtype=np.float64)
        return cell_area_m2(self.north - (r + 1) * self.dy, self.north - r * self.dy, self.dx)

    def windows(self, bounds: npt.ArrayLike) -> Windows:
        """The cells each (west, south, east, north) box touches, clipped to the grid.

        >>> grid = Grid(west=0.0, north=0.0, dx=1.0, dy=1.0, width=10, height=10)
        >>> w = grid.windows([[2.5, -3.5, 4.0, -1.2], [9.5, -1.0, 12.0, 0.0]])
        >>> w.row0.tolist(), w.row1.tolist(), w.col0.tolist(), w.col1.tolist(), w.inside.tolist()
        ([1, 0], [4, 1], [2, 9], [4, 10], [True, False])
        """
        box = np.asarray(bounds, dtype=np.float64).reshape(-1, 4)
        with np.errstate(invalid="ignore"):
            col0 = np.floor((box[:, 0] - self.west) / self.dx)
            col1 = np.ceil((box[:, 2] - self.west) / self.dx)
            row0 = np.floor((self.north - box[:, 3]) / self.dy)
            row1 = np.ceil((self.north - box[:, 1]) / self.dy)
        empty = ~np.isfinite(box).all(axis=1)
        inside = ~empty & (col0 >= 0) & (row0 >= 0) & (col1 <= self.width) & (row1 <= self.height)
        col0[empty] = col1[empty] = row0[empty] = row1[empty] = 0
        c0 = np.clip(col0, 0, self.width).astype(np.int64)
        c1 = np.clip(col1, 0, self.width).astype(np.int64)
        r0 = np.clip(row0, 0, self.height).astype(np.int64)
        r1 = np.clip(row1, 0, self.height).astype(np.int64)
        c1, r1 = np.maximum(c1, c0), np.maximum(r1, r0)
        return Windows(row0=r0, row1=r1, col0=c0, col1=c1, inside=inside)


@dataclass(frozen=True)
class Windows:
    """Half-open cell ranges [row0, row1) x [col0, col1) of each plot, and whether the plot's
    box lies wholly inside the grid (a plot partly outside is partly unobserved)."""

    row0: Ints
    row1: Ints
    col0: Ints
    col1: Ints
    inside: Bools

    def __len__(self) -> int:
        return len(self.row0)

    @property
    def cells(self) -> Ints:
        return (self.row1 - self.row0) * (self.col1 - self.col0)

    def take(self, index: npt.ArrayLike) -> Windows:
        i = np.asarray(index)
        return Windows(self.row0[i], self.row1[i], self.col0[i], self.col1[i], self.inside[i])


def window_cells(windows: Windows) -> tuple[Ints, Ints, Ints]:
    """Every cell of every window: (owner, row, col), windows in order, row-major within each.

    >>> grid = Grid(west=0.0, north=0.0, dx=1.0, dy=1.0, width=10, height=10)
    >>> owner, rows, cols = window_cells(grid.windows([[2.5, -2.5, 4.0, -1.2], [0, -1, 1, 0]]))
    >>> owner.tolist(), rows.tolist(), cols.tolist()
    ([0, 0, 0, 0, 1], [1, 1, 2, 2, 0], [2, 3, 2, 3, 0])
    """
    width = windows.col1 - windows.col0
    sizes = windows.cells
    total = int(sizes.sum())
    owner = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    starts = np.cumsum(sizes) - sizes
    k = np.arange(total, dtype=np.int64) - starts[owner]
    w = width[owner]
    return owner, windows.row0[owner] + k // w, windows.col0[owner] + k % w


def windows_any(cells_true: Bools, owner: Ints, n: int) -> Bools:
    """For each of ``n`` windows, whether any of its cells (from :func:`window_cells`) is true.

    >>> windows_any(np.array([False, True, False]), np.array([0, 0, 2]), 3).tolist()
    [True, False, False]
    """
    return np.bincount(owner[cells_true], minlength=n) > 0


@dataclass(frozen=True)
class Coverage:
    """The cells each plot covers: ``owner`` (index of the plot), ``row``, ``col`` and the
    covered ``fraction`` of the cell, with ``cell_m2`` its geodesic area; ``redone`` lists the
    plots recomputed by the guard against exactextract dropping a cell."""

    owner: Ints
    row: Ints
    col: Ints
    fraction: Floats
    cell_m2: Floats
    redone: Ints

    @property
    def covered_m2(self) -> Floats:
        return self.fraction * self.cell_m2

    def total_m2(self, n: int, where: Bools | None = None) -> Floats:
        """Covered m^2 of each of ``n`` plots, over all cells or the cells ``where`` is true."""
        weights = self.covered_m2 if where is None else np.where(where, self.covered_m2, 0.0)
        return np.asarray(np.bincount(self.owner, weights, minlength=n), dtype=np.float64)


def coverage(geometries: Any, grid: Grid, *, areas_m2: npt.ArrayLike | None = None) -> Coverage:
    """Exact coverage of each (valid) polygon over ``grid``'s cells, guarded.

    ``areas_m2`` are the polygons' geodesic areas (measured here when not given). A polygon
    lying wholly inside the grid whose covered area differs from its geodesic area by
    ``GUARD_CELLS`` of a cell or more is recomputed, moved by ``GUARD_NUDGE`` of a cell.

    >>> grid = Grid(west=-76.0, north=-7.0, dx=0.00025, dy=0.00025, width=8, height=8)
    >>> one_and_a_half = shapely.box(-76.0, -7.00025, -75.999625, -7.0)
    >>> cov = coverage([one_and_a_half], grid)
    >>> cov.row.tolist(), cov.col.tolist(), cov.fraction.tolist()
    ([0, 0], [0, 1], [1.0, 0.5])
    >>> m2 = float(cov.total_m2(1)[0])
    >>> round(m2, 2), bool(abs(m2 - geodesic_area_m2([one_and_a_half])[0]) / m2 < 1e-7)
    (1145.6, True)
    """
    geoms = np.asarray(geometries, dtype=object).ravel()
    n = len(geoms)
    if n == 0:
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        return Coverage(empty_i, empty_i, empty_i, empty_f, empty_f, empty_i)
    area = geodesic_area_m2(geoms) if areas_m2 is None else np.asarray(areas_m2, np.float64)
    owner, row, col, fraction = _exactextract(geoms, grid)
    cell_m2 = grid.row_areas_m2(row)
    inside = grid.windows(shapely.bounds(geoms)).inside
    redone = np.zeros(0, np.int64)
    for attempt in range(1, GUARD_TRIES + 1):
        covered = np.bincount(owner, fraction * cell_m2, minlength=n)
        smallest = np.full(n, np.inf)
        np.minimum.at(smallest, owner, cell_m2)
        off = np.flatnonzero(inside & (np.abs(covered - area) >= GUARD_CELLS * smallest))
        if not len(off):
            break
        redone = np.union1d(redone, off)
        nudge = attempt * GUARD_NUDGE
        shift = np.array([nudge * grid.dx, -nudge * grid.dy])
        moved = shapely.transform(geoms[off], lambda xy, d=shift: xy + d)
        o2, r2, c2, f2 = _exactextract(moved, grid)
        keep = ~np.isin(owner, off)
        owner = np.concatenate([owner[keep], off[o2]])
        row, col = np.concatenate([row[keep], r2]), np.concatenate([col[keep], c2])
        fraction = np.concatenate([fraction[keep], f2])
        cell_m2 = np.concatenate([cell_m2[keep], grid.row_areas_m2(r2)])
    order = np.argsort(owner, kind="stable")
    return Coverage(owner[order], row[order], col[order], fraction[order], cell_m2[order], redone)


def _exactextract(geoms: npt.NDArray[np.object_], grid: Grid) -> tuple[Ints, Ints, Ints, Floats]:
    """One exactextract pass: (owner, row, col, fraction) of every covered cell."""
    writer = _CellWriter()
    exact_extract(
        _GridSource(grid), _WkbFeatures(shapely.to_wkb(geoms)), ["cell_id", "coverage"],
        output=writer, include_cols=["index"],
    )  # fmt: skip
    sizes = np.fromiter((len(c) for c in writer.cells), dtype=np.int64, count=len(writer.cells))
    owner = np.repeat(np.asarray(writer.owners, dtype=np.int64), sizes)
    if not len(owner):
        return owner, owner.copy(), owner.copy(), np.zeros(0, np.float64)
    cells = np.concatenate(writer.cells).astype(np.int64)
    fraction = np.concatenate(writer.fractions).astype(np.float64)
    return owner, cells // grid.width, cells % grid.width, fraction


# exactextract's Python bindings: a feature source of WKB, a raster source that only describes
# the grid (values are looked up by the caller), and a writer that keeps the arrays.
class _WkbFeature(Feature):
    __slots__ = ("index", "values", "wkb")

    def __init__(self, index: int, wkb: bytes | None) -> None:
        Feature.__init__(self)
        self.index = index
        self.wkb = wkb
        self.values: dict[str, Any] = {}

    def geometry(self) -> bytes | None:
        return self.wkb

    def set_geometry_format(self) -> str:
        return "wkb"

    def set_geometry(self, wkb: bytes | None) -> None:
        self.wkb = wkb

    def fields(self) -> list[str]:
        return ["index"]

    def get(self, name: str) -> int:
        return self.index

    def set(self, name: str, value: Any) -> None:
        self.values[name] = value


class _WkbFeatures(FeatureSource):
    def __init__(self, wkbs: Sequence[bytes]) -> None:
        super().__init__()
        self.wkbs = wkbs

    def count(self) -> int:
        return len(self.wkbs)

    def __iter__(self) -> Iterator[_WkbFeature]:
        for i, wkb in enumerate(self.wkbs):
            yield _WkbFeature(i, wkb)

    def srs_wkt(self) -> None:
        return None


class _GridSource(RasterSource):
    def __init__(self, grid: Grid) -> None:
        super().__init__()
        self.grid = grid
        self.zeros = np.broadcast_to(np.uint8(0), (grid.height, grid.width))

    def res(self) -> tuple[float, float]:
        return (self.grid.dx, self.grid.dy)

    def extent(self) -> tuple[float, float, float, float]:
        return self.grid.bounds

    def srs_wkt(self) -> None:
        return None

    def nodata_value(self) -> None:
        return None

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> Any:
        return self.zeros[y0 : y0 + ny, x0 : x0 + nx]


class _CellWriter(Writer):
    def __init__(self) -> None:
        super().__init__()
        self.owners: list[int] = []
        self.cells: list[Any] = []
        self.fractions: list[Any] = []

    def write(self, feature: Any) -> None:
        out = _WkbFeature(-1, None)
        feature.copy_to(out)
        self.owners.append(out.values["index"])
        self.cells.append(out.values["cell_id"])
        self.fractions.append(out.values["coverage"])

    def features(self) -> None:
        return None


def area_by_class(cov: Coverage, classes: npt.ArrayLike, n: int, k: int) -> Floats:
    """Covered m^2 of each plot in each class: an (n, k) array.

    ``classes`` gives each covered cell's class in 0..k-1, or -1 to leave it out.

    >>> cov = Coverage(np.array([0, 0, 1]), np.zeros(3, np.int64), np.arange(3),
    ...                np.array([1.0, 0.5, 0.25]), np.full(3, 100.0), np.zeros(0, np.int64))
    >>> area_by_class(cov, np.array([1, 1, -1]), 2, 2).tolist()
    [[0.0, 150.0], [0.0, 0.0]]
    """
    cls = np.asarray(classes, dtype=np.int64)
    keep = cls >= 0
    flat = np.bincount(cov.owner[keep] * k + cls[keep], cov.covered_m2[keep], minlength=n * k)
    return np.asarray(flat, dtype=np.float64).reshape(n, k)
