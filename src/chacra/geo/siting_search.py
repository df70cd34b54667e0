"""The heuristic's moves: greedy construction, Teitz-Bart vertex substitution, and capacity.

Every swap of one open site is scored at once with numpy (``_Totals``); the loops are over
sites, never over demand points, except in the capacitated assignment (k numbers per point).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chacra.errors import InvalidInput
from chacra.geo.siting_model import FloatArray, IntArray, coverage_value, median_cost


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
    best = median_cost(weights, distance, sites)
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


def median_heuristic(
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


def coverage_heuristic(weights: FloatArray, covers: npt.NDArray[np.bool_], k: int) -> IntArray:
    covered = np.zeros(weights.shape[0], dtype=bool)
    chosen: list[int] = []
    as_float = covers.astype(np.float64)
    for _ in range(k):
        gains = (weights * ~covered) @ as_float
        site = _greedy(gains, chosen)
        chosen.append(site)
        covered |= covers[:, site]
    sites = np.array(chosen, dtype=np.int64)
    best = coverage_value(weights, covers, sites)
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


def capacitated_assignment(
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
