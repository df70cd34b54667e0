"""Choosing k sites among candidates: p-median and maximal coverage, fast and exact.

The demand is weighted points (producers or cells, weighted by expected tonnes or by any weight a
user supplies: dry-season exposure for irrigation, hectares for input providers); the candidates
are points too. Distances come as a matrix (``geodesic_km`` times a detour factor, or
``chacra.geo.roads.road_distance_km`` over a road graph).

Two solvers per objective: a heuristic (greedy construction, then Teitz-Bart vertex substitution
with every swap of one open site scored at once with numpy) for any size, and an exact mixed
integer programme (PuLP + CBC) for small instances, used to report the heuristic's gap.
Large demand is first summed on H3 cells (``aggregate_demand``): one row per cell, not per plot.

The parts live by topic: ``siting_model`` (distances, solutions, costs, aggregation),
``siting_search`` (the heuristic's moves) and ``siting_exact`` (the MIP); this module is the
entry point and re-exports what callers use.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from chacra.errors import InvalidInput
from chacra.geo.siting_exact import exact
from chacra.geo.siting_model import (
    DEFAULT_DETOUR,
    EARTH_RADIUS_KM,
    Demand,
    FloatArray,
    IntArray,
    Objective,
    Siting,
    aggregate_demand,
    assign,
    check,
    coverage_value,
    gap,
    geodesic_km,
    median_cost,
)
from chacra.geo.siting_search import (
    capacitated_assignment,
    coverage_heuristic,
    median_heuristic,
)

__all__ = [
    "DEFAULT_DETOUR",
    "EARTH_RADIUS_KM",
    "Demand",
    "FloatArray",
    "IntArray",
    "Objective",
    "Siting",
    "aggregate_demand",
    "exact",
    "gap",
    "geodesic_km",
    "heuristic",
    "median_cost",
]


def heuristic(
    weights: npt.ArrayLike,
    distance: npt.ArrayLike,
    k: int,
    *,
    objective: Objective = "median",
    limit_km: float | None = None,
    capacity: float | None = None,
    restarts: int = 2,
    seed: int = 0,
) -> Siting:
    """k sites by greedy construction and vertex substitution (Teitz and Bart, 1968).

    ``objective="median"`` minimises the weighted distance to the nearest site; with
    ``capacity`` each site serves at most that much weight (sites are chosen uncapacitated,
    then demand is assigned within capacity). ``objective="coverage"`` maximises the weight
    within ``limit_km`` of a site. ``restarts`` more searches start from randomised greedy
    solutions (seeded: the same input gives the same answer) and the best is kept.

    >>> d = np.array([[0, 5, 9], [5, 0, 4], [9, 4, 0], [10, 5, 1]], dtype=float)
    >>> s = heuristic([1, 1, 1, 1], d, 1)
    >>> s.sites.tolist(), s.cost
    ([1], 14.0)
    >>> heuristic([1, 1, 1, 1], d, 1, objective="coverage", limit_km=1).sites.tolist()
    [2]
    """
    started = time.perf_counter()
    w = np.asarray(weights, dtype=np.float64)
    d = np.asarray(distance, dtype=np.float64)
    check(w, d, k)
    if objective == "coverage":
        if limit_km is None:
            raise InvalidInput("maximal coverage needs a travel limit (km)", field="limit_km")
        covers = d <= limit_km
        sites = coverage_heuristic(w, covers, k)
        assignment, load = assign(w, d, sites, objective, limit_km)
        cost = coverage_value(w, covers, sites)
    elif objective == "median":
        sites = median_heuristic(w, d, k, restarts, seed)
        if capacity is not None:
            assignment, load, cost = capacitated_assignment(w, d, sites, capacity)
        else:
            assignment, load = assign(w, d, sites, objective, None)
            cost = median_cost(w, d, sites)
    else:
        raise InvalidInput(
            f"objective {objective!r}: use 'median' or 'coverage'", field="objective"
        )
    return Siting(
        objective=objective,
        method="heuristic",
        sites=sites,
        assignment=assignment,
        cost=cost,
        seconds=time.perf_counter() - started,
        load=load,
    )
