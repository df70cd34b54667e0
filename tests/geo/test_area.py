"""Areas checked against two independent methods: an equal-area projection per plot, and
Karney's geodesic polygon area (pyproj)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

import chacra.geo.area
import chacra.geo.crs
import chacra.geo.shapes
from chacra.geo.area import geodesic_area_ha, geodesic_area_m2, segment_lengths_m
from chacra.geo.shapes import irregular_polygons, repair_polygonal


def laea_area_m2(geom: shapely.Geometry) -> float:
    """Area in a Lambert azimuthal equal-area projection centred on the shape (exact by design)."""
    c = geom.centroid
    to_laea = Transformer.from_crs(
        "EPSG:4326", f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=WGS84", always_xy=True
    )
    return shapely.transform(
        geom, lambda xy: np.column_stack(to_laea.transform(xy[:, 0], xy[:, 1]))
    ).area


def test_geo_doctests_pass() -> None:
    for module in (chacra.geo.area, chacra.geo.shapes, chacra.geo.crs):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0


@settings(max_examples=60, deadline=None)
@given(
    lon=st.floats(-80.0, -69.0),
    lat=st.floats(-18.0, -0.5),
    hectares=st.floats(0.05, 50.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_area_matches_equal_area_projection(
    lon: float, lat: float, hectares: float, seed: int
) -> None:
    poly = irregular_polygons([lon], [lat], [hectares * 1e4], np.random.default_rng(seed))[0]
    measured = geodesic_area_m2([poly])[0]
    assert measured > 0
    assert measured == pytest.approx(laea_area_m2(poly), rel=1e-4)  # 0.01%


def test_holes_are_subtracted_and_parts_added() -> None:
    outer = shapely.box(-76.0, -7.0, -75.99, -6.99)
    hole = shapely.box(-75.998, -6.998, -75.992, -6.992)
    with_hole = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    two = shapely.MultiPolygon([outer, shapely.box(-75.0, -7.0, -74.99, -6.99)])
    a_outer, a_hole, a_with, a_two = geodesic_area_m2([outer, hole, with_hole, two])
    assert a_with == pytest.approx(a_outer - a_hole, rel=1e-9)
    assert a_two == pytest.approx(2 * a_outer, rel=1e-3)


def test_non_areal_and_missing_geometries_measure_zero() -> None:
    areas = geodesic_area_ha(
        [None, shapely.Point(-76, -7), shapely.LineString([(-76, -7), (-75, -7)])]
    )
    assert areas.tolist() == [0.0, 0.0, 0.0]


def test_orientation_does_not_change_area() -> None:
    poly = irregular_polygons([-76.5], [-6.5], [30_000.0], np.random.default_rng(3))[0]
    reversed_poly = shapely.Polygon(list(poly.exterior.coords)[::-1])
    assert geodesic_area_m2([poly])[0] == pytest.approx(
        geodesic_area_m2([reversed_poly])[0], rel=1e-12
    )


def test_bowtie_is_repaired_into_its_two_triangles() -> None:
    bowtie = shapely.Polygon([(-76.0, -7.0), (-75.99, -6.99), (-75.99, -7.0), (-76.0, -6.99)])
    fixed = repair_polygonal(bowtie)
    assert fixed.is_valid
    assert fixed.geom_type == "MultiPolygon"
    assert len(fixed.geoms) == 2
    # Each triangle is a quarter of the box: half the area the self-intersecting ring "claims".
    box = shapely.box(-76.0, -7.0, -75.99, -6.99)
    assert geodesic_area_m2([fixed])[0] == pytest.approx(geodesic_area_m2([box])[0] / 2, rel=1e-3)


def test_repair_returns_none_when_nothing_areal_is_left() -> None:
    flat = shapely.Polygon([(-76.0, -7.0), (-75.99, -7.0), (-75.98, -7.0), (-76.0, -7.0)])
    assert repair_polygonal(flat) is None
    assert repair_polygonal(None) is None


def test_irregular_polygons_are_valid_deterministic_and_near_target() -> None:
    n = 500
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(-77, -74, n), rng.uniform(-10, -6, n)
    target = rng.uniform(3_000, 100_000, n)
    first = irregular_polygons(lon, lat, target, np.random.default_rng(1))
    again = irregular_polygons(lon, lat, target, np.random.default_rng(1))
    assert shapely.is_valid(first).all()
    assert shapely.equals_exact(first, again, tolerance=0).all()
    ratio = geodesic_area_m2(first) / target
    assert np.all(np.abs(ratio - 1) < 0.01)  # local-metre layout, within 1% of the asked area


def _ring_by_ring_m2(geom: shapely.Geometry | None) -> float:
    """The measure before the rings were read at once: one pyproj call per ring, holes off."""
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return 0.0
    total = 0.0
    for poly in getattr(geom, "geoms", [geom]):
        for sign, ring in [(1.0, poly.exterior), *((-1.0, hole) for hole in poly.interiors)]:
            xy = np.asarray(ring.coords)
            if len(xy):
                area, _ = chacra.geo.area.WGS84.polygon_area_perimeter(xy[:, 0], xy[:, 1])
                total += sign * abs(area)
    return total


@settings(max_examples=40, deadline=None)
@given(
    kinds=st.lists(
        st.sampled_from(["plot", "holed", "multi", "point", "none", "empty"]), max_size=8
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_batch_measures_each_geometry_as_ring_by_ring_does(kinds: list[str], seed: int) -> None:
    rng = np.random.default_rng(seed)
    plots = irregular_polygons(
        rng.uniform(-80, -69, 2 * len(kinds) + 1), rng.uniform(-18, -1, 2 * len(kinds) + 1),
        rng.uniform(500, 200_000, 2 * len(kinds) + 1), rng,
    )  # fmt: skip
    made = {
        "plot": lambda k: plots[k],
        "holed": lambda k: shapely.Polygon(
            plots[k].exterior.coords,
            [shapely.affinity.scale(plots[k], 0.3, 0.3).exterior.coords],
        ),
        "multi": lambda k: shapely.MultiPolygon([plots[k], plots[k + 1]]),
        "point": lambda k: plots[k].centroid,
        "none": lambda k: None,
        "empty": lambda k: shapely.Polygon(),
    }
    geoms = [made[kind](2 * k) for k, kind in enumerate(kinds)]
    expected = [_ring_by_ring_m2(g) for g in geoms]
    assert geodesic_area_m2(geoms).tolist() == pytest.approx(expected, rel=1e-7, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    lon=st.floats(-180.0, 180.0),
    lat=st.floats(-70.0, 70.0),
    hectares=st.floats(0.01, 500.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_plots_anywhere_measure_as_karneys_geodesic_area(
    lon: float, lat: float, hectares: float, seed: int
) -> None:
    """Against pyproj's exact geodesic polygon area, within a ten-millionth (1 m² in 1,000 ha)
    or a thousandth of a square metre."""
    poly = irregular_polygons([lon], [lat], [hectares * 1e4], np.random.default_rng(seed))[0]
    expected = _ring_by_ring_m2(poly)
    assert geodesic_area_m2([poly])[0] == pytest.approx(expected, rel=1e-7, abs=1e-3)


@pytest.mark.parametrize(
    "region",
    [
        shapely.box(-81.4, -18.4, -68.6, -0.1),  # Peru's bounding box
        shapely.box(-78.0, -12.0, -74.0, -6.0),
        shapely.box(179.5, -17.0, 180.5, -16.0),  # across 180°, as Fiji is
        shapely.box(179.9, -17.0, 180.05, -16.9),  # a small plot across 180°
        shapely.Polygon([(-77, -9), (-75, -9.5), (-74.5, -7), (-76.5, -6.5)]),
    ],
)
def test_regions_and_rings_across_180_measure_as_karneys_geodesic_area(
    region: shapely.Polygon,
) -> None:
    if region.bounds[2] > 180:  # as a file would give it: -179.5 after 179.5
        region = shapely.transform(region, lambda xy: np.where(xy > 180, xy - 360, xy))
    assert geodesic_area_m2([region])[0] == pytest.approx(_ring_by_ring_m2(region), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    lon=st.floats(-180.0, 180.0),
    lat=st.floats(-85.0, 85.0),
    east=st.floats(-0.2, 0.2),
    north=st.floats(-0.2, 0.2),
)
def test_segment_lengths_are_geodesic(lon: float, lat: float, east: float, north: float) -> None:
    """Short segments measured in line, long ones by pyproj: both within a millionth of it."""
    ends = [np.array([v]) for v in (lon, lat, lon + east, lat + north)]
    expected = chacra.geo.area.WGS84.inv(*ends)[2][0]
    assert segment_lengths_m(*ends)[0] == pytest.approx(expected, rel=1e-6, abs=1e-6)
