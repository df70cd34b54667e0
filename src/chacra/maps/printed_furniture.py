"""The printed map's furniture: projection, graticule, scale bar, north arrow, label placement.

The map is drawn in the UTM zone of its centre (metres, shapes true to within 0.1% over a region);
the scale bar is measured on the ellipsoid and the north arrow points to true north, not grid north.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.utils.translation import pgettext
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from pyproj import CRS, Geod, Transformer

GEOD = Geod(ellps="WGS84")
NICE = (1.0, 2.0, 2.5, 5.0)


class Projection:
    """Lon/lat to the UTM zone (WGS84) of a box's centre, and back."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        lon = (box[0] + box[2]) / 2
        lat = (box[1] + box[3]) / 2
        zone = min(60, max(1, int((lon + 180) // 6) + 1))
        self.crs = CRS.from_epsg((32700 if lat < 0 else 32600) + zone)
        self.name = f"UTM {zone}{'S' if lat < 0 else 'N'} (WGS84, EPSG:{self.crs.to_epsg()})"
        self._fwd = Transformer.from_crs(4326, self.crs, always_xy=True)
        self._inv = Transformer.from_crs(self.crs, 4326, always_xy=True)

    def xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        return self._fwd.transform(lon, lat)

    def lonlat(self, x: Any, y: Any) -> tuple[Any, Any]:
        return self._inv.transform(x, y)

    def shapes(self, geoms: Any) -> npt.NDArray[np.object_]:
        def to_xy(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return np.column_stack(self._fwd.transform(coords[:, 0], coords[:, 1]))

        return np.asarray(shapely.transform(np.asarray(geoms, dtype=object), to_xy), dtype=object)

    def bounds(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """The projected bounds of a lon/lat box (its edges bend in UTM, so sample them)."""
        t = np.linspace(0, 1, 21)
        lon = np.r_[
            box[0] + (box[2] - box[0]) * t,
            np.full(21, box[2]),
            box[0] + (box[2] - box[0]) * t,
            np.full(21, box[0]),
        ]
        lat = np.r_[
            np.full(21, box[1]),
            box[1] + (box[3] - box[1]) * t,
            np.full(21, box[3]),
            box[1] + (box[3] - box[1]) * t,
        ]
        x, y = self.xy(lon, lat)
        return float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))


def lines_of(geoms: Any) -> list[npt.NDArray[np.float64]]:
    """Coordinate arrays of every line part (polygons give their rings), for a LineCollection."""
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return []
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    geoms = np.where(polygonal, shapely.boundary(geoms), geoms)
    parts = shapely.get_parts(geoms)
    parts = shapely.get_parts(parts)  # MultiLineString rings of multipolygons
    return [shapely.get_coordinates(p) for p in parts if not p.is_empty]


def _nice_step(span: float, lines: int = 4) -> float:
    """The largest round step in degrees that gives at least ``lines`` lines over ``span``."""
    steps = (10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01)
    return next((step for step in steps if step <= span / lines), steps[-1])


def _degrees(value: float, positive: str, negative: str) -> str:
    text = f"{abs(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}°{positive if value >= 0 else negative}"


def graticule(ax: Axes, proj: Projection, *, zorder: float) -> None:
    """Meridians and parallels as faint lines, labelled where they leave the frame."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    corners = proj.lonlat(np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1]))
    west, east = float(np.min(corners[0])), float(np.max(corners[0]))
    south, north = float(np.min(corners[1])), float(np.max(corners[1]))
    step = _nice_step(min(east - west, north - south))
    t = np.linspace(-1.0, 1.0, 60)
    segments, xticks, yticks = [], [], []
    east_w, west_w = pgettext("compass", "E"), pgettext("compass", "W")
    north_w, south_w = pgettext("compass", "N"), pgettext("compass", "S")
    for lon in np.arange(math.ceil(west / step) * step, east, step):
        lats = (south + north) / 2 + t * (north - south)
        x, y = proj.xy(np.full_like(lats, lon), lats)
        segments.append(np.column_stack([x, y]))
        at = np.interp(y0, y, x) if y[0] < y[-1] else np.interp(y0, y[::-1], x[::-1])
        if x0 < at < x1:
            xticks.append((at, _degrees(float(lon), east_w, west_w)))
    for lat in np.arange(math.ceil(south / step) * step, north, step):
        lons = (west + east) / 2 + t * (east - west)
        x, y = proj.xy(lons, np.full_like(lons, lat))
        segments.append(np.column_stack([x, y]))
        at = np.interp(x0, x, y)
        if y0 < at < y1:
            yticks.append((at, _degrees(float(lat), north_w, south_w)))
    ax.add_collection(
        LineCollection(segments, colors="#b9b9b9", linewidths=0.35, zorder=zorder, alpha=0.8)
    )
    ax.set_xticks([v for v, _ in xticks], [s for _, s in xticks])
    ax.set_yticks([v for v, _ in yticks], [s for _, s in yticks], rotation=90, va="center")
    ax.tick_params(labelsize=6.5, length=3, direction="in", colors="#333333", pad=2)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def nice_length_km(width_km: float) -> float:
    """A round length near a quarter of the map's width, e.g. 50 km for 230 km.

    >>> nice_length_km(230.0), nice_length_km(9.0)
    (50.0, 2.0)
    """
    target = width_km / 4
    exponent = math.floor(math.log10(target))
    best = 1.0
    for base in NICE:
        if base * 10**exponent <= target:
            best = base
    return best * 10**exponent


def scale_bar(ax: Axes, proj: Projection, *, zorder: float) -> float:
    """A geodesic scale bar in the lower left corner; returns its length in km."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    sx, sy = x0 + 0.05 * (x1 - x0), y0 + 0.045 * (y1 - y0)
    lon, lat = proj.lonlat(sx, sy)
    lon_e, lat_e = proj.lonlat(x1, sy)
    width_km = GEOD.inv(lon, lat, lon_e, lat_e)[2] / 1000 / 0.95
    km = nice_length_km(width_km)
    end_lon, end_lat, _ = GEOD.fwd(lon, lat, 90.0, km * 1000)
    ex, ey = proj.xy(end_lon, end_lat)
    length = math.hypot(ex - sx, ey - sy)  # the bar is horizontal; its length is geodesic
    height = 0.008 * (y1 - y0)
    pad_x, pad_y = 0.02 * (x1 - x0), 0.012 * (y1 - y0)
    ax.add_patch(
        Rectangle(
            (sx - pad_x, sy - pad_y),
            length + 2 * pad_x,
            height + 3.6 * pad_y,
            facecolor="white",
            edgecolor="#999999",
            linewidth=0.4,
            alpha=0.85,
            zorder=zorder,
        )
    )
    quarters = 4
    for i in range(quarters):
        ax.add_patch(
            Rectangle(
                (sx + i * length / quarters, sy),
                length / quarters,
                height,
                facecolor="#222222" if i % 2 == 0 else "white",
                edgecolor="#222222",
                linewidth=0.5,
                zorder=zorder + 0.1,
            )
        )
    label = {"fontsize": 6.5, "ha": "center", "va": "bottom", "zorder": zorder + 0.2}
    for frac, text in ((0, "0"), (0.5, f"{km / 2:g}"), (1, f"{km:g} km")):
        ax.text(sx + frac * length, sy + height + 0.4 * pad_y, text, **label)  # type: ignore[arg-type]
    return km


def north_arrow(ax: Axes, proj: Projection, *, zorder: float) -> None:
    """An arrow to true north (UTM grid north differs by the meridian convergence)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cx, cy = x1 - 0.06 * (x1 - x0), y1 - 0.09 * (y1 - y0)
    lon, lat = proj.lonlat(cx, cy)
    nx, ny = proj.xy(lon, lat + 0.01)
    angle = math.atan2(nx - cx, ny - cy)  # clockwise from grid north
    size = 0.045 * min(x1 - x0, y1 - y0)

    def turned(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        c, s = math.cos(angle), math.sin(angle)
        return [
            (cx + size * (px * c + py * s), cy + size * (-px * s + py * c)) for px, py in points
        ]

    left = turned([(0, 0.55), (-0.28, -0.45), (0, -0.2)])
    right = turned([(0, 0.55), (0.28, -0.45), (0, -0.2)])
    ax.add_patch(
        PolygonPatch(
            left,
            closed=True,
            facecolor="#222222",
            edgecolor="#222222",
            linewidth=0.6,
            zorder=zorder,
        )
    )
    ax.add_patch(
        PolygonPatch(
            right, closed=True, facecolor="white", edgecolor="#222222", linewidth=0.6, zorder=zorder
        )
    )
    tx, ty = turned([(0, 0.85)])[0]
    ax.text(
        tx,
        ty,
        pgettext("compass", "N"),
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        zorder=zorder,
    )


class LabelPlacer:
    """Greedy label placement: each label takes the first of eight positions around its point
    that overlaps nothing placed before it and stays inside the frame; otherwise it is left out."""

    OFFSETS = ((6, 2, "left", "bottom"), (6, -2, "left", "top"), (-6, 2, "right", "bottom"),
               (-6, -2, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
               (8, 0, "left", "center"), (-8, 0, "right", "center"))  # fmt: skip

    def __init__(self, ax: Axes, renderer: Any) -> None:
        self.ax = ax
        self.renderer = renderer
        self.frame = ax.get_window_extent(renderer)
        self.taken: list[Bbox] = []

    def block(self, x: float, y: float, radius_pt: float) -> None:
        """Keep labels off a symbol drawn at data point (x, y)."""
        px, py = self.ax.transData.transform((x, y))
        r = radius_pt * self.ax.figure.dpi / 72
        self.taken.append(Bbox.from_extents(px - r, py - r, px + r, py + r))

    def clash(self, box: Bbox) -> float:
        """How much of ``box`` (in square pixels) lies on what is placed or outside the frame."""
        inside = Bbox.intersection(box, self.frame)
        area = box.width * box.height
        clash = area - (inside.width * inside.height if inside is not None else 0.0)
        for other in self.taken:
            common = Bbox.intersection(box, other)
            if common is not None:
                clash += common.width * common.height
        return clash

    def place(self, x: float, y: float, text: str, *, required: bool = False, **style: Any) -> bool:
        """Label the point at the first free position; a required label takes the least bad."""
        tried: list[tuple[float, int]] = []
        for n, (dx, dy, ha, va) in enumerate(self.OFFSETS):
            label = self.ax.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **style
            )
            box = label.get_window_extent(self.renderer).expanded(1.06, 1.1)
            clash = self.clash(box)
            if clash == 0:
                self.taken.append(box)
                return True
            label.remove()
            tried.append((clash, n))
        if not required:
            return False
        dx, dy, ha, va = self.OFFSETS[min(tried)[1]]
        label = self.ax.annotate(
            text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **style
        )
        self.taken.append(label.get_window_extent(self.renderer))
        return True

    def place_along(self, line: npt.NDArray[np.float64], text: str, **style: Any) -> bool:
        """A label at the middle of a line (data coordinates), turned to follow it."""
        if len(line) < 2:
            return False
        pixels = self.ax.transData.transform(line)
        steps = np.hypot(*np.diff(pixels, axis=0).T)
        along = np.r_[0, np.cumsum(steps)]
        for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9):
            i = int(np.searchsorted(along, along[-1] * share).clip(1, len(line) - 1))
            (ax_, ay), (bx, by) = pixels[max(0, i - 3)], pixels[min(len(line) - 1, i + 3)]
            angle = math.degrees(math.atan2(by - ay, bx - ax_))
            angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
            label = self.ax.text(
                float(line[i, 0]),
                float(line[i, 1]),
                text,
                rotation=angle,
                rotation_mode="anchor",
                ha="center",
                va="bottom",
                **style,
            )
            box = label.get_window_extent(self.renderer)
            if self.clash(box) == 0:
                self.taken.append(box)
                return True
            label.remove()
        return False


Draw = Callable[..., Any]
