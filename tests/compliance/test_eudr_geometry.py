"""Geometry for the EUDR GeoJSON: 6 decimals without collapsed vertices, holes cut out exactly."""

from __future__ import annotations

import doctest
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import chacra.compliance.eudr_geojson
import chacra.compliance.eudr_geometry
from chacra.compliance.eudr_geojson import HEAD, TAIL, files_pack, geometry_text
from chacra.compliance.eudr_geometry import eudr_geometries, holes_split, on_grid
from chacra.geo.area import geodesic_area_m2
from chacra.geo.shapes import irregular_polygons


def _on_grid(geometry: Any) -> bool:
    xy = shapely.get_coordinates(geometry) * 1e6
    return bool(np.all(np.abs(xy - np.round(xy)) < 1e-6))


def _plot_with_hole(seed: int, hole_ha: float = 0.1, vertices: int = 23) -> Any:
    """An irregular plot of about 2 ha with an irregular hole (a pond) inside, on the grid."""
    rng = np.random.default_rng(seed)
    outer = irregular_polygons([-76.5], [-6.5], [20_000.0], rng, vertices=vertices)[0]
    inner = irregular_polygons([-76.5], [-6.5], [hole_ha * 10_000], rng, vertices=9)[0]
    plot = shapely.Polygon(outer.exterior, [inner.exterior])
    return shapely.transform(plot, lambda xy: np.round(xy, 6))


def test_rounding_drops_vertices_that_fall_together() -> None:
    square = [(-76.7, -7.16), (-76.69, -7.16), (-76.69, -7.15), (-76.7, -7.15)]
    near = [square[0], (-76.6999996, -7.1600002), *square[1:]]  # 5 cm from the first corner
    rounded = on_grid(shapely.Polygon(near))
    assert shapely.get_num_coordinates(rounded) == 5  # four corners and the closing one
    assert _on_grid(rounded)
    assert rounded.is_valid


def test_rounding_that_would_make_edges_touch_is_repaired() -> None:
    # A U whose slit is 0.8 millionths of a degree wide: at 6 decimals its sides coincide.
    slit = shapely.Polygon([(0, 0), (0.002, 0), (0.002, 0.001), (0.0010004, 0.001),
                            (0.0010004, 0.0002), (0.0009996, 0.0002), (0.0009996, 0.001),
                            (0, 0.001)])  # fmt: skip
    assert slit.is_valid
    naive = shapely.transform(slit, lambda xy: np.round(xy, 6))
    assert not naive.is_valid
    rounded = on_grid(slit)
    assert rounded.is_valid
    assert _on_grid(rounded)
    assert rounded.area == pytest.approx(slit.area, rel=1e-3)


def test_a_polygon_too_small_for_6_decimals_is_gone() -> None:
    assert on_grid(shapely.box(-76.7, -7.16, -76.6999998, -7.1599998)) is None
    assert eudr_geometries(shapely.box(-76.7, -7.16, -76.6999998, -7.1599998)) == []


@pytest.mark.parametrize("seed", range(6))
def test_a_hole_is_cut_out_into_parts_covering_the_same_ground(seed: int) -> None:
    plot = _plot_with_hole(seed)
    assert plot.is_valid
    assert len(plot.interiors) == 1
    parts = eudr_geometries(plot)
    assert len(parts) >= 2
    assert all(p.geom_type == "Polygon" and not p.interiors and p.is_valid for p in parts)
    assert all(_on_grid(p) for p in parts)
    before = geodesic_area_m2([plot])[0]
    after = geodesic_area_m2(parts).sum()
    assert after == pytest.approx(before, rel=1e-6)
    assert shapely.union_all(parts).symmetric_difference(plot).area < 1e-9 * plot.area


def test_two_holes_are_both_cut_out() -> None:
    outer = shapely.box(-76.70, -7.16, -76.69, -7.15)
    holes = [shapely.box(-76.698, -7.158, -76.697, -7.157).exterior,
             shapely.box(-76.693, -7.153, -76.692, -7.152).exterior]  # fmt: skip
    plot = shapely.Polygon(outer.exterior, holes)
    parts = holes_split(plot)
    assert all(not p.interiors for p in parts)
    assert sum(p.area for p in parts) == pytest.approx(plot.area, rel=1e-12)


def test_when_no_cut_fits_a_line_through_the_hole_splits_it(monkeypatch) -> None:
    monkeypatch.setattr(chacra.compliance.eudr_geometry, "_cuts", lambda polygon: None)
    plot = _plot_with_hole(1)
    parts = eudr_geometries(plot)
    assert len(parts) >= 2
    assert all(not p.interiors and p.is_valid and _on_grid(p) for p in parts)
    # New vertices where the line crosses edges are rounded: about 5 cm, well under 0.1 %.
    assert geodesic_area_m2(parts).sum() == pytest.approx(geodesic_area_m2([plot])[0], rel=1e-3)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    hole_ha=st.floats(0.01, 0.4),
    vertices=st.integers(5, 60),
)
def test_cutting_holes_never_changes_the_area(seed: int, hole_ha: float, vertices: int) -> None:
    plot = _plot_with_hole(seed, hole_ha, vertices)
    if not plot.is_valid or len(plot.interiors) != 1:
        return  # the pond crossed the plot's edge: not a plot with a hole
    parts = eudr_geometries(plot)
    assert all(not p.interiors and p.is_valid for p in parts)
    assert geodesic_area_m2(parts).sum() == pytest.approx(geodesic_area_m2([plot])[0], rel=1e-6)


def test_a_multipolygon_without_holes_stays_one_geometry() -> None:
    two = shapely.MultiPolygon(
        [shapely.box(-76.70, -7.16, -76.69, -7.15), shapely.box(-76.68, -7.16, -76.67, -7.15)]
    )
    assert [g.geom_type for g in eudr_geometries(two)] == ["MultiPolygon"]


def test_positions_are_written_with_exactly_6_decimals() -> None:
    text = geometry_text(shapely.Polygon([(-76.7, -7.16), (-76.69, -7.16), (-76.69, -7.15)]))
    assert text == (
        '{"type":"Polygon","coordinates":[[[-76.700000,-7.160000],[-76.690000,-7.160000],'
        "[-76.690000,-7.150000],[-76.700000,-7.160000]]]}"
    )
    with pytest.raises(ValueError, match="not LineString"):
        geometry_text(shapely.LineString([(0, 0), (1, 1)]))


def test_files_keep_each_producer_whole_within_the_limits() -> None:
    groups = [["a" * 10], ["b" * 10, "b" * 10], ["c" * 10], ["d" * 100]]
    empty = len(HEAD + TAIL)
    files, too_big = files_pack(
        groups, max_producers=10, max_bytes=empty + 30
    )  # 12 and 24 bytes with separators
    assert files == [[0], [1], [2]]
    assert too_big == [3]
    files, _ = files_pack(groups[:3], max_producers=2, max_bytes=10_000)
    assert files == [[0, 1], [2]]


@pytest.mark.parametrize(
    "module", [chacra.compliance.eudr_geometry, chacra.compliance.eudr_geojson]
)
def test_docstring_examples_run(module: Any) -> None:
    assert doctest.testmod(module).failed == 0
