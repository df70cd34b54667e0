"""The optimal k sites as a mixed integer programme (PuLP + CBC), for small instances."""

from __future__ import annotations

import time
import warnings

import numpy as np
import numpy.typing as npt

from chacra.errors import InvalidInput
from chacra.geo.siting_model import (
    Objective,
    Siting,
    assign,
    check,
    coverage_value,
    median_cost,
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
    check(w, d, k)
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
        assignment, load = assign(w, d, sites, objective, limit_km)
        cost = (
            median_cost(w, d, sites)
            if objective == "median"
            else coverage_value(w, d <= (limit_km or 0), sites)
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
