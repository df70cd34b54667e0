"""Walked GPS tracks: each cleaning step removes what it should, and the area comes out right.

Tracks are laid out in metres in an azimuthal equidistant projection centred in San Martín and
converted to lon/lat; true areas are the geodesic areas of the shapes that were walked.
"""

from __future__ import annotations

import doctest

import numpy as np
import numpy.typing as npt
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

import chacra.geo.tracks
from chacra.geo.area import geodesic_area_m2
from chacra.geo.tracks import TrackResult, track_to_polygon

XY = npt.NDArray[np.float64]
WIDTH, HEIGHT = 125.0, 80.0  # metres: a 1 ha rectangle
T0 = np.datetime64("2025-03-14T08:00:00", "ms")


def local(lon0: float = -76.5, lat0: float = -6.5) -> Transformer:
    return Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84", always_xy=True
    )


def to_lonlat(xy: XY, transformer: Transformer | None = None) -> tuple[XY, XY]:
    lon, lat = (transformer or local()).transform(xy[:, 0], xy[:, 1], direction="INVERSE")
    return np.asarray(lon), np.asarray(lat)


def true_area_m2(shape: shapely.Polygon, transformer: Transformer | None = None) -> float:
    lon, lat = to_lonlat(shapely.get_coordinates(shape), transformer)
    return float(geodesic_area_m2([shapely.Polygon(np.column_stack([lon, lat]))])[0])


def walk_along(shape: shapely.Polygon, start_m: float, length_m: float) -> XY:
    """One fix a metre along the shape's boundary, from ``start_m`` for ``length_m`` metres."""
    ring = shape.exterior
    at = (start_m + np.arange(0.0, length_m, 1.0)) % ring.length
    return shapely.get_coordinates(shapely.line_interpolate_point(ring, at))


def rectangle() -> shapely.Polygon:
    return shapely.box(-WIDTH / 2, -HEIGHT / 2, WIDTH / 2, HEIGHT / 2)


def messy_walk(gap_m: float = 4.0, seed: int = 5) -> tuple[XY, XY]:
    """The rectangle walked at 1 m/s with every kind of noise, in metres, and seconds from T0.

    Starts mid south edge, counter-clockwise: 30 waiting fixes within 2 m at each end, a 1 m
    GPS drift plus 5 cm noise along the way, one fix 40 m out and back while the walker waits 40 s
    (plausible speed, so only the spike step can catch it), one 20 m jump in 1 s (20 m/s),
    5 repeated fixes and 3 fixes 20 cm from the previous one, and ``gap_m`` left unwalked.
    """
    rng = np.random.default_rng(seed)
    rect = rectangle()
    perimeter = rect.exterior.length
    # Start 0.5 m east of mid south edge so that fixes fall on the corners, never 0.7 m across one.
    path = walk_along(rect, perimeter - WIDTH / 2 + 0.5, perimeter - gap_m)
    s = np.arange(len(path))
    path = path + np.column_stack([np.sin(2 * np.pi * s / 97), np.cos(2 * np.pi * s / 61)])
    path = path + rng.normal(0, 0.05, path.shape)

    def waiting(at: XY) -> list[tuple[float, float, float]]:
        r, a = 2.0 * np.sqrt(rng.uniform(0, 1, 30)), rng.uniform(0, 2 * np.pi, 30)
        return [
            (at[0] + dx, at[1] + dy, 1.0)
            for dx, dy in zip(r * np.cos(a), r * np.sin(a), strict=True)
        ]

    rows = waiting(path[0])  # (x, y, seconds since the previous fix)
    for i, (x, y) in enumerate(path):
        rows.append((x, y, 1.0 if i != 101 else 20.0))
        if i == 100:  # east edge: out 40 m east, back 40 s later
            rows.append((x + 40.0, y, 20.0))
        if i == 200:  # north edge: 20 m north in one second
            rows.append((x, y + 20.0, 1.0))
        if i in (30, 120, 180, 300, 320):
            rows.append((x, y, 0.0))
        if i in (50, 160, 240):
            rows.append((x + 0.2, y, 1.0))
    rows += waiting(path[-1])
    table = np.asarray(rows)
    return table[:, :2], np.cumsum(table[:, 2])


def clean(xy: XY, seconds: XY | None = None, **kwargs: float) -> TrackResult:
    lon, lat = to_lonlat(xy)
    times = None if seconds is None else T0 + (seconds * 1000).astype("timedelta64[ms]")
    return track_to_polygon(lon, lat, times=times, **kwargs)


def vertices_m(result: TrackResult) -> XY:
    """The polygon's vertices back in the local metres the walk was laid out in."""
    lon, lat = shapely.get_coordinates(result.polygon).T
    return np.column_stack(local().transform(lon, lat))


def assert_adds_up(result: TrackResult) -> None:
    assert result.points_in == result.points_used + sum(result.steps.values())
    assert (result.polygon is None) == (result.area_ha is None)
    if result.polygon is None:
        assert result.problems
    else:
        assert result.polygon.is_valid
        assert result.area_ha is not None
        assert result.area_ha > 0


def test_tracks_doctests_pass() -> None:
    outcome = doctest.testmod(chacra.geo.tracks)
    assert outcome.attempted > 0
    assert outcome.failed == 0


@pytest.mark.parametrize("seed", [5, 11, 23])
def test_messy_walk_is_cleaned_step_by_step_into_the_rectangle(seed: int) -> None:
    xy, seconds = messy_walk(seed=seed)
    result = clean(xy, seconds)

    assert result.problems == ()
    assert result.polygon is not None
    assert result.polygon.is_valid
    assert result.polygon.geom_type == "Polygon"
    assert result.area_ha is not None
    assert result.area_ha * 1e4 == pytest.approx(true_area_m2(rectangle()), rel=0.03)
    steps = result.steps
    # The 30 waiting fixes, plus the first or last few metres of walking within 5 m of the end fix.
    assert 30 <= steps["stationary_start"] <= 40
    assert 30 <= steps["stationary_end"] <= 40
    assert steps["too_fast"] == 1
    assert steps["duplicates"] == 8
    assert steps["spikes"] == 1
    assert steps["non_finite"] == 0
    assert result.closed_gap_m == pytest.approx(4.0, abs=2.0)
    assert result.points_in == len(xy)
    assert 4 <= result.points_used <= 20  # simplified to a few corners, not the 400 fixes
    assert_adds_up(result)
    # No fix of the spike or the jump is left on the polygon.
    corners = vertices_m(result)
    assert corners[:, 0].max() < WIDTH / 2 + 5  # the spike went 40 m east
    assert corners[:, 1].max() < HEIGHT / 2 + 5  # the jump 20 m north


def test_without_times_the_jump_is_caught_as_a_spike() -> None:
    xy, _ = messy_walk()
    result = clean(xy)
    assert result.steps["too_fast"] == 0
    assert result.steps["spikes"] == 2
    assert result.steps["duplicates"] == 8
    assert result.area_ha is not None
    assert result.area_ha * 1e4 == pytest.approx(true_area_m2(rectangle()), rel=0.03)


def test_a_jump_that_the_speed_allows_is_kept() -> None:
    xy, seconds = messy_walk()
    # At 30 m/s allowed, the 20 m jump in one second is no longer too fast; it is still a spike.
    result = clean(xy, seconds, max_speed_m_s=30.0)
    assert result.steps["too_fast"] == 0
    assert result.steps["spikes"] == 2


def test_gps_noise_alone_is_never_too_fast() -> None:
    # 1 m/s with 1 m of independent noise per fix: steps up to ~5 m in a second, all explained
    # by the GPS error (accuracy 5 m) plus walking.
    rng = np.random.default_rng(8)
    path = walk_along(rectangle(), 10.0, rectangle().exterior.length - 3)
    result = clean(path + rng.normal(0, 1.0, path.shape), np.arange(len(path), dtype=float))
    assert result.steps["too_fast"] == 0
    assert result.problems == ()


def test_a_double_out_and_back_keeps_the_fix_between_the_spikes() -> None:
    path = walk_along(rectangle(), 10.0, rectangle().exterior.length - 3)
    # On the south edge (walked eastward): out 40 m south, back, out again, back.
    i = int(np.argmin(np.hypot(path[:, 0] - 20, path[:, 1] + HEIGHT / 2)))
    twice = path[i] + np.array([[0.5, -40.0], [1.0, 0.0], [1.5, -40.0]])
    result = clean(np.vstack([path[: i + 1], twice, path[i + 2 :]]))
    # Both tips go; the fix back on the boundary between them is a real one and stays.
    assert result.steps["spikes"] == 2
    assert vertices_m(result)[:, 1].min() > -HEIGHT / 2 - 5


def test_too_short_a_track_gives_no_polygon() -> None:
    result = clean(np.array([[0.0, 0.0], [50.0, 0.0], [50.0, 50.0]]))
    assert result.polygon is None
    assert result.area_ha is None
    assert result.problems == ("too_few_points",)
    assert_adds_up(result)


def test_a_walker_who_never_left_gives_no_polygon() -> None:
    rng = np.random.default_rng(2)
    result = clean(rng.uniform(-2, 2, (60, 2)))
    assert result.problems == ("too_few_points",)
    assert result.steps["stationary_start"] == 59
    assert_adds_up(result)


def test_an_unfinished_walk_is_an_open_ring() -> None:
    xy, seconds = messy_walk(gap_m=60.0)
    result = clean(xy, seconds)
    assert result.polygon is None
    assert result.problems == ("open_ring",)
    assert result.closed_gap_m == pytest.approx(60.0, abs=3.0)
    assert_adds_up(result)


def test_a_gap_within_three_times_the_accuracy_is_closed() -> None:
    xy, seconds = messy_walk(gap_m=12.0)
    assert clean(xy, seconds).problems == ()
    assert clean(xy, seconds, accuracy_m=2.0).problems == ("open_ring",)


def test_a_walk_closed_by_the_device_counts_the_repeat_as_a_duplicate() -> None:
    path = walk_along(rectangle(), 10.0, rectangle().exterior.length)
    result = clean(np.vstack([path, path[:1]]))
    assert result.problems == ()
    assert result.area_ha is not None
    assert result.area_ha * 1e4 == pytest.approx(true_area_m2(rectangle()), rel=0.01)
    assert_adds_up(result)


@pytest.mark.parametrize(("width_m", "spikes"), [(0.3, 0), (3.0, 1)])
def test_walking_out_and_back_along_a_line_leaves_no_spike(width_m: float, spikes: int) -> None:
    rect = rectangle()
    path = walk_along(rect, 0.0, rect.exterior.length)
    # Halfway along the north edge (walked westward) the walker goes 30 m north and comes back
    # down a line that drifts west, to width_m beside the way out at the boundary.
    i = int(np.argmin(np.hypot(path[:, 0], path[:, 1] - HEIGHT / 2)))
    out = np.column_stack([np.full(30, path[i, 0]), path[i, 1] + np.arange(1.0, 31.0)])
    back = out[::-1] - np.outer(np.linspace(0.0, width_m, 30), [1.0, 0.0])
    result = clean(np.vstack([path[: i + 1], out, back, path[i + 1 :]]))
    assert result.polygon is not None
    # A narrow one is a triangle under accuracy**2 that simplification drops; a wider one is left
    # for the spike pass on the simplified ring (it turns back by 6 degrees).
    assert result.steps["spikes"] == spikes
    assert vertices_m(result)[:, 1].max() < HEIGHT / 2 + 5
    assert result.area_ha is not None
    assert result.area_ha * 1e4 == pytest.approx(true_area_m2(rect), rel=0.02)


def test_a_walk_that_crosses_itself_is_repaired() -> None:
    # A figure of eight: two 60 m squares touching at a crossing.
    eight = shapely.Polygon(
        [(0, 0), (60, 0), (60, 60), (120, 60), (120, 120), (60, 120), (60, 0.1)]
    )
    eight = shapely.Polygon([(0, 0), (60, 60), (120, 60), (120, 0), (60, 60), (0, 60)])
    path = shapely.get_coordinates(
        shapely.line_interpolate_point(eight.exterior, np.arange(0.0, eight.exterior.length, 1.0))
    )
    result = clean(path)
    assert result.problems == ("repaired",)
    assert result.polygon is not None
    assert result.polygon.is_valid
    assert result.polygon.geom_type == "MultiPolygon"
    assert_adds_up(result)


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="equally long"):
        track_to_polygon([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="one stamp per fix"):
        track_to_polygon([1.0, 2.0], [1.0, 2.0], times=[T0])
    with pytest.raises(ValueError, match="must be > 0"):
        track_to_polygon([1.0, 2.0], [1.0, 2.0], accuracy_m=0.0)


def test_missing_fixes_are_dropped_and_counted() -> None:
    path = walk_along(rectangle(), 10.0, rectangle().exterior.length - 3)
    lon, lat = to_lonlat(path)
    lon[[50, 150]] = np.nan
    times = T0 + np.arange(len(lon)) * np.timedelta64(1, "s")
    times[250] = np.datetime64("NaT")
    result = track_to_polygon(lon, lat, times=times)
    assert result.steps["non_finite"] == 3
    assert result.problems == ()
    assert_adds_up(result)


@settings(max_examples=40, deadline=None)
@given(
    vertices=st.integers(5, 12),
    radius=st.floats(40.0, 150.0),
    rotation=st.floats(0.0, 2 * np.pi),
    lon=st.floats(-80.0, -69.0),
    lat=st.floats(-18.0, -0.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_star_shaped_walks_give_the_walked_area(
    vertices: int, radius: float, rotation: float, lon: float, lat: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    angles = rotation + (np.arange(vertices) + rng.uniform(-0.3, 0.3, vertices)) * (
        2 * np.pi / vertices
    )
    radii = radius * rng.uniform(0.6, 1.0, vertices)
    star = shapely.Polygon(np.column_stack([radii * np.cos(angles), radii * np.sin(angles)]))
    path = walk_along(star, rng.uniform(0, star.exterior.length), star.exterior.length)
    path = path + rng.normal(0, 0.3, path.shape)
    there = local(lon, lat)
    result = track_to_polygon(*to_lonlat(path, there))

    assert_adds_up(result)
    assert result.problems == ()
    assert result.area_ha is not None
    # Visvalingam-Whyatt at the GPS accuracy (5 m) may drop a blunt corner of the walked shape,
    # changing the area by less than 25 m2 each time: on the smallest stars that is above 3%.
    true = true_area_m2(star, there)
    assert abs(result.area_ha * 1e4 - true) <= max(0.03 * true, vertices * 5.0**2)


fix = st.one_of(st.floats(-0.002, 0.002), st.just(float("nan")))


@settings(max_examples=150, deadline=None)
@given(points=st.lists(st.tuples(fix, fix), max_size=80), with_times=st.booleans())
def test_any_track_gives_a_result_that_adds_up(
    points: list[tuple[float, float]], with_times: bool
) -> None:
    offsets = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    lon, lat = -76.5 + offsets[:, 0], -6.5 + offsets[:, 1]
    times = T0 + np.arange(len(lon)) * np.timedelta64(5, "s") if with_times else None
    result = track_to_polygon(lon, lat, times=times)
    assert_adds_up(result)
    assert set(result.problems) <= {"too_few_points", "open_ring", "repaired", "no_area"}


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=4, max_size=300),
    accuracy_m=st.floats(1.0, 15.0),
)
def test_tracks_that_revisit_the_same_fixes_give_a_result(
    cells: list[tuple[int, int]], accuracy_m: float
) -> None:
    # Fixes on a 1 m grid revisit vertices and fold the ring onto itself, which GEOS's
    # Visvalingam-Whyatt refuses.
    result = clean(np.asarray(cells, dtype=np.float64), accuracy_m=accuracy_m)
    assert_adds_up(result)
