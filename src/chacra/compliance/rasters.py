"""Forest cover and forest loss inside plots, read from registered rasters where they lie.

For each grid (the loss and forest rasters usually share one), plots are grouped by the
``TILE`` x ``TILE`` tile their window starts in; each group's window is read once from each
raster. A plot goes through exactextract only when its window holds something to measure: a loss
pixel after the cutoff, nodata, both forest and non-forest, or the raster's edge. Every other
plot's figures follow from its window alone (no loss; all forest or none) and its geodesic area.
The arithmetic is in :mod:`chacra.geo.zonal`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from chacra.geo.zonal import Grid, area_by_class, coverage, window_cells

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

TILE = 512  # cells; plots are grouped by the tile their window starts in
CUTOFF_YEAR = 2020  # EUDR: no deforestation after 31 December 2020
LOSS_BASE_YEAR = 2000  # Hansen lossyear: value v is loss in 2000 + v
FIRST_LOSS_CODE = CUTOFF_YEAR - LOSS_BASE_YEAR + 1  # 21 = 2021
MAX_LOSS_CODE = 254  # codes above are never loss years (255 is a common nodata)
FOREST = 1


@dataclass(frozen=True)
class RasterFile:
    """A registered raster: where it is, its grid, its nodata, and how results cite it."""

    kind: str
    path: Path
    grid: Grid
    nodata: int | None
    citation: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_layer(cls, layer: Any) -> RasterFile:
        """The raster a registered ``Layer`` row points at, described by what was recorded when
        it was registered (the file is not hashed again at every check)."""
        from chacra.errors import InvalidInput

        path = Path(layer.path)
        if not path.is_file():
            raise InvalidInput(
                f"{layer.kind} layer {layer.name!r}: its file {layer.path} is gone; register it "
                f"again with `chacra layers add {layer.kind} PATH --name ... --version ...`"
            )
        d = layer.details
        west, _south, _east, north = d["bounds"]
        grid = Grid(
            west=west, north=north, dx=d["resolution"][0], dy=d["resolution"][1],
            width=d["width"], height=d["height"],
        )  # fmt: skip
        cite = {"kind": layer.kind, "name": layer.name, "version": layer.version,
                "source": layer.source, "sha256": layer.sha256}  # fmt: skip
        nodata = int(d["nodata"]) if d.get("nodata") is not None else None
        return cls(kind=layer.kind, path=path, grid=grid, nodata=nodata, citation=cite)

    @classmethod
    def open_path(
        cls, path: Path, *, kind: str, citation: dict[str, str] | None = None
    ) -> RasterFile:
        """Describe the raster at ``path`` (checked as :func:`raster_inspect` does)."""
        from chacra.layers.rasters import raster_inspect

        info = raster_inspect(Path(path), kind=kind)
        west, _south, _east, north = info.bounds
        grid = Grid(
            west=west, north=north, dx=info.resolution[0], dy=info.resolution[1],
            width=info.width, height=info.height,
        )  # fmt: skip
        cite = {"kind": kind, "name": Path(path).stem, "version": "", "source": ""}
        cite.update(citation or {})
        cite.setdefault("sha256", info.sha256)
        cite["sha256"] = cite["sha256"] or info.sha256
        nodata = int(info.nodata) if info.nodata is not None else None
        return cls(kind=kind, path=Path(info.path), grid=grid, nodata=nodata, citation=cite)


@dataclass
class ZonalFigures:
    """Per plot, in m^2: loss after the cutoff by year (one column per year in ``loss_years``),
    area the loss layer has no data for (nodata cells, or beyond its edge), forest in 2020 and
    area beyond the forest layer's edge; which plots went through exactextract, which were redone.
    A forest layer's nodata counts as not forest: forest masks often leave non-forest empty."""

    loss_years: list[int]
    loss_m2: Floats  # (n, len(loss_years))
    loss_no_data_m2: Floats
    forest_m2: Floats
    forest_no_data_m2: Floats
    measured: Bools
    redone: Ints


@contextmanager
def _opened(rasters: Sequence[RasterFile]) -> Iterator[list[Any]]:
    import rasterio

    from chacra.layers.rasters import raster_env

    with ExitStack() as stack:
        stack.enter_context(raster_env())
        yield [stack.enter_context(rasterio.open(r.path)) for r in rasters]


def _read(ds: Any, r0: int, r1: int, c0: int, c1: int) -> npt.NDArray[Any]:
    from rasterio.windows import Window

    return np.asarray(ds.read(1, window=Window(c0, r0, c1 - c0, r1 - r0)))


def zonal_figures(
    geoms: npt.NDArray[np.object_],
    area_m2: Floats,
    *,
    loss: RasterFile | None,
    forest: RasterFile | None,
) -> ZonalFigures:
    """Loss after the cutoff by year, and forest in 2020, inside each plot (valid polygons).

    Plots without a geometry (None) get zeros and are not measured.
    """
    n = len(geoms)
    out = ZonalFigures(
        loss_years=[],
        loss_m2=np.zeros((n, 0)),
        loss_no_data_m2=np.zeros(n),
        forest_m2=np.zeros(n),
        forest_no_data_m2=np.zeros(n),
        measured=np.zeros(n, dtype=bool),
        redone=np.zeros(0, np.int64),
    )
    present = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if not len(present):
        return out
    rasters = [r for r in (loss, forest) if r is not None]
    by_grid: dict[Grid, list[RasterFile]] = {}
    for raster in rasters:
        by_grid.setdefault(raster.grid, []).append(raster)
    for grid, group in by_grid.items():
        _measure_on_grid(grid, group, geoms, area_m2, present, out)
    return out


def _measure_on_grid(
    grid: Grid,
    rasters: list[RasterFile],
    geoms: npt.NDArray[np.object_],
    area_m2: Floats,
    present: Ints,
    out: ZonalFigures,
) -> None:
    windows = grid.windows(shapely.bounds(geoms[present]))
    tiles = (windows.row0 // TILE) * (grid.width // TILE + 1) + windows.col0 // TILE
    order = np.argsort(tiles, kind="stable")
    starts = np.flatnonzero(np.r_[True, tiles[order][1:] != tiles[order][:-1]])
    ends = np.r_[starts[1:], len(order)]
    blocks: list[tuple[int, int, list[npt.NDArray[Any]]]] = []
    block_of = np.zeros(len(present), dtype=np.int64)
    need = np.zeros(len(present), dtype=bool)
    all_forest = np.zeros(len(present), dtype=bool)
    with _opened(rasters) as datasets:
        for b, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            members = order[s:e]
            win = windows.take(members)
            r0, r1 = int(win.row0.min()), int(win.row1.max())
            c0, c1 = int(win.col0.min()), int(win.col1.max())
            arrays = [_read(ds, r0, r1, c0, c1) for ds in datasets]
            blocks.append((r0, c0, arrays))
            block_of[members] = b
            owner, rows, cols = window_cells(win)
            rows -= r0
            cols -= c0
            m = len(members)
            flags = ~win.inside | (win.cells == 0)
            for raster, values in zip(rasters, arrays, strict=True):
                cells = values[rows, cols]
                if raster.kind == "loss_year":
                    interesting = (cells >= FIRST_LOSS_CODE) & (cells <= MAX_LOSS_CODE)
                    if raster.nodata is not None:
                        interesting |= cells == raster.nodata
                    flags |= np.bincount(owner[interesting], minlength=m) > 0
                else:  # forest: mixed windows are measured; nodata is not forest
                    forest_cells = np.bincount(owner[cells == FOREST], minlength=m)
                    full = forest_cells == win.cells
                    flags |= (forest_cells > 0) & ~full
                    all_forest[members] = full & (win.cells > 0)
            need[members] = flags
    index = present  # plot index of each row of `windows`
    forest = next((r for r in rasters if r.kind != "loss_year"), None)
    if forest is not None:
        easy = ~need & all_forest
        out.forest_m2[index[easy]] = area_m2[index[easy]]
    todo = np.flatnonzero(need)
    if not len(todo):
        return
    cov = coverage(geoms[index[todo]], grid, areas_m2=area_m2[index[todo]])
    out.measured[index[todo]] = True
    out.redone = np.union1d(out.redone, index[todo][cov.redone])
    values_by_raster = _cell_values(cov, block_of[todo], blocks, len(rasters))
    n = len(todo)
    inside_m2 = cov.total_m2(n)
    beyond = np.maximum(area_m2[index[todo]] - inside_m2, 0.0)  # beyond the raster's edge
    outside_m2 = np.where(windows.inside[todo], 0.0, beyond)
    for k, raster in enumerate(rasters):
        cells = values_by_raster[k]
        if raster.kind == "loss_year":
            no_data = (
                cells == raster.nodata if raster.nodata is not None else np.zeros(len(cells), bool)
            )
            lost = ~no_data & (cells >= FIRST_LOSS_CODE) & (cells <= MAX_LOSS_CODE)
            codes = np.unique(cells[lost])
            year_col = np.where(lost, np.searchsorted(codes, cells), -1)
            _add_years(out, [LOSS_BASE_YEAR + int(c) for c in codes])
            columns = np.array([out.loss_years.index(LOSS_BASE_YEAR + int(c)) for c in codes], int)
            out.loss_m2[np.ix_(index[todo], columns)] = area_by_class(cov, year_col, n, len(codes))
            out.loss_no_data_m2[index[todo]] = cov.total_m2(n, no_data) + outside_m2
        else:
            out.forest_m2[index[todo]] = cov.total_m2(n, cells == FOREST)
            out.forest_no_data_m2[index[todo]] = outside_m2


def _add_years(out: ZonalFigures, years: list[int]) -> None:
    """Widen the loss table to hold these years too, columns kept in year order."""
    wanted = sorted(set(out.loss_years) | set(years))
    if wanted == out.loss_years:
        return
    wider = np.zeros((len(out.loss_m2), len(wanted)))
    for j, year in enumerate(out.loss_years):
        wider[:, wanted.index(year)] = out.loss_m2[:, j]
    out.loss_years, out.loss_m2 = wanted, wider


def _cell_values(
    cov: Any, block_of_plot: Ints, blocks: list[tuple[int, int, list[npt.NDArray[Any]]]], k: int
) -> list[npt.NDArray[Any]]:
    """The value of each covered cell in each of ``k`` rasters, looked up in its plot's block."""
    block = block_of_plot[cov.owner]
    values = [np.zeros(len(block), dtype=np.int64) for _ in range(k)]
    if not len(block):
        return values
    order = np.argsort(block, kind="stable")
    bounds = np.flatnonzero(np.r_[True, block[order][1:] != block[order][:-1], True])
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        at = order[s:e]
        r0, c0, arrays = blocks[int(block[at[0]])]
        rows, cols = cov.row[at] - r0, cov.col[at] - c0
        for i in range(k):
            values[i][at] = arrays[i][rows, cols]
    return values
