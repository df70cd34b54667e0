"""GPS tracks walked around a plot, turned into a clean plot polygon.

A producer or a technician walks the boundary with a handheld GPS or a phone. The track carries
the noise every such walk has: fixes piling up while the walker waits before and after walking,
jumps when the receiver loses the sky, repeated fixes, out-and-back spikes, and a start and end
that do not quite meet. :func:`track_to_polygon` removes them in a fixed order and says what each
step removed, so a technician can see why a walk was cleaned the way it was, or rejected.

Distances are measured in metres in an azimuthal equidistant projection centred on the track
(scale error below 1e-7 within a few kilometres of the centre), never in degrees; the recorded
area is geodesic (:mod:`chacra.geo.area`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Transformer

from chacra.geo.area import geodesic_area_ha
from chacra.geo.shapes import repair_polygonal

Array = npt.NDArray[np.float64]

MIN_POINTS = 4  # fewer cleaned fixes than this outline nothing
DUPLICATE_M = 0.5  # fixes closer than this to the previous kept fix say nothing new
SPIKE_ANGLE_DEG = 15.0  # a path that turns back more sharply than this went out and back
# Two fixes each off by up to ~accuracy differ by up to twice that, plus about a step where the
# walker stops: a larger start-end gap is an unfinished walk, not GPS error.
CLOSE_FACTOR = 3.0
# Visvalingam-Whyatt (shapely.coverage_simplify) drops vertices whose triangle with its neighbours
# is smaller than (SIMPLIFY_FACTOR * accuracy_m) ** 2: the zigzag of the noise goes, each removal
# changes the area by less than that, and it cuts ~1.6% off a round 1 ha plot. Douglas-Peucker
# at the same tolerance cuts up to tolerance/2 times every edge (1.3% of a 1 ha square walked
# from near a corner, 10% of a round one); it is the fallback, at half the tolerance, for the
# folded rings GEOS's Visvalingam-Whyatt refuses.
SIMPLIFY_FACTOR = 1.0
STEPS = (
    "non_finite",
    "stationary_start",
    "stationary_end",
    "too_fast",
    "duplicates",
    "spikes",
    "simplified",
)


@dataclass(frozen=True)
class TrackResult:
    """What :func:`track_to_polygon` made of a track.

    ``steps`` counts the fixes each step removed, in the order they ran, so that
    ``points_in == points_used + sum(steps.values())``; ``points_used`` are the fixes left, which
    are the polygon's vertices when there is a polygon. ``problems`` are short codes:
    ``too_few_points``, ``open_ring`` (start and end more than ``CLOSE_FACTOR * accuracy_m``
    apart), ``repaired`` (the walk crossed itself and the polygon was made valid), ``no_area``.
    """

    polygon: shapely.Polygon | shapely.MultiPolygon | None
    area_ha: float | None
    points_in: int
    points_used: int
    steps: dict[str, int]
    closed_gap_m: float | None
    problems: tuple[str, ...]


def track_to_polygon(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    times: npt.ArrayLike | None = None,
    accuracy_m: float = 5.0,
    max_speed_m_s: float = 3.0,
) -> TrackResult:
    """Clean a GPS track walked around a plot and close it into a valid polygon.

    Steps, in order: collapse the fixes within ``accuracy_m`` of the first (last) fix into their
    median, where the walker waited; drop fixes that imply walking faster than ``max_speed_m_s``
    beyond the GPS error (only with ``times``); drop fixes within ``DUPLICATE_M`` of the previous
    one; drop out-and-back spikes; close the ring if start and end are within
    ``CLOSE_FACTOR * accuracy_m``; simplify (Visvalingam-Whyatt, triangles under
    ``(SIMPLIFY_FACTOR * accuracy_m) ** 2``) and drop the spikes the simplified ring still has;
    repair (:func:`chacra.geo.shapes.repair_polygonal`); measure the geodesic area.

    >>> s = np.arange(400) / 100  # a square walked at one fix per side-percent
    >>> x = np.clip(s, 0, 1) - np.clip(s - 2, 0, 1)
    >>> y = np.clip(s - 1, 0, 1) - np.clip(s - 3, 0, 1)
    >>> result = track_to_polygon(-76.5 + 0.0009 * x, -6.5 + 0.0009 * y)
    >>> round(result.area_ha, 2), len(result.polygon.exterior.coords), result.problems
    (0.99, 6, ())
    """
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    if lon.ndim != 1 or lon.shape != lat.shape:
        raise ValueError(f"lon and lat must be 1-D and equally long, got {lon.shape}, {lat.shape}")
    if accuracy_m <= 0 or max_speed_m_s <= 0:
        raise ValueError(
            f"accuracy_m and max_speed_m_s must be > 0, got {accuracy_m}, {max_speed_m_s}"
        )
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90)
    t: Array | None = None
    if times is not None:
        stamps = np.asarray(times, dtype="datetime64[ms]")
        if stamps.shape != lon.shape:
            raise ValueError(f"times must have one stamp per fix: {stamps.shape} for {lon.shape}")
        ok &= ~np.isnat(stamps)
        t = stamps.astype(np.int64).astype(np.float64) / 1000.0
    steps = dict.fromkeys(STEPS, 0)
    steps["non_finite"] = int(np.count_nonzero(~ok))

    def result(xy: Array, problem: str, gap: float | None = None) -> TrackResult:
        return TrackResult(None, None, len(lon), len(xy), steps, gap, (problem,))

    if np.count_nonzero(ok) < MIN_POINTS:
        return result(np.empty((np.count_nonzero(ok), 2)), "too_few_points")
    lon0, lat0 = float(np.median(lon[ok])), float(np.median(lat[ok]))
    to_local = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84", always_xy=True
    )
    xy = np.column_stack(to_local.transform(lon[ok], lat[ok]))
    t = None if t is None else t[ok]

    xy, t, steps["stationary_start"], steps["stationary_end"] = _collapse_stationary(
        xy, t, accuracy_m
    )
    if t is not None:
        keep = _plausible_speed(xy, t, max_speed_m_s, accuracy_m)
        xy, steps["too_fast"] = xy[keep], int(np.count_nonzero(~keep))
    keep = _not_duplicate(xy)
    xy, steps["duplicates"] = xy[keep], int(np.count_nonzero(~keep))
    xy, steps["spikes"] = _drop_spikes(xy, accuracy_m, closed=False)
    if len(xy) < MIN_POINTS:
        return result(xy, "too_few_points")

    gap = float(np.hypot(*(xy[-1] - xy[0])))
    if gap > CLOSE_FACTOR * accuracy_m:
        return result(xy, "open_ring", gap)
    # Start the ring at a fix the simplification keeps anyway: the one farthest from the middle.
    xy = np.roll(xy, -int(np.argmax(_distance(xy, xy.mean(axis=0)))), axis=0)
    outline = shapely.Polygon(xy)
    try:
        simple = shapely.coverage_simplify(outline, SIMPLIFY_FACTOR * accuracy_m)
    except shapely.errors.GEOSException:  # GEOS refuses rings that revisit a vertex and fold
        simple = shapely.simplify(outline, SIMPLIFY_FACTOR * accuracy_m / 2, preserve_topology=True)
    ring = shapely.get_coordinates(shapely.get_exterior_ring(simple))[:-1]
    steps["simplified"] = len(xy) - len(ring)
    ring, more_spikes = _drop_spikes(ring, accuracy_m, closed=True, max_base_m=2 * accuracy_m)
    steps["spikes"] += more_spikes
    if len(ring) < 3:
        return result(ring, "no_area", gap)

    lonlat = np.column_stack(to_local.transform(ring[:, 0], ring[:, 1], direction="INVERSE"))
    drawn = shapely.Polygon(lonlat)
    polygon = repair_polygonal(drawn)
    problems = () if drawn.is_valid else ("repaired",)
    if polygon is None:
        return result(ring, "no_area", gap)
    area = float(geodesic_area_ha([polygon])[0])
    return TrackResult(polygon, area, len(lon), len(ring), steps, gap, problems)


def _distance(a: Array, b: Array) -> Array:
    return np.hypot(a[..., 0] - b[..., 0], a[..., 1] - b[..., 1])


def _collapse_stationary(
    xy: Array, t: Array | None, radius: float
) -> tuple[Array, Array | None, int, int]:
    """Replace the runs of fixes within ``radius`` of the first and the last fix by their medians.

    The median of a waiting cluster is a better start than any one fix in it; the first metres of
    walking inside the radius go too, along the line the walk takes anyway.
    """
    n = len(xy)
    away_start = np.flatnonzero(_distance(xy, xy[0]) > radius)
    if away_start.size == 0:  # the walker never left
        return xy[:1], None if t is None else t[:1], n - 1, 0
    k = int(away_start[0])  # xy[:k] is the start cluster
    away_end = np.flatnonzero(_distance(xy, xy[-1]) > radius)
    m = max(int(away_end[-1]) + 1 if away_end.size else 0, k)  # xy[m:] is the end cluster
    out = np.vstack([np.median(xy[:k], axis=0), xy[k:m], np.median(xy[m:], axis=0)])
    if t is not None:  # the walk starts when the walker leaves and ends when she arrives
        t = np.concatenate([t[k - 1 : k], t[k:m], t[m : m + 1]])
    return out, t, k - 1, n - m - 1


def _plausible_speed(
    xy: Array, t: Array, max_speed: float, slack_m: float
) -> npt.NDArray[np.bool_]:
    """Keep-mask without the fixes that are too far from both neighbours for the time between.

    A step is too fast when it is longer than ``max_speed * dt + slack_m``: GPS error alone never
    makes a step too fast. A fix is dropped when both its steps are too fast; the first or last fix
    when its one step is, once no inner fix is left to blame.
    """
    keep = np.ones(len(xy), dtype=bool)
    for _ in range(len(xy)):
        idx = np.flatnonzero(keep)
        if idx.size < 3:
            break
        dt = np.maximum(np.diff(t[idx]), 0.0)
        fast = _distance(xy[idx[1:]], xy[idx[:-1]]) > max_speed * dt + slack_m
        bad = np.zeros(idx.size, dtype=bool)
        bad[1:-1] = fast[:-1] & fast[1:]
        if not bad.any():
            bad[0], bad[-1] = fast[0], fast[-1]
            if not bad.any():
                break
        keep[idx[bad]] = False
    return keep


def _not_duplicate(xy: Array) -> npt.NDArray[np.bool_]:
    """Keep-mask without fixes within ``DUPLICATE_M`` of the previous kept one (or the first).

    Each round compares every fix closer than that to its predecessor with the last fix before its
    run that is kept, so a slow creep of short steps keeps one fix every ``DUPLICATE_M``.
    """
    keep = np.ones(len(xy), dtype=bool)
    for _ in range(len(xy)):
        idx = np.flatnonzero(keep)
        pts = xy[idx]
        close = np.zeros(idx.size, dtype=bool)
        close[1:] = _distance(pts[1:], pts[:-1]) < DUPLICATE_M
        if not close.any():
            break
        anchor = np.maximum.accumulate(np.where(close, 0, np.arange(idx.size)))
        keep[idx[close & (_distance(pts, pts[anchor]) < DUPLICATE_M)]] = False
    idx = np.flatnonzero(keep)
    if idx.size > 1 and _distance(xy[idx[-1]], xy[idx[0]]) < DUPLICATE_M:
        keep[idx[-1]] = False  # the walk was closed by the device: the ring closes it again
    return keep


def _drop_spikes(
    xy: Array, accuracy_m: float, *, closed: bool, max_base_m: float = np.inf
) -> tuple[Array, int]:
    """Drop vertices where the path goes out and comes back, until there are none.

    A spike turns back by less than ``SPIKE_ANGLE_DEG``, both its legs are longer than the GPS
    error, and its neighbours are closer to each other than half the shorter leg (and than
    ``max_base_m``, which keeps a genuinely narrow corner of a simplified ring). Of two adjacent
    spikes only the first goes in a round.
    """
    cos_max = np.cos(np.radians(SPIKE_ANGLE_DEG))
    removed = 0
    for _ in range(len(xy)):
        if len(xy) < 3:
            break
        prev, nxt = np.roll(xy, 1, axis=0), np.roll(xy, -1, axis=0)
        leg_a, leg_b, base = _distance(prev, xy), _distance(nxt, xy), _distance(prev, nxt)
        cos = np.einsum("ij,ij->i", prev - xy, nxt - xy) / np.maximum(leg_a * leg_b, 1e-12)
        leg = np.minimum(leg_a, leg_b)
        spike = (cos > cos_max) & (leg > accuracy_m) & (base < np.minimum(0.5 * leg, max_base_m))
        if not closed:
            spike[[0, -1]] = False
        spike &= ~np.roll(spike, 1)
        if not spike.any():
            break
        xy, removed = xy[~spike], removed + int(np.count_nonzero(spike))
    return xy, removed
