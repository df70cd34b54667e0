"""Zonal figures on small synthetic rasters whose answers are known from geodesic areas."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

import chacra.geo.circles
import chacra.geo.overlay
import chacra.geo.shapes
import chacra.geo.zonal
from chacra.compliance.rasters import RasterFile, zonal_figures
from chacra.geo.area import geodesic_area_m2
from chacra.geo.circles import geodesic_circles
from chacra.geo.zonal import Grid, _exactextract, area_by_class, cell_area_m2, coverage
from tests.layers.files import raster_write

RES = 0.00025
WEST, NORTH = -76.05, -6.95  # cell (0, 0)'s corner
SIZE = 200
EDGE = WEST + 100 * RES  # the line between columns 99 and 100
GEOD = Geod(ellps="WGS84")


def test_zonal_doctests_pass() -> None:
    for module in (chacra.geo.zonal, chacra.geo.circles, chacra.geo.overlay):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0


@settings(max_examples=40, deadline=None)
@given(lat=st.floats(-60.0, 60.0), rows=st.integers(1, 4))
def test_cell_areas_match_pyproj(lat: float, rows: int) -> None:
    south, north = lat, lat + rows * RES
    ours = float(cell_area_m2([south], [north], RES)[0])
    theirs, _ = GEOD.polygon_area_perimeter([0, RES, RES, 0], [south, south, north, north])
    assert ours == pytest.approx(abs(theirs), rel=1e-8)


def _rasters(tmp_path, loss, forest=None, **kw) -> tuple[RasterFile, RasterFile | None]:
    path = raster_write(tmp_path / "loss.tif", loss, west=WEST, north=NORTH, **kw)
    loss_file = RasterFile.open_path(path, kind="loss_year")
    if forest is None:
        return loss_file, None
    fpath = raster_write(tmp_path / "forest.tif", forest, west=WEST, north=NORTH)
    return loss_file, RasterFile.open_path(fpath, kind="forest_2020")


def _loss_from_column(year_code: int, column: int = 100) -> np.ndarray:
    loss = np.zeros((SIZE, SIZE), np.uint8)
    loss[:, column:] = year_code
    return loss


def _figures(geoms, loss_file, forest_file=None):
    geoms = np.asarray(geoms, dtype=object)
    return zonal_figures(geoms, geodesic_area_m2(geoms), loss=loss_file, forest=forest_file)


def test_a_plot_half_covered_by_2022_loss_has_exactly_that_loss(tmp_path) -> None:
    # Given a plot straddling the edge of a block of 2022 loss, off the cell grid on every side
    loss_file, _ = _rasters(tmp_path, _loss_from_column(22))
    plot = shapely.box(EDGE - 0.00113, NORTH - 0.0121, EDGE + 0.00113, NORTH - 0.0093)
    half = shapely.box(EDGE, NORTH - 0.0121, EDGE + 0.00113, NORTH - 0.0093)
    # When its figures are computed
    figures = _figures([plot], loss_file)
    # Then its loss is the geodesic area of the covered half, in 2022 only
    assert figures.loss_years == [2022]
    expected = geodesic_area_m2([half])[0]
    assert figures.loss_m2[0, 0] == pytest.approx(expected, rel=1e-6)
    assert figures.loss_m2[0, 0] == pytest.approx(geodesic_area_m2([plot])[0] / 2, rel=1e-6)
    assert figures.measured.tolist() == [True]
    assert figures.loss_no_data_m2[0] == pytest.approx(0.0, abs=1e-6)


def test_a_plot_without_loss_has_none_and_is_not_measured(tmp_path) -> None:
    loss_file, _ = _rasters(tmp_path, _loss_from_column(22))
    plot = shapely.box(WEST + 0.001, NORTH - 0.012, WEST + 0.003, NORTH - 0.010)
    figures = _figures([plot], loss_file)
    assert figures.loss_m2.sum() == 0.0
    assert figures.measured.tolist() == [False]  # its window held no loss: skipped


def test_loss_before_2021_is_ignored(tmp_path) -> None:
    loss_file, _ = _rasters(tmp_path, _loss_from_column(20))  # 2020: before the cutoff
    plot = shapely.box(EDGE - 0.001, NORTH - 0.012, EDGE + 0.001, NORTH - 0.010)
    figures = _figures([plot], loss_file)
    assert figures.loss_years == []
    assert figures.loss_m2.sum() == 0.0
    assert not figures.measured.any()


def test_loss_is_split_by_year_and_forest_measured_where_mixed(tmp_path) -> None:
    loss = _loss_from_column(21)
    loss[:, 150:] = 24
    forest = np.ones((SIZE, SIZE), np.uint8)
    forest[:, :100] = 0
    loss_file, forest_file = _rasters(tmp_path, loss, forest)
    x150 = WEST + 150 * RES
    plot = shapely.box(EDGE - 0.001, NORTH - 0.012, x150 + 0.001, NORTH - 0.010)
    in_forest = geodesic_area_m2([shapely.box(EDGE, NORTH - 0.012, x150 + 0.001, NORTH - 0.010)])
    wholly_in_forest = shapely.box(EDGE + 0.001, NORTH - 0.03, EDGE + 0.002, NORTH - 0.029)
    figures = _figures([plot, wholly_in_forest], loss_file, forest_file)
    assert figures.loss_years == [2021, 2024]
    by_year = geodesic_area_m2(
        [shapely.box(EDGE, NORTH - 0.012, x150, NORTH - 0.010),
         shapely.box(x150, NORTH - 0.012, x150 + 0.001, NORTH - 0.010)]
    )  # fmt: skip
    assert figures.loss_m2[0] == pytest.approx(by_year, rel=1e-6)
    assert figures.forest_m2[0] == pytest.approx(in_forest[0], rel=1e-6)
    # The second plot lies in uniform forest with 2021 loss: measured for its loss only
    assert figures.forest_m2[1] == pytest.approx(geodesic_area_m2([wholly_in_forest])[0], 1e-6)


def test_a_plot_partly_beyond_the_raster_counts_the_rest_as_no_data(tmp_path) -> None:
    loss_file, _ = _rasters(tmp_path, np.zeros((SIZE, SIZE), np.uint8))
    east = WEST + SIZE * RES
    plot = shapely.box(east - 0.001, NORTH - 0.012, east + 0.001, NORTH - 0.010)
    figures = _figures([plot], loss_file)
    outside = geodesic_area_m2([shapely.box(east, NORTH - 0.012, east + 0.001, NORTH - 0.010)])
    assert figures.loss_no_data_m2[0] == pytest.approx(outside[0], rel=1e-6)


def test_nodata_cells_of_the_loss_layer_are_counted(tmp_path) -> None:
    loss = _loss_from_column(255)
    loss_file, _ = _rasters(tmp_path, loss, nodata=255)
    plot = shapely.box(EDGE - 0.001, NORTH - 0.012, EDGE + 0.001, NORTH - 0.010)
    figures = _figures([plot], loss_file)
    assert figures.loss_m2.sum() == 0.0
    assert figures.loss_no_data_m2[0] == pytest.approx(geodesic_area_m2([plot])[0] / 2, rel=1e-6)


# A plot from the synthetic benchmark, its coordinates rounded to 5 decimals: the vertex
# (-76.56097, -7.056) lies on a cell edge of a Hansen-style grid (origin 80 W, 0 N), and
# exactextract 0.3.0 drops one whole cell of it.
EDGE_CASE = shapely.from_wkt(
    "POLYGON ((-76.56071 -7.05609, -76.56097 -7.056, -76.56137 -7.05606, -76.56191 -7.05582, "
    "-76.56177 -7.05538, -76.56182 -7.0549, -76.5616 -7.05439, -76.56118 -7.05458, "
    "-76.56086 -7.05467, -76.56058 -7.05492, -76.56049 -7.05541, -76.56071 -7.05609))"
)
HANSEN_GRID = Grid(west=-80.0, north=0.0, dx=RES, dy=RES, width=40_000, height=40_000)


def test_the_guard_restores_the_cell_exactextract_drops() -> None:
    area = geodesic_area_m2([EDGE_CASE])[0]
    # exactextract alone loses one whole cell (~764 m^2) of this valid plot ...
    _owner, rows, _cols, fraction = _exactextract(np.array([EDGE_CASE]), HANSEN_GRID)
    raw = float(np.sum(fraction * HANSEN_GRID.row_areas_m2(rows)))
    one_cell = float(HANSEN_GRID.row_areas_m2([28_224])[0])
    assert area - raw == pytest.approx(one_cell, rel=1e-3)
    # ... and the guard notices, nudges the plot by a millionth of a cell and gets it back
    cov = coverage([EDGE_CASE], HANSEN_GRID)
    assert cov.redone.tolist() == [0]
    assert cov.total_m2(1)[0] == pytest.approx(area, rel=1e-6)


def test_the_guard_leaves_ordinary_plots_alone() -> None:
    plot = shapely.box(-76.5001, -7.0001, -76.4985, -6.9987)
    cov = coverage([plot], HANSEN_GRID)
    assert cov.redone.tolist() == []
    assert cov.total_m2(1)[0] == pytest.approx(geodesic_area_m2([plot])[0], rel=1e-6)


def test_a_circle_is_measured_like_any_polygon() -> None:
    disc = geodesic_circles([-76.5], [-7.0], [30_000.0])
    cov = coverage(disc, HANSEN_GRID)
    assert cov.total_m2(1)[0] == pytest.approx(30_000.0, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    ha=st.floats(0.05, 12.0),
    density=st.floats(0.0, 1.0),
)
def test_loss_is_never_negative_nor_above_the_plot(seed: int, ha: float, density: float) -> None:
    rng = np.random.default_rng(seed)
    plot = chacra.geo.shapes.irregular_polygons(
        [-76.5 + rng.uniform(0, 0.01)], [-7.0 - rng.uniform(0, 0.01)], [ha * 1e4], rng
    )
    cov = coverage(plot, HANSEN_GRID)
    lost = rng.random(len(cov.owner)) < density
    loss = area_by_class(cov, np.where(lost, 0, -1), 1, 1)[0, 0]
    area = geodesic_area_m2(plot)[0]
    assert loss >= 0.0
    assert loss <= area * (1 + 1e-6)
    if density == 1.0:
        assert loss == pytest.approx(area, rel=1e-6)


def test_a_plot_wholly_beyond_the_raster_is_all_no_data(tmp_path) -> None:
    loss_file, forest_file = _rasters(
        tmp_path, np.zeros((SIZE, SIZE), np.uint8), np.ones((SIZE, SIZE), np.uint8)
    )
    far = shapely.box(WEST - 0.01, NORTH - 0.012, WEST - 0.008, NORTH - 0.010)
    figures = _figures([far, None], loss_file, forest_file)
    area = geodesic_area_m2([far])[0]
    assert figures.loss_no_data_m2.tolist() == pytest.approx([area, 0.0])
    assert figures.forest_no_data_m2.tolist() == pytest.approx([area, 0.0])
    assert figures.forest_m2.tolist() == [0.0, 0.0]
