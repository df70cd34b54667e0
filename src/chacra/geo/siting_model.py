"""The figures siting works with: distances, a solution, its cost, and demand summed on cells.

Shared by the heuristic (``chacra.geo.siting``) and the exact programme
(``chacra.geo.siting_exact``).
"""

from __future__ import annotations

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


def check(weights: FloatArray, distance: FloatArray, k: int) -> None:
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


def median_cost(weights: FloatArray, distance: FloatArray, sites: IntArray) -> float:
    return float(weights @ distance[:, sites].min(axis=1))


def coverage_value(weights: FloatArray, covers: npt.NDArray[np.bool_], sites: IntArray) -> float:
    return float(weights @ covers[:, sites].any(axis=1))


def assign(
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


@dataclass(frozen=True)
class Demand:
    """Demand points summed on H3 cells: one weighted point per cell that holds any demand."""

    lon: FloatArray  # the weighted centre of each cell's points
    lat: FloatArray
    weights: FloatArray  # the summed weight of each cell
    cell_of: IntArray  # for each original point, its row here
    cells: npt.NDArray[np.str_]


def aggregate_demand(
    lon: npt.ArrayLike, lat: npt.ArrayLike, weights: npt.ArrayLike, resolution: int = 8
) -> Demand:
    """Sum weighted points on H3 cells of ``resolution``, each cell at its points' weighted centre.

    Siting then works on one row per cell instead of one per plot (17,000 plots fall in a few
    thousand res-8 cells). The error this adds is bounded by the cell size: the weighted centre
    lies inside the hexagon, so each point moves at most one cell's width (two edges: res 8
    1.1 km, res 7 2.8 km) and each point's distance to any site changes by at most that much;
    ``chacra bench siting`` measures the actual difference on the demo. A cell whose points
    weigh nothing sits at their plain mean.

    >>> d = aggregate_demand([-76.36, -76.3601, -75.99], [-6.49, -6.4901, -6.49], [1.0, 3.0, 2.0])
    >>> d.weights.tolist(), d.cell_of.tolist(), round(float(d.lon[d.cell_of[0]]), 5)
    ([4.0, 2.0], [0, 0, 1], -76.36008)
    """
    from chacra.geo.hexagons import cells_of

    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if not (len(x) == len(y) == len(w)) or np.isnan(x).any() or np.isnan(y).any():
        raise InvalidInput(
            "demand points need a longitude, a latitude and a weight each", field="demand"
        )
    cells, cell_of = np.unique(cells_of(x, y, resolution), return_inverse=True)
    n = len(cells)

    def per_cell(values: FloatArray) -> FloatArray:
        return np.bincount(cell_of, weights=values, minlength=n).astype(np.float64)

    total = per_cell(w)
    count = np.bincount(cell_of, minlength=n).astype(np.float64)
    heavy = total > 0
    share = np.where(heavy[cell_of], w / np.where(heavy, total, 1.0)[cell_of], 1 / count[cell_of])
    return Demand(
        lon=per_cell(x * share),
        lat=per_cell(y * share),
        weights=total,
        cell_of=cell_of.astype(np.int64),
        cells=cells,
    )
