"""Travel distances over a road layer: shortest paths on the graph of its segments.

Every vertex of every line is a node (rounded to ~1 m so that lines meeting at a vertex join);
consecutive vertices are edges weighted by their great-circle length. A point reaches the road
at its nearest node, off-road at straight-line distance times the detour factor.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra

from chacra.geo.siting import DEFAULT_DETOUR, geodesic_km


def _pairwise_km(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Great-circle length of each segment a[i] -> b[i] (lon/lat rows)."""
    lon1, lat1, lon2, lat2 = (np.radians(v) for v in (a[:, 0], a[:, 1], b[:, 0], b[:, 1]))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    out: npt.NDArray[np.float64] = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    return out


def road_distance_km(
    roads: npt.ArrayLike,
    origins: npt.ArrayLike,
    destinations: npt.ArrayLike,
    *,
    detour: float = DEFAULT_DETOUR,
) -> npt.NDArray[np.float64]:
    """Travel km from each origin (row) to each destination (column) over the roads.

    ``roads`` are LineStrings or MultiLineStrings in lon/lat; origins and destinations are
    Points. Where the roads do not connect two points, straight-line distance times the detour
    factor is used.

    >>> road = shapely.linestrings([[0, 0], [0.1, 0], [0.1, 0.1]])
    >>> d = road_distance_km([road], shapely.points([[0, 0]]), shapely.points([[0.1, 0.1]]))
    >>> round(float(d[0, 0]), 1)
    22.2
    """
    o = np.asarray(origins)
    t = np.asarray(destinations)
    o_xy = shapely.get_coordinates(o)
    t_xy = shapely.get_coordinates(t)
    straight = geodesic_km(o_xy[:, 0], o_xy[:, 1], t_xy[:, 0], t_xy[:, 1]) * detour
    lines = shapely.get_parts(np.asarray(roads))
    if len(lines) == 0:
        return straight
    coords, line_index = shapely.get_coordinates(lines, return_index=True)
    keys = np.round(coords, 5)
    nodes, node_of = np.unique(keys, axis=0, return_inverse=True)
    node_of = node_of.ravel()
    same_line = line_index[1:] == line_index[:-1]
    a, b = node_of[:-1][same_line], node_of[1:][same_line]
    length = _pairwise_km(nodes[a], nodes[b])
    n = len(nodes)
    graph = coo_matrix(
        (np.concatenate([length, length]), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(n, n),
    ).tocsr()
    tree = shapely.STRtree(shapely.points(nodes))
    o_node = tree.nearest(o)
    t_node = tree.nearest(t)
    o_off = geodesic_km(o_xy[:, 0], o_xy[:, 1], nodes[:, 0], nodes[:, 1])[np.arange(len(o)), o_node]
    t_off = geodesic_km(t_xy[:, 0], t_xy[:, 1], nodes[:, 0], nodes[:, 1])[np.arange(len(t)), t_node]
    # One Dijkstra per destination (the candidate sites, fewer than the producers).
    from_sites = dijkstra(graph, directed=False, indices=np.unique(t_node))
    column = {node: i for i, node in enumerate(np.unique(t_node).tolist())}
    on_road = from_sites[[column[v] for v in t_node.tolist()]][:, o_node].T
    by_road = o_off[:, None] * detour + on_road + t_off[None, :] * detour
    out: npt.NDArray[np.float64] = np.where(np.isfinite(by_road), by_road, straight)
    return out
