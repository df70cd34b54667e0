"""Plot quality flags: each flag on tiny hand-made plots, both ways, and overlaps at scale.

Plots are drawn in metres in an azimuthal equidistant projection centred in San Martín and
converted to lon/lat, so a 100 m square is a 100 m square on the ground.
"""

from __future__ import annotations

import doctest
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

import chacra.geo.quality
from chacra.geo.area import geodesic_area_m2
from chacra.geo.quality import CODES, Flag, overlap_pairs, plot_flags, polsby_popper
from chacra.geo.shapes import irregular_polygons

SAN_MARTIN = (-76.5, -6.5)
TO_LOCAL = Transformer.from_crs(
    "EPSG:4326", "+proj=aeqd +lat_0=-6.5 +lon_0=-76.5 +ellps=WGS84", always_xy=True
)


def lonlat(geom: Any) -> Any:
    """A shape drawn in metres around the San Martín centre, in lon/lat."""
    return shapely.transform(
        geom,
        lambda xy: np.column_stack(TO_LOCAL.transform(xy[:, 0], xy[:, 1], direction="INVERSE")),
    )


def box_m(x0: float, y0: float, x1: float, y1: float) -> Any:
    return lonlat(shapely.box(x0, y0, x1, y1))


def codes(flags: Sequence[Flag]) -> list[str]:
    return [f.code for f in flags]


def with_code(flags: Sequence[Flag], code: str) -> Flag:
    (found,) = [f for f in flags if f.code == code]
    return found


SQUARE = box_m(0, 0, 100, 100)  # 1 ha, valid, compact, in Peru


def test_quality_doctests_pass() -> None:
    outcome = doctest.testmod(chacra.geo.quality)
    assert outcome.attempted > 0
    assert outcome.failed == 0


def test_a_clean_plot_has_no_flags() -> None:
    assert plot_flags(
        [SQUARE], declared_ha=[1.0], owners=[1], distrito_shapes=[SQUARE.buffer(0.01)]
    ) == [[]]


def test_a_bowtie_is_invalid_and_says_why() -> None:
    bowtie = lonlat(shapely.Polygon([(0, 0), (100, 100), (100, 0), (0, 100)]))
    line = lonlat(shapely.LineString([(0, 0), (100, 0)]))
    flags = plot_flags([bowtie, SQUARE, line], owners=[1, 1, 1])  # one owner: no overlap flags
    assert "Self-intersection" in with_code(flags[0], "invalid_geometry").detail
    assert flags[1] == []
    assert with_code(flags[2], "invalid_geometry").detail == (
        "LineString is not a Polygon, MultiPolygon or Point"
    )


def test_plots_with_fewer_than_four_distinct_vertices() -> None:
    triangle = lonlat(shapely.Polygon([(0, 0), (100, 0), (50, 100)]))
    repeated = lonlat(shapely.Polygon([(0, 0), (100, 0), (100, 0), (100, 100)]))
    with_a_triangle = shapely.MultiPolygon(
        [
            SQUARE,
            box_m(300, 0, 400, 100).intersection(
                lonlat(shapely.Polygon([(300, 0), (400, 0), (300, 100)]))
            ),
        ]
    )
    pentagon = lonlat(shapely.Polygon([(0, 0), (100, 0), (120, 50), (100, 100), (0, 100)]))
    flags = plot_flags([triangle, repeated, with_a_triangle, SQUARE, pentagon])
    assert with_code(flags[0], "few_vertices").detail == "3 distinct vertices"
    assert with_code(flags[1], "few_vertices").detail == "3 distinct vertices"
    assert "few_vertices" in codes(flags[2])
    assert "few_vertices" not in codes(flags[3])
    assert "few_vertices" not in codes(flags[4])


def test_a_two_metre_strip_is_a_sliver_and_a_square_is_not() -> None:
    strip = box_m(0, 0, 500, 2)
    long_field = box_m(0, 0, 300, 30)  # 1:10, Polsby-Popper 0.26
    flags = plot_flags([strip, SQUARE, long_field], owners=[1, 1, 1])
    assert with_code(flags[0], "sliver").detail.startswith("Polsby-Popper 0.01")
    assert flags[1] == []
    assert flags[2] == []


def test_polsby_popper_is_geodesic_and_near_its_planar_value() -> None:
    disc = lonlat(shapely.Point(0, 0).buffer(60, quad_segs=64))
    strip = box_m(0, 0, 500, 2)
    pp = polsby_popper([SQUARE, disc, strip, None, shapely.Point(*SAN_MARTIN)])
    assert pp[0] == pytest.approx(np.pi / 4, rel=1e-4)
    assert pp[1] == pytest.approx(1.0, rel=1e-3)
    assert pp[2] == pytest.approx(4 * np.pi * 1000 / 1004**2, rel=1e-4)
    assert np.isnan(pp[3:]).all()


@pytest.mark.parametrize(
    ("declared", "flagged"),
    [
        (3.0, True),
        (2.1, True),
        (1.9, False),
        (0.6, False),
        (0.4, True),
        (np.nan, False),
        (0.0, False),
    ],
)
def test_area_mismatch_outside_half_to_twice_the_declared_area(
    declared: float, flagged: bool
) -> None:
    (flags,) = plot_flags([SQUARE], declared_ha=[declared])
    assert ("area_mismatch" in codes(flags)) is flagged
    if flagged:
        assert (
            with_code(flags, "area_mismatch").detail
            == f"mapped 1.00 ha, declared {declared:.2f} ha"
        )


def test_areas_measured_before_are_used_for_valid_plots_only() -> None:
    bowtie = lonlat(shapely.Polygon([(0, 0), (100, 100), (100, 0), (0, 100)]))
    measured = [30_000.0, 30_000.0, np.nan]  # 3 ha, as if stored with the plots
    flags = plot_flags([SQUARE, bowtie, SQUARE], declared_ha=[3, 3, 3], area_m2=measured)
    assert "area_mismatch" not in codes(flags[0])  # 3 ha mapped (as given), 3 declared
    # a repaired plot and a plot without a measure are measured here
    assert with_code(flags[1], "area_mismatch").detail == "mapped 0.50 ha, declared 3.00 ha"
    assert with_code(flags[2], "area_mismatch").detail == "mapped 1.00 ha, declared 3.00 ha"


@pytest.mark.parametrize(
    ("shift_m", "flagged"), [(10.0, True), (6.0, True), (4.0, False), (0.0, False)]
)
def test_overlap_between_owners_is_flagged_above_five_percent(
    shift_m: float, flagged: bool
) -> None:
    other = box_m(100 - shift_m, 0, 200 - shift_m, 100)  # overlaps the square by shift_m %
    flags = plot_flags([SQUARE, other], owners=[1, 2])
    assert ("overlap" in codes(flags[0])) is flagged
    assert ("overlap" in codes(flags[1])) is flagged
    if flagged:
        assert with_code(flags[0], "overlap").detail == (
            f"overlaps #1 by {shift_m:.0f}% (of the smaller plot)"
        )
        assert with_code(flags[1], "overlap").detail.startswith("overlaps #0 by")


def test_overlap_within_one_owner_is_not_flagged() -> None:
    other = box_m(50, 0, 150, 100)
    assert plot_flags([SQUARE, other], owners=[7, 7]) == [[], []]
    assert codes(plot_flags([SQUARE, other], owners=[7, 8])[0]) == ["overlap"]
    assert codes(plot_flags([SQUARE, other])[0]) == ["overlap"]  # no owners: all different


def test_overlap_share_is_of_the_smaller_plot_and_one_flag_names_all() -> None:
    small = box_m(80, 40, 100, 60)  # 400 m², wholly inside the square
    right = box_m(90, 0, 190, 100)
    flags = plot_flags([SQUARE, small, right], owners=[1, 2, 3])
    assert with_code(flags[0], "overlap").detail == (
        "overlaps #1 by 100%, #2 by 10% (of the smaller plot)"
    )
    assert codes(flags[1]) == ["overlap"]
    i, j, share = overlap_pairs([SQUARE, small, right], owners=[1, 2, 3])
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2)]
    assert share == pytest.approx([1.0, 0.1, 0.5], rel=1e-4)


def test_outside_peru() -> None:
    bolivia = shapely.box(-68.10, -16.50, -68.09, -16.49)  # La Paz
    brazil = shapely.box(-60.02, -3.11, -60.01, -3.10)  # Manaus
    madrid = shapely.Point(-3.70, 40.42)
    flags = plot_flags([SQUARE, bolivia, brazil, madrid, shapely.Point(*SAN_MARTIN)])
    assert [("outside_peru" in codes(f)) for f in flags] == [False, True, True, True, False]
    assert with_code(flags[1], "outside_peru").detail == (
        "bounds (-68.1000, -16.5000, -68.0900, -16.4900) outside Peru"
    )


def test_swapped_coordinates_of_a_san_martin_plot() -> None:
    swapped = shapely.transform(SQUARE, lambda xy: xy[:, ::-1])
    madrid = shapely.box(-3.70, 40.42, -3.69, 40.43)  # outside both ways round
    flags = plot_flags([swapped, madrid, SQUARE])
    assert codes(flags[0]) == ["outside_peru", "swapped_coordinates"]
    assert codes(flags[1]) == ["outside_peru"]
    assert flags[2] == []


def test_outside_distrito() -> None:
    distrito = box_m(-1000, -1000, 1000, 1000)
    elsewhere = box_m(5000, 5000, 7000, 7000)
    point = lonlat(shapely.Point(50, 50))
    flags = plot_flags(
        [SQUARE, SQUARE, SQUARE, point, point],
        distrito_shapes=[distrito, elsewhere, None, distrito, elsewhere],
    )
    assert [("outside_distrito" in codes(f)) for f in flags] == [False, True, False, False, True]
    assert with_code(flags[1], "outside_distrito").detail == (
        "point (-76.49955, -6.49955) outside its distrito"  # the middle of the 100 m square
    )
    assert plot_flags([SQUARE], distrito_shapes=None) == [[]]


def test_outside_distrito_looks_at_a_point_inside_the_plot_not_its_centroid() -> None:
    # An L-shaped plot filling an L-shaped distrito: its centroid (262 m, 262 m) is in neither.
    ell = shapely.Polygon([(0, 0), (900, 0), (900, 100), (100, 100), (100, 900), (0, 900)])
    plot, distrito = lonlat(ell), lonlat(ell.buffer(10, join_style="mitre"))
    assert not distrito.covers(plot.centroid)
    assert plot_flags([plot], distrito_shapes=[distrito]) == [[]]


def test_duplicates_are_equal_whatever_the_vertex_order() -> None:
    coords = shapely.get_coordinates(SQUARE)[:-1]
    turned = shapely.Polygon(np.roll(coords, 2, axis=0)[::-1])  # other start, other orientation
    moved = box_m(1, 0, 101, 100)  # one metre east: the same plot re-walked, not a copy
    flags = plot_flags(
        [SQUARE, turned, moved, shapely.Point(*SAN_MARTIN), shapely.Point(*SAN_MARTIN)],
        owners=[1, 1, 1, 2, 3],
    )
    assert with_code(flags[0], "duplicate_geometry").detail == "same geometry as #1"
    assert with_code(flags[1], "duplicate_geometry").detail == "same geometry as #0"
    assert "duplicate_geometry" not in codes(flags[2])
    assert codes(flags[3]) == ["duplicate_geometry"]  # two plots mapped at one GPS point


def test_missing_empty_and_point_plots_are_checked_without_errors() -> None:
    flags = plot_flags(
        [None, shapely.Polygon(), shapely.Point(*SAN_MARTIN), SQUARE],
        declared_ha=[1.0, 1.0, 1.0, 1.0],
        owners=[1, 2, 3, 4],
        distrito_shapes=[None, None, SQUARE.buffer(0.001), None],
    )
    assert flags == [[], [], [], []]


def test_per_plot_arrays_of_the_wrong_length_are_named() -> None:
    with pytest.raises(ValueError, match="declared_ha has 1 values for 2 plots"):
        plot_flags([SQUARE, SQUARE], declared_ha=[1.0])
    with pytest.raises(ValueError, match="owners has 3 values for 2 plots"):
        plot_flags([SQUARE, SQUARE], owners=[1, 2, 3])


def test_flags_come_in_code_order_one_per_code() -> None:
    bowtie = lonlat(shapely.Polygon([(0, 0), (10, 500), (10, 0), (0, 500)]))  # thin and crossed
    flags = plot_flags([bowtie, bowtie], declared_ha=[5.0, 5.0], owners=[1, 2])
    assert codes(flags[0]) == [
        "invalid_geometry",
        "sliver",
        "area_mismatch",
        "overlap",
        "duplicate_geometry",
    ]
    assert [CODES.index(c) for c in codes(flags[0])] == sorted(
        CODES.index(c) for c in codes(flags[0])
    )


def brute_force_overlaps(geoms: Any, owners: Any, min_share: float = 0.05) -> set[tuple[int, int]]:
    n = len(geoms)
    i, j = np.triu_indices(n, k=1)
    shared = geodesic_area_m2(shapely.intersection(geoms[i], geoms[j]))
    area = geodesic_area_m2(geoms)
    over = (shared / np.minimum(area[i], area[j]) > min_share) & (owners[i] != owners[j])
    return set(zip(i[over].tolist(), j[over].tolist(), strict=True))


def random_plots(n: int, seed: int, spread_deg: float) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    lon = SAN_MARTIN[0] + rng.uniform(0, spread_deg, n)
    lat = SAN_MARTIN[1] + rng.uniform(0, spread_deg, n)
    plots = irregular_polygons(lon, lat, rng.uniform(2_000, 60_000, n), rng)
    return plots, rng.integers(0, n // 3 + 1, n)


def test_five_thousand_plots_and_overlaps_agree_with_brute_force() -> None:
    plots, owners = random_plots(5_000, seed=11, spread_deg=0.25)
    started = time.perf_counter()
    flags = plot_flags(plots, declared_ha=np.full(5_000, 2.0), owners=owners)
    elapsed = time.perf_counter() - started
    assert elapsed < 30  # linear in the plots: ~0.2 s here; all pairs would be 12.5 million
    flagged = {k for k, f in enumerate(flags) if "overlap" in codes(f)}
    i, j, _ = overlap_pairs(plots, owners)
    assert flagged == set(i.tolist()) | set(j.tolist())
    assert len(flagged) > 50

    # The 300 plots nearest the first one overlap each other often enough to test something.
    centres = shapely.get_coordinates(shapely.centroid(plots))
    near = np.argsort(np.hypot(*(centres - centres[0]).T))[:300]
    subset, subset_owners = plots[near], owners[near]
    expected = brute_force_overlaps(subset, subset_owners)
    si, sj, _ = overlap_pairs(subset, subset_owners)
    assert set(zip(si.tolist(), sj.tolist(), strict=True)) == expected
    assert len(expected) > 10


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 60), min_share=st.floats(0.0, 0.5))
def test_overlap_pairs_match_brute_force(seed: int, n: int, min_share: float) -> None:
    plots, owners = random_plots(n, seed, spread_deg=0.01)
    i, j, share = overlap_pairs(plots, owners, min_share=min_share)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == brute_force_overlaps(
        plots, owners, min_share
    )
    assert np.all((share > min_share) & (share <= 1 + 1e-9))
