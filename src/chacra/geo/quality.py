"""Plot quality checks: the flags a technician reviews before a plot goes into a due diligence.

:func:`plot_flags` runs every check on an array of plots at once. Pairs of plots are found with
one ``shapely.STRtree`` query, never by comparing all pairs. Areas and perimeters are geodesic
(WGS84). Invalid polygons are repaired (:func:`chacra.geo.shapes.repair_polygonal`) before any
area, overlap or location check, as PITFALLS.md asks; the validity and vertex checks look at the
geometry as given. Details name other plots by their index in the input as ``#<index>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import shapely

from chacra.geo.area import M2_PER_HA, geodesic_area_m2, segment_lengths_m
from chacra.geo.shapes import repair_polygonal

FlagCode = Literal[
    "invalid_geometry",
    "few_vertices",
    "sliver",
    "area_mismatch",
    "overlap",
    "outside_peru",
    "outside_distrito",
    "swapped_coordinates",
    "duplicate_geometry",
]
CODES: tuple[FlagCode, ...] = get_args(FlagCode)
Objects = npt.NDArray[np.object_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]
Found = dict[int, str]  # plot index -> detail

MIN_DISTINCT_VERTICES = 4
VERTEX_DECIMALS = 7  # vertices within ~1 cm of each other count as one
SLIVER_POLSBY_POPPER = 0.1  # 4 pi A / P^2: 1 for a disc, 0.79 a square, 0.1 a 1:30 rectangle
AREA_RATIO_RANGE = (0.5, 2.0)  # mapped over declared area
OVERLAP_MIN_SHARE = 0.05  # of the smaller plot; less is GPS error along a shared boundary
# Peru's extreme points, padded by a few km: north the Putumayo near Güeppí (0°02'S), south
# Concordia on the Chilean border (18°21'S), west Punta Pariñas (81°20'W), east the Madre de
# Dios-Acre border (68°39'W). The box also holds parts of the neighbours and of the Pacific: it
# catches wrong signs, swapped axes and other continents, it is not a border test.
PERU_BOUNDS = (-81.4, -18.4, -68.6, 0.1)  # min lon, min lat, max lon, max lat
MAX_NAMED = 5  # other plots named in one detail


@dataclass(frozen=True)
class Flag:
    """One quality problem of one plot: a code from :data:`FlagCode` and a short detail."""

    code: FlagCode
    detail: str


def plot_flags(
    geoms: Any,
    *,
    declared_ha: npt.ArrayLike | None = None,
    owners: npt.ArrayLike | None = None,
    distrito_shapes: Any = None,
    area_m2: npt.ArrayLike | None = None,
) -> list[list[Flag]]:
    """Quality flags of each plot: at most one per code, in the order of :data:`FlagCode`.

    ``geoms`` are (multi)polygons or points in lon/lat, or None for unmapped plots;
    ``declared_ha`` the declared areas (nan or <= 0 when unknown); ``owners`` owner ids, since
    overlaps between plots of one owner are not flagged (None: each plot its own owner);
    ``distrito_shapes`` each plot's declared distrito boundary (None where unknown);
    ``area_m2`` geodesic areas measured before (stored with the plots), nan where unknown: they
    save measuring again, and count only for geometries valid as given.

    >>> sq = shapely.box(-76.50, -6.50, -76.49, -6.49)
    >>> bowtie = shapely.Polygon([(-76.4, -6.5), (-76.39, -6.49), (-76.39, -6.5), (-76.4, -6.49)])
    >>> swapped = shapely.box(-6.50, -76.50, -6.49, -76.49)
    >>> flags = plot_flags(
    ...     [sq, bowtie, swapped, sq], declared_ha=[120, np.nan, np.nan, 500], owners=[1, 2, 3, 1]
    ... )
    >>> [[f.code for f in plot] for plot in flags]  # doctest: +NORMALIZE_WHITESPACE
    [['duplicate_geometry'], ['invalid_geometry'],
     ['outside_peru', 'swapped_coordinates'], ['area_mismatch', 'duplicate_geometry']]
    >>> flags[3][0].detail, flags[3][1].detail
    ('mapped 122.32 ha, declared 500.00 ha', 'same geometry as #0')
    """
    geoms = np.asarray(geoms, dtype=object).ravel()
    n = len(geoms)
    declared = np.asarray(_per_plot(declared_ha, n, "declared_ha", np.nan), dtype=np.float64)
    owner = np.arange(n) if owners is None else _per_plot(owners, n, "owners", None)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    polygonal = _polygonal(geoms)
    invalid = polygonal & ~shapely.is_valid(geoms)
    areal = _repaired(geoms, polygonal, invalid)
    # Points are plots mapped by one GPS point: their location and duplicates are checked too.
    located = np.where(
        present & (shapely.get_type_id(geoms) == shapely.GeometryType.POINT), geoms, areal
    )
    measured = _per_plot(area_m2, n, "area_m2", np.nan).copy()
    measured[~polygonal | invalid] = np.nan
    area, perimeter = _area_perimeter_m(areal, measured)
    i, j = _candidate_pairs(located)
    bounds = shapely.bounds(_only(present, geoms))

    found: dict[FlagCode, Found] = {
        "invalid_geometry": _invalid(geoms, present, polygonal, invalid),
        "few_vertices": _few_vertices(_only(polygonal, geoms)),
        "sliver": _sliver(area, perimeter),
        "area_mismatch": _area_mismatch(area / M2_PER_HA, declared),
        "overlap": _named(n, *_overlaps(areal, area, owner, i, j, OVERLAP_MIN_SHARE), "overlaps"),
        "outside_peru": _outside_peru(bounds),
        "outside_distrito": _outside_distrito(located, distrito_shapes),
        "swapped_coordinates": _swapped(bounds),
        "duplicate_geometry": _duplicates(located, i, j),
    }
    flags: list[list[Flag]] = [[] for _ in range(n)]
    for code in CODES:
        for k, detail in sorted(found[code].items()):
            flags[k].append(Flag(code, detail))
    return flags


def polsby_popper(geoms: Any) -> Floats:
    """Geodesic Polsby-Popper compactness 4 pi A / P^2 of each plot; nan where there is no area.

    >>> square = shapely.box(-76.50, -6.50, -76.49, -6.49)
    >>> strip = shapely.box(-76.50, -6.50, -76.40, -6.4999)
    >>> polsby_popper([square, strip, None]).round(3)
    array([0.785, 0.003,   nan])
    """
    geoms = np.asarray(geoms, dtype=object).ravel()
    return _compactness(*_area_perimeter_m(_repaired(geoms, _polygonal(geoms))))


def overlap_pairs(
    geoms: Any, owners: npt.ArrayLike | None = None, *, min_share: float = OVERLAP_MIN_SHARE
) -> tuple[Ints, Ints, Floats]:
    """Pairs ``i < j`` of plots of different owners overlapping by more than ``min_share``.

    The share is the geodesic intersection area over the smaller plot's area. Candidates come
    from one STRtree query; intersections are computed for candidates only.

    >>> a = shapely.box(-76.500, -6.5, -76.490, -6.49)
    >>> b = shapely.box(-76.491, -6.5, -76.481, -6.49)  # 10% over a
    >>> c = shapely.box(-76.4995, -6.5, -76.4895, -6.49)  # 95% over a, same owner
    >>> i, j, share = overlap_pairs([a, b, c], owners=[1, 2, 1])
    >>> i.tolist(), j.tolist(), share.round(2).tolist()
    ([0, 1], [1, 2], [0.1, 0.15])
    """
    geoms = np.asarray(geoms, dtype=object).ravel()
    owner = (
        np.arange(len(geoms)) if owners is None else _per_plot(owners, len(geoms), "owners", None)
    )
    areal = _repaired(geoms, _polygonal(geoms))
    area = geodesic_area_m2(areal)
    return _overlaps(areal, area, owner, *_candidate_pairs(areal), min_share)


def _per_plot(values: Any, n: int, name: str, fill: Any) -> npt.NDArray[Any]:
    if values is None:
        return np.full(n, fill, dtype=object if fill is None else np.float64)
    array = np.asarray(values, dtype=object if fill is None else np.float64).ravel()
    if len(array) != n:
        raise ValueError(f"{name} has {len(array)} values for {n} plots")
    return array


def _only(where: Bools, geoms: npt.NDArray[Any]) -> Objects:
    """The geometries where ``where`` holds, None elsewhere."""
    out = np.full(len(geoms), None, dtype=object)
    out[where] = geoms[where]
    return out


def _polygonal(geoms: Objects) -> Bools:
    kind = shapely.get_type_id(geoms)
    is_polygonal = np.isin(kind, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    return is_polygonal & ~shapely.is_empty(geoms)


def _repaired(geoms: Objects, polygonal: Bools, invalid: Bools | None = None) -> Objects:
    """Valid (multi)polygons, repaired one by one only where invalid; None for everything else."""
    areal = _only(polygonal, geoms)
    if invalid is None:
        invalid = polygonal & ~shapely.is_valid(geoms)
    for k in np.flatnonzero(invalid):
        areal[k] = repair_polygonal(geoms[k])
    return areal


def _area_perimeter_m(areal: Objects, measured: Floats | None = None) -> tuple[Floats, Floats]:
    """Geodesic areas (those not ``measured`` before), and perimeters (holes included), every
    segment measured at once."""
    area = np.full(len(areal), np.nan) if measured is None else measured.copy()
    todo = np.isnan(area)
    area[todo] = geodesic_area_m2(areal[todo])
    perimeter = np.zeros(len(areal))
    parts, plot = shapely.get_parts(areal, return_index=True)
    rings, part = shapely.get_rings(parts, return_index=True)
    xy, ring = shapely.get_coordinates(rings, return_index=True)
    if len(xy) > 1:
        same = ring[1:] == ring[:-1]  # segments inside a ring, not from one ring to the next
        start, end = xy[:-1][same], xy[1:][same]
        length = segment_lengths_m(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
        perimeter += np.bincount(plot[part[ring[1:][same]]], length, minlength=len(areal))
    return area, perimeter


def _candidate_pairs(geoms: Objects) -> tuple[Ints, Ints]:
    """Index pairs ``i < j`` whose geometries intersect, from one STRtree query."""
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    return i[keep], j[keep]


def _overlaps(
    areal: Objects, area: Floats, owner: npt.NDArray[Any], i: Ints, j: Ints, min_share: float
) -> tuple[Ints, Ints, Floats]:
    both = (areal[i] != None) & (areal[j] != None) & (owner[i] != owner[j])  # noqa: E711
    i, j = i[both], j[both]
    shared = geodesic_area_m2(shapely.intersection(areal[i], areal[j]))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = shared / np.minimum(area[i], area[j])
    over = share > min_share
    return i[over], j[over], share[over]


def _named(n: int, i: Ints, j: Ints, share: Floats | None, verb: str) -> Found:
    """One detail per plot naming the others of its pairs, the largest shares first."""
    others: dict[int, list[tuple[float, int]]] = {}
    weight = np.ones(len(i)) if share is None else share
    for a, b, w in zip(i.tolist(), j.tolist(), weight.tolist(), strict=True):
        others.setdefault(a, []).append((-w, b))
        others.setdefault(b, []).append((-w, a))
    found: Found = {}
    for k, names in others.items():
        names.sort()
        shown = [
            f"#{b} by {-w:.0%}" if share is not None else f"#{b}" for w, b in names[:MAX_NAMED]
        ]
        more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
        tail = " (of the smaller plot)" if share is not None else ""
        found[k] = f"{verb} {', '.join(shown)}{more}{tail}"
    return found


def _invalid(geoms: Objects, present: Bools, polygonal: Bools, invalid: Bools) -> Found:
    which = np.flatnonzero(invalid)
    reasons = shapely.is_valid_reason(geoms[which])
    found = {int(k): str(reason) for k, reason in zip(which, reasons, strict=True)}
    for k in np.flatnonzero(
        present & ~polygonal & (shapely.get_type_id(geoms) != shapely.GeometryType.POINT)
    ):
        found[int(k)] = f"{geoms[k].geom_type} is not a Polygon, MultiPolygon or Point"
    return found


def _few_vertices(polygons: Objects) -> Found:
    """Fewest distinct vertices in an exterior ring of each plot, flagged below the minimum."""
    parts, plot = shapely.get_parts(polygons, return_index=True)
    xy, ring = shapely.get_coordinates(shapely.get_exterior_ring(parts), return_index=True)
    xy = np.round(xy, VERTEX_DECIMALS)
    order = np.lexsort((xy[:, 1], xy[:, 0], ring))
    r, x, y = ring[order], xy[order, 0], xy[order, 1]
    new = np.ones(len(r), dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (x[1:] != x[:-1]) | (y[1:] != y[:-1])
    fewest = np.full(len(polygons), np.iinfo(np.intp).max)
    np.minimum.at(fewest, plot, np.bincount(r[new], minlength=len(parts)))
    few = np.flatnonzero(fewest < MIN_DISTINCT_VERTICES)
    return {int(k): f"{fewest[k]} distinct vertices" for k in few}


def _compactness(area: Floats, perimeter: Floats) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(perimeter > 0, 4 * np.pi * area / perimeter**2, np.nan)


def _sliver(area: Floats, perimeter: Floats) -> Found:
    pp = _compactness(area, perimeter)
    thin = np.flatnonzero(pp < SLIVER_POLSBY_POPPER)
    return {int(k): f"Polsby-Popper {pp[k]:.3f} < {SLIVER_POLSBY_POPPER}" for k in thin}


def _area_mismatch(mapped_ha: Floats, declared_ha: Floats) -> Found:
    low, high = AREA_RATIO_RANGE
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = mapped_ha / declared_ha
    off = np.flatnonzero((mapped_ha > 0) & (declared_ha > 0) & ((ratio < low) | (ratio > high)))
    return {int(k): f"mapped {mapped_ha[k]:.2f} ha, declared {declared_ha[k]:.2f} ha" for k in off}


def _within_peru(bounds: Floats) -> Bools:
    min_lon, min_lat, max_lon, max_lat = PERU_BOUNDS
    with np.errstate(invalid="ignore"):
        return (
            (bounds[:, 0] >= min_lon)
            & (bounds[:, 1] >= min_lat)
            & (bounds[:, 2] <= max_lon)
            & (bounds[:, 3] <= max_lat)
        )


def _outside_peru(bounds: Floats) -> Found:
    out = np.flatnonzero(~np.isnan(bounds[:, 0]) & ~_within_peru(bounds))
    return {
        int(k): "bounds ({:.4f}, {:.4f}, {:.4f}, {:.4f}) outside Peru".format(*bounds[k])
        for k in out
    }


def _swapped(bounds: Floats) -> Found:
    swapped = (
        ~np.isnan(bounds[:, 0]) & ~_within_peru(bounds) & _within_peru(bounds[:, [1, 0, 3, 2]])
    )
    return dict.fromkeys(np.flatnonzero(swapped).tolist(), "inside Peru with lon and lat swapped")


def _outside_distrito(located: Objects, distrito_shapes: Any) -> Found:
    if distrito_shapes is None:
        return {}
    distritos = _per_plot(distrito_shapes, len(located), "distrito_shapes", None)
    known = (located != None) & ~shapely.is_missing(distritos)  # noqa: E711
    shapely.prepare(distritos[known])  # each distrito once, however many plots share it
    point = shapely.point_on_surface(_only(known, located))
    away = np.flatnonzero(known & ~shapely.covers(_only(known, distritos), point))
    return {
        int(k): f"point ({point[k].x:.5f}, {point[k].y:.5f}) outside its distrito" for k in away
    }


def _duplicates(located: Objects, i: Ints, j: Ints) -> Found:
    same = shapely.equals(located[i], located[j])
    return _named(len(located), i[same], j[same], None, "same geometry as")
