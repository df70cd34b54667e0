"""Site selection on built cases whose optimal sites are known, heuristic against the MIP."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import shapely

import chacra.geo.roads
import chacra.geo.siting
import chacra.geo.siting_exact
import chacra.geo.siting_model
from chacra.errors import InvalidInput
from chacra.geo.roads import road_distance_km
from chacra.geo.siting import aggregate_demand, exact, gap, geodesic_km, heuristic, median_cost


def _clusters() -> tuple[np.ndarray, np.ndarray]:
    """Three tight clusters of producers; candidates at the three centres and at 7 decoys."""
    rng = np.random.default_rng(3)
    centres = np.array([[-76.4, -6.5], [-75.9, -8.4], [-74.6, -8.9]])
    points = np.concatenate([c + rng.normal(0, 0.01, (40, 2)) for c in centres])
    decoys = centres.mean(axis=0) + rng.normal(0, 0.6, (7, 2))
    sites = np.concatenate([decoys[:4], centres, decoys[4:]])  # the centres are columns 4, 5, 6
    return points, sites


def test_three_clusters_get_their_centres_by_heuristic_and_mip() -> None:
    points, sites = _clusters()
    d = geodesic_km(points[:, 0], points[:, 1], sites[:, 0], sites[:, 1])
    w = np.ones(len(points))
    fast, best = heuristic(w, d, 3), exact(w, d, 3)
    assert fast.sites.tolist() == [4, 5, 6]
    assert best.sites.tolist() == [4, 5, 6]
    assert gap(fast, best) == pytest.approx(0.0, abs=1e-9)


def test_weights_move_a_single_site_to_the_heavy_cluster() -> None:
    points, sites = _clusters()
    d = geodesic_km(points[:, 0], points[:, 1], sites[:, 0], sites[:, 1])
    w = np.r_[np.ones(40), np.ones(40), np.full(40, 50.0)]
    assert heuristic(w, d, 1).sites.tolist() == [6]
    assert exact(w, d, 1).sites.tolist() == [6]


def test_coverage_takes_the_two_largest_clusters_within_the_limit() -> None:
    points, sites = _clusters()
    d = geodesic_km(points[:, 0], points[:, 1], sites[:, 0], sites[:, 1])
    w = np.r_[np.full(40, 3.0), np.full(40, 1.0), np.full(40, 2.0)]
    fast = heuristic(w, d, 2, objective="coverage", limit_km=10)
    best = exact(w, d, 2, objective="coverage", limit_km=10)
    assert fast.sites.tolist() == best.sites.tolist() == [4, 6]
    assert fast.cost == pytest.approx(200.0)
    assert (fast.assignment[40:80] == -1).all()  # the middle cluster is out of reach


def test_capacity_splits_a_cluster_too_big_for_one_site() -> None:
    # Two sites 1 km apart, all demand next to site 0; capacity forces half to site 1.
    d = np.array([[0.0, 1.0]] * 4)
    w = np.ones(4)
    best = exact(w, d, 2, capacity=2)
    fast = heuristic(w, d, 2, capacity=2)
    assert best.cost == pytest.approx(2.0)
    assert fast.cost == pytest.approx(2.0)
    assert sorted(fast.load.tolist()) == [2.0, 2.0]


def test_too_little_capacity_is_refused_with_what_would_work() -> None:
    with pytest.raises(InvalidInput, match="larger capacity"):
        heuristic(np.ones(4), np.array([[0.0, 1.0]] * 4), 2, capacity=1)


def test_k_out_of_range_names_the_range() -> None:
    with pytest.raises(InvalidInput, match="between 1 and 2"):
        heuristic(np.ones(4), np.array([[0.0, 1.0]] * 4), 3)


def test_heuristic_is_within_one_percent_of_the_mip_on_random_instances() -> None:
    rng = np.random.default_rng(7)
    d = geodesic_km(
        *rng.uniform([-77, -9], [-75, -6], (150, 2)).T,
        *rng.uniform([-77, -9], [-75, -6], (25, 2)).T,
    )
    w = rng.gamma(2.0, 1.0, 150)
    for k in (2, 4):
        assert gap(heuristic(w, d, k), exact(w, d, k)) <= 0.01


def test_roads_route_around_a_river_with_one_bridge() -> None:
    # Two points 0.02 degrees apart; the only road goes 0.1 degrees north and back.
    road = shapely.linestrings([[0, 0], [0, 0.1], [0.02, 0.1], [0.02, 0]])
    d = road_distance_km([road], shapely.points([[0, 0]]), shapely.points([[0.02, 0]]))
    assert d[0, 0] == pytest.approx(0.22 * 111.2, rel=0.01)
    # With no road layer the straight line times the detour factor is used
    straight = road_distance_km([], shapely.points([[0, 0]]), shapely.points([[0.02, 0]]))
    assert straight[0, 0] == pytest.approx(0.02 * 111.2 * 1.35, rel=0.01)


def test_summing_on_cells_keeps_the_weight_and_moves_no_point_farther_than_a_cell() -> None:
    points, sites = _clusters()
    w = np.random.default_rng(5).uniform(0.1, 3.0, len(points))
    cells = aggregate_demand(points[:, 0], points[:, 1], w, 8)
    assert 3 <= len(cells.weights) < len(w)
    assert cells.weights.sum() == pytest.approx(w.sum())
    moved = geodesic_km(points[:, 0], points[:, 1], cells.lon, cells.lat)[
        np.arange(len(w)), cells.cell_of
    ]
    assert moved.max() <= 2 * 0.531  # two res-8 edges: the hexagon's width
    # The sites chosen on the cells are the clusters' centres, evaluated on every point too.
    d_cells = geodesic_km(cells.lon, cells.lat, sites[:, 0], sites[:, 1])
    on_cells = heuristic(cells.weights, d_cells, 3)
    assert on_cells.sites.tolist() == [4, 5, 6]
    d = geodesic_km(points[:, 0], points[:, 1], sites[:, 0], sites[:, 1])
    assert median_cost(w, d, on_cells.sites) == pytest.approx(heuristic(w, d, 3).cost)


def test_demand_without_a_location_is_refused() -> None:
    with pytest.raises(InvalidInput, match="longitude, a latitude and a weight"):
        aggregate_demand([-76.0, np.nan], [-6.0, -6.1], [1.0, 1.0])


@pytest.mark.parametrize(
    "module",
    [chacra.geo.siting, chacra.geo.siting_model, chacra.geo.siting_exact, chacra.geo.roads],
)
def test_doctests_pass(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]
