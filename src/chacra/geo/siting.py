"""Choosing k sites among candidates: p-median and maximal coverage, fast and exact.

The demand is weighted points (producers or cells, weighted by expected tonnes or by any weight a
user supplies: dry-season exposure for irrigation, hectares for input providers); the candidates
are points too. Distances come as a matrix (``geodesic_km`` times a detour factor, or
``chacra.geo.roads.road_distance_km`` over a road graph).

Two solvers per objective: a heuristic (greedy construction, then Teitz-Bart vertex substitution
with every swap of one open site scored at once with numpy) for any size, and an exact mixed
integer programme (PuLP + CBC) for small instances, used to report the heuristic's gap.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from chacra.errors import InvalidInput

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
#: Roads wind: straight-line distance times this approximates travel distance where no road
#: layer is loaded (about 1.3-1.4 on rural networks; an assumption the caller can change).
DEFAULT_DETOUR = 1.35

Objective = Literal["median", "coverage"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def geodesic_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distances (km) from every first point to every second point, as a matrix.

    Haversine on the mean sphere: within 0.5% of the ellipsoid over the distances that matter
    here, far less than the uncertainty of a detour factor.

    >>> d = geodesic_km([-76.36], [-6.49], [-76.36, -75.99], [-6.49, -6.49])
    >>> d.shape, round(float(d[0, 0]), 3), round(float(d[0, 1]), 1)
    ((1, 2), 0.0, 40.9)
    """
    a_lon = np.radians(np.asarray(lon1, dtype=np.float64))[:, None]
    a_lat = np.radians(np.asarray(lat1, dtype=np.float64))[:, None]
    b_lon = np.radians(np.asarray(lon2, dtype=np.float64))[None, :]
    b_lat = np.radians(np.asarray(lat2, dtype=np.float64))[None, :]
    h = (
        np.sin((b_lat - a_lat) / 2) ** 2
        + np.cos(a_lat) * np.cos(b_lat) * np.sin((b_lon - a_lon) / 2) ** 2
    )
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


@dataclass(frozen=True)
class Siting:
    """The sites chosen, each demand point's site, and the figures of the solution."""

    objective: Objective
    method: str  # "heuristic" or "mip"
    sites: IntArray  # column indexes of the chosen candidates, sorted
    assignment: IntArray  # for each demand point, the column of its site (-1: not covered)
    cost: float  # median: sum of weight x distance; coverage: weight covered
    seconds: float
    load: FloatArray = field(default_factory=lambda: np.zeros(0))  # weight served by each site


def _check(weights: FloatArray, distance: FloatArray, k: int) -> None:
    if distance.ndim != 2 or distance.shape[0] != weights.shape[0]:
        raise InvalidInput(
            f"distance must be a matrix of {weights.shape[0]} demand rows, got {distance.shape}",
            field="distance",
        )
    if not 1 <= k <= distance.shape[1]:
        raise InvalidInput(
            f"k={k}: choose between 1 and {distance.shape[1]} sites (the candidates given)",
            field="k",
        )
    if np.any(weights < 0) or not np.all(np.isfinite(weights)):
        raise InvalidInput("weights must be finite and not negative", field="weights")


def _median_cost(weights: FloatArray, distance: FloatArray, sites: IntArray) -> float:
    return float(weights @ distance[:, sites].min(axis=1))


def _coverage_value(weights: FloatArray, covers: npt.NDArray[np.bool_], sites: IntArray) -> float:
    return float(weights @ covers[:, sites].any(axis=1))


def _greedy(gain_of: FloatArray, chosen: list[int]) -> int:
    gain_of[chosen] = -np.inf
    return int(np.argmax(gain_of))


class _Totals:
    """The total weighted distance of adding each candidate to a given nearest-distance vector.

    ``w @ minimum(nearest[:, None], distance)`` for all candidates at once costs n x m; only a
    demand point's nearest candidates can beat its current site, so the gains are summed over
    each point's ``near`` nearest candidates (a bincount), and over every candidate only for
    the few points farther from their site than their ``near``-th candidate. Same result.
    """

    def __init__(self, weights: FloatArray, distance: FloatArray, near: int = 32) -> None:
        self.weights = weights
        self.distance = distance
        self.m = distance.shape[1]
        near = min(near, self.m)
        self.order = np.argpartition(distance, near - 1, axis=1)[:, :near]
        self.near = np.take_along_axis(distance, self.order, axis=1)
        self.reach = self.near.max(axis=1)

    def __call__(self, nearest: FloatArray) -> FloatArray:
        w = self.weights
        if not np.all(np.isfinite(nearest)):
            # No site yet: the total is the distance to the candidate itself.
            out0: FloatArray = w @ self.distance
            return out0
        gain = np.maximum(nearest[:, None] - self.near, 0.0) * w[:, None]
        far = nearest > self.reach
        if far.any():
            gain[far] = 0.0
        gains: FloatArray = np.bincount(
            self.order.ravel(), weights=gain.ravel(), minlength=self.m
        ).astype(np.float64)
        if far.any():
            gains += w[far] @ np.maximum(nearest[far, None] - self.distance[far], 0.0)
        base = float(w @ nearest)
        out: FloatArray = base - gains
        return out


def _median_greedy(totals_of: _Totals, k: int, rng: np.random.Generator | None) -> IntArray:
    """Add the site that lowers the weighted distance most, k times (with ``rng``: one of the
    three best at random, for restarts that explore other local optima)."""
    distance = totals_of.distance
    nearest = np.full(distance.shape[0], np.inf)
    chosen: list[int] = []
    for _ in range(k):
        totals = totals_of(nearest)
        totals[chosen] = np.inf
        if rng is None:
            site = int(np.argmin(totals))
        else:
            few = np.argsort(totals)[: min(3, len(totals) - len(chosen))]
            site = int(rng.choice(few))
        chosen.append(site)
        nearest = np.minimum(nearest, distance[:, site])
    return np.array(chosen, dtype=np.int64)


def _vertex_substitution(totals_of: _Totals, sites: IntArray) -> float:
    """Teitz-Bart: swap each open site in turn for the closed one that lowers the cost most,
    until a whole round of the open sites brings no gain. Changes ``sites`` in place."""
    weights, distance = totals_of.weights, totals_of.distance
    n, k = len(weights), len(sites)
    rows = np.arange(n)
    best = _median_cost(weights, distance, sites)
    slot, failures = 0, 0
    while failures < k:
        open_d = distance[:, sites]
        order = np.argsort(open_d, axis=1)[:, :2]
        first = open_d[rows, order[:, 0]]
        second = open_d[rows, order[:, 1]] if k > 1 else np.full(n, np.inf)
        # Without this site, each demand point falls back to its second-nearest open site.
        totals = totals_of(np.where(order[:, 0] == slot, second, first))
        totals[sites] = np.inf
        candidate = int(np.argmin(totals))
        if totals[candidate] < best * (1 - 1e-9):
            sites[slot] = candidate
            best = float(totals[candidate])
            failures = 0
        else:
            failures += 1
        slot = (slot + 1) % k
    return best


def _median_heuristic(
    weights: FloatArray, distance: FloatArray, k: int, restarts: int, seed: int
) -> IntArray:
    totals_of = _Totals(weights, distance)
    sites = _median_greedy(totals_of, k, None)
    best = _vertex_substitution(totals_of, sites)
    rng = np.random.default_rng(seed)
    for _ in range(restarts):
        other = _median_greedy(totals_of, k, rng)
        cost = _vertex_substitution(totals_of, other)
        if cost < best:
            sites, best = other, cost
    return np.sort(sites)


def _coverage_heuristic(weights: FloatArray, covers: npt.NDArray[np.bool_], k: int) -> IntArray:
    covered = np.zeros(weights.shape[0], dtype=bool)
    chosen: list[int] = []
    as_float = covers.astype(np.float64)
    for _ in range(k):
        gains = (weights * ~covered) @ as_float
        site = _greedy(gains, chosen)
        chosen.append(site)
        covered |= covers[:, site]
    sites = np.array(chosen, dtype=np.int64)
    best = _coverage_value(weights, covers, sites)
    improved = True
    while improved:
        improved = False
        count = covers[:, sites].sum(axis=1)
        for slot in range(k):
            still = (count - covers[:, sites[slot]]) > 0
            values = weights @ (still[:, None] | covers).astype(np.float64)
            values[sites] = -np.inf
            candidate = int(np.argmax(values))
            if values[candidate] > best * (1 + 1e-12) + 1e-12:
                sites[slot] = candidate
                best = float(values[candidate])
                improved = True
                break
    return np.sort(sites)


def _assign(
    weights: FloatArray,
    distance: FloatArray,
    sites: IntArray,
    objective: Objective,
    limit_km: float | None,
) -> tuple[IntArray, FloatArray]:
    local = distance[:, sites]
    nearest = np.argmin(local, axis=1)
    assignment = sites[nearest]
    if objective == "coverage" and limit_km is not None:
        assignment = np.where(local.min(axis=1) <= limit_km, assignment, -1)
    load = np.array([weights[assignment == s].sum() for s in sites.tolist()], dtype=np.float64)
    return assignment.astype(np.int64), load


def _capacitated_assignment(
    weights: FloatArray, distance: FloatArray, sites: IntArray, capacity: float
) -> tuple[IntArray, FloatArray, float]:
    """Each demand point to one open site within capacity, nearest first by regret.

    Points whose best and second-best sites differ most choose first; a full site is skipped.
    """
    if capacity * len(sites) < weights.sum() - 1e-9:
        raise InvalidInput(
            f"{len(sites)} sites of capacity {capacity:g} cannot serve {weights.sum():g}: "
            "choose more sites or a larger capacity",
            field="capacity",
        )
    local = distance[:, sites]
    ranked = np.argsort(local, axis=1)
    sorted_d = np.take_along_axis(local, ranked, axis=1)
    regret = (sorted_d[:, 1] - sorted_d[:, 0]) if len(sites) > 1 else sorted_d[:, 0]
    left = np.full(len(sites), capacity, dtype=np.float64)
    assignment = np.full(len(weights), -1, dtype=np.int64)
    cost = 0.0
    # Heaviest-regret first; the loop is over demand points but touches k numbers each.
    for i in np.lexsort((-weights, -regret)).tolist():
        for slot in ranked[i].tolist():
            if left[slot] >= weights[i] - 1e-9:
                left[slot] -= weights[i]
                assignment[i] = sites[slot]
                cost += weights[i] * local[i, slot]
                break
        else:
            raise InvalidInput(
                f"demand point {i} (weight {weights[i]:g}) fits in no site's remaining capacity; "
                "a larger capacity or more sites are needed",
                field="capacity",
            )
    return assignment, capacity - left, cost


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
    _check(w, d, k)
    if objective == "coverage":
        if limit_km is None:
            raise InvalidInput("maximal coverage needs a travel limit (km)", field="limit_km")
        covers = d <= limit_km
        sites = _coverage_heuristic(w, covers, k)
        assignment, load = _assign(w, d, sites, objective, limit_km)
        cost = _coverage_value(w, covers, sites)
    elif objective == "median":
        sites = _median_heuristic(w, d, k, restarts, seed)
        if capacity is not None:
            assignment, load, cost = _capacitated_assignment(w, d, sites, capacity)
        else:
            assignment, load = _assign(w, d, sites, objective, None)
            cost = _median_cost(w, d, sites)
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


def exact(
    weights: npt.ArrayLike,
    distance: npt.ArrayLike,
    k: int,
    *,
    objective: Objective = "median",
    limit_km: float | None = None,
    capacity: float | None = None,
    time_limit: float | None = None,
    start: Siting | None = None,
) -> Siting:
    """The optimal k sites, as a mixed integer programme solved by CBC (through PuLP).

    p-median (ReVelle and Swain, 1970) with optional capacity and single sourcing; maximal
    coverage (Church and ReVelle, 1974). Meant for small instances (about 1,000 x 100).
    ``start`` (a heuristic solution) is handed to CBC as its first incumbent.

    >>> d = np.array([[0, 5, 9], [5, 0, 4], [9, 4, 0], [10, 5, 1]], dtype=float)
    >>> exact([1, 1, 1, 1], d, 2).sites.tolist()
    [0, 2]
    """
    import pulp  # imported here: only exact solves need it

    started = time.perf_counter()
    w = np.asarray(weights, dtype=np.float64)
    d = np.asarray(distance, dtype=np.float64)
    _check(w, d, k)
    n, m = d.shape
    model = pulp.LpProblem("siting", pulp.LpMinimize if objective == "median" else pulp.LpMaximize)
    y = [model.add_variable(f"y{j}", cat=pulp.LpBinary) for j in range(m)]
    model += pulp.lpSum(y) == k
    if objective == "coverage":
        if limit_km is None:
            raise InvalidInput("maximal coverage needs a travel limit (km)", field="limit_km")
        z = [model.add_variable(f"z{i}", lowBound=0, upBound=1) for i in range(n)]
        model += pulp.lpSum(float(w[i]) * z[i] for i in range(n))
        for i in range(n):
            near = np.flatnonzero(d[i] <= limit_km).tolist()
            model += z[i] <= pulp.lpSum(y[j] for j in near)
    else:
        cat = pulp.LpBinary if capacity is not None else pulp.LpContinuous
        x = {
            (i, j): model.add_variable(f"x{i}_{j}", lowBound=0, upBound=1, cat=cat)
            for i in range(n)
            for j in range(m)
        }
        model += pulp.lpSum(float(w[i] * d[i, j]) * x[i, j] for (i, j) in x)
        for i in range(n):
            model += pulp.lpSum(x[i, j] for j in range(m)) == 1
        for (_, j), var in x.items():
            model += var <= y[j]
        if capacity is not None:
            for j in range(m):
                model += pulp.lpSum(float(w[i]) * x[i, j] for i in range(n)) <= capacity * y[j]
    if start is not None:
        opened = set(start.sites.tolist())
        for j, var in enumerate(y):
            var.setInitialValue(1 if j in opened else 0)
        if objective == "median":
            for (i, j), var in x.items():
                var.setInitialValue(1 if start.assignment[i] == j else 0)
    status = model.solve(_cbc(time_limit, warm=start is not None))
    if pulp.LpStatus[status] != "Optimal":
        raise InvalidInput(
            f"the exact model is {pulp.LpStatus[status].lower()}: "
            "check the capacity, k and the travel limit",
            field="capacity" if capacity is not None else "k",
        )
    sites = np.sort(np.array([j for j in range(m) if (y[j].value() or 0) > 0.5], dtype=np.int64))
    if objective == "median" and capacity is not None:
        assignment = np.array(
            [next(j for j in range(m) if (x[i, j].value() or 0) > 0.5) for i in range(n)],
            dtype=np.int64,
        )
        load = np.array([w[assignment == s].sum() for s in sites.tolist()])
        cost = float((w * d[np.arange(n), assignment]).sum())
    else:
        assignment, load = _assign(w, d, sites, objective, limit_km)
        cost = (
            _median_cost(w, d, sites)
            if objective == "median"
            else _coverage_value(w, d <= (limit_km or 0), sites)
        )
    return Siting(
        objective=objective,
        method="mip",
        sites=sites,
        assignment=assignment,
        cost=cost,
        seconds=time.perf_counter() - started,
        load=load,
    )


def _cbc(time_limit: float | None, *, warm: bool) -> object:
    """CBC: the system's when installed, else the one PuLP ships (deprecated there, still there)."""
    import pulp

    system = pulp.COIN_CMD(msg=False, timeLimit=time_limit, warmStart=warm)
    if system.available():
        return system
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, warmStart=warm)


def gap(heuristic_solution: Siting, exact_solution: Siting) -> float:
    """How far the heuristic is from the optimum, as a fraction of the optimum (0.0 is optimal).

    >>> a = Siting("median", "heuristic", np.array([0]), np.array([0]), 101.0, 0.0)
    >>> b = Siting("median", "mip", np.array([1]), np.array([1]), 100.0, 1.0)
    >>> round(gap(a, b), 4)
    0.01
    """
    best = exact_solution.cost
    if best == 0:
        return 0.0 if heuristic_solution.cost == 0 else float("inf")
    if heuristic_solution.objective == "median":
        return (heuristic_solution.cost - best) / best
    return (best - heuristic_solution.cost) / best
