"""Compose the printed map on an A4 page with matplotlib (no pyplot, no global state).

Call inside ``translation.override(lang)``: every label goes through gettext.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from chacra.maps.index import hectare_class
from chacra.maps.printed_data import MapData
from chacra.maps.printed_furniture import (
    LabelPlacer,
    Projection,
    graticule,
    lines_of,
    north_arrow,
    scale_bar,
)
from chacra.maps.printed_legend import (
    CLASS_COLOURS,
    CLASS_SIZES,
    EDGE,
    OFFICE,
    PROVINCE,
    REGION,
    RIVER,
    ROAD,
    legend_draw,
    source_line,
)

A4 = (8.27, 11.69)  # inches, portrait
FOCUS_FILL, OTHER_FILL, BACKGROUND = "#fbf7ea", "#e6e4de", "#f3f3f1"
HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


@dataclass(frozen=True)
class Drawn:
    """What went on the page: plots by hectare class (0 = area unknown), and the scale bar."""

    by_class: dict[int, int]
    hectares: float
    scale_km: float
    labelled: int


def _patch(geom: Any, **style: Any) -> PathPatch | None:
    """A filled (multi)polygon with its holes."""
    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            verts.append(xy)
            codes.append(
                np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO), MplPath.CLOSEPOLY]
            )
    if not verts:
        return None
    return PathPatch(MplPath(np.vstack(verts), np.concatenate(codes)), **style)


def _layout(aspect: float) -> dict[str, Any]:
    """Page size and the rectangles of map, legend and texts for a tall or a wide map."""
    if aspect >= 0.9:
        return {"size": A4, "map": (0.07, 0.175, 0.86, 0.725), "legend": (0.07, 0.05, 0.86, 0.11),
                "title": 0.955, "subtitle": 0.93, "footer": 0.02, "columns": True}  # fmt: skip
    return {"size": A4[::-1], "map": (0.05, 0.1, 0.66, 0.77), "legend": (0.74, 0.1, 0.23, 0.77),
            "title": 0.945, "subtitle": 0.91, "footer": 0.03, "columns": False}  # fmt: skip


def _borders(ax: Axes, data: MapData, proj: Projection) -> None:
    names = [n for n, _, _ in data.departamentos]
    regions = proj.shapes([g for _, g, _ in data.departamentos])
    for (_name, _g, focus), shape in zip(data.departamentos, regions, strict=True):
        patch = _patch(
            shape, facecolor=FOCUS_FILL if focus else OTHER_FILL, edgecolor="none", zorder=1
        )
        if patch is not None:
            ax.add_patch(patch)
    region_lines = shapely.union_all(shapely.boundary(regions)) if len(regions) else None
    if data.provincias:
        provinces = shapely.union_all(shapely.boundary(proj.shapes(data.provincias)))
        if region_lines is not None:
            provinces = provinces.difference(region_lines.buffer(60.0))  # 60 m: shared edges
        ax.add_collection(
            LineCollection(
                lines_of([provinces]),
                colors=PROVINCE,
                linewidths=0.6,
                linestyles=(0, (4, 2)),
                zorder=4,
            )
        )
    if region_lines is not None:
        ax.add_collection(
            LineCollection(lines_of([region_lines]), colors=REGION, linewidths=1.3, zorder=5)
        )
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    view = shapely.box(x0, y0, x1, y1)
    for name, shape in zip(names, regions, strict=True):
        inside = shape.intersection(view)
        if inside.is_empty or inside.area < 0.04 * view.area:
            continue
        biggest = max(shapely.get_parts(inside), key=lambda part: part.area)
        spot = shapely.get_point(shapely.maximum_inscribed_circle(biggest, biggest.length / 500), 0)
        ax.text(spot.x, spot.y, " ".join(name.upper()), ha="center", va="center", fontsize=12,
                color="#8a8377", alpha=0.75, fontweight="bold", zorder=6)  # fmt: skip


def _lines(ax: Axes, data: MapData, proj: Projection) -> list[tuple[npt.NDArray[np.float64], str]]:
    """Rivers and roads; returns the river lines worth a name label."""
    named: list[tuple[npt.NDArray[np.float64], str]] = []
    if len(data.rivers):
        rivers = proj.shapes(data.rivers)
        ax.add_collection(
            LineCollection(
                lines_of(rivers), colors=RIVER, linewidths=1.0, zorder=2, capstyle="round"
            )
        )
        for shape, name in zip(rivers, data.river_names, strict=True):
            if name and shape.geom_type in ("LineString", "MultiLineString"):
                longest = max(shapely.get_parts(shape), key=lambda p: p.length)
                named.append((shapely.get_coordinates(longest), name))
    if len(data.roads):
        ax.add_collection(
            LineCollection(
                lines_of(proj.shapes(data.roads)),
                colors=ROAD,
                linewidths=0.9,
                zorder=3,
                capstyle="round",
            )
        )
    return named


def _plots(ax: Axes, data: MapData, proj: Projection) -> dict[int, int]:
    classes = hectare_class(data.plot_ha)
    x, y = proj.xy(data.plot_xy[:, 0], data.plot_xy[:, 1]) if len(data.plot_xy) else ([], [])
    x, y = np.asarray(x), np.asarray(y)
    counts = {}
    # Many small plots, few big ones: the big ones go on top, or a dense map would bury them.
    for code in (0, 1, 2, 3):
        sel = classes == code
        counts[code] = int(sel.sum())
        if sel.any():
            ax.scatter(
                x[sel],
                y[sel],
                s=CLASS_SIZES[code],
                c=CLASS_COLOURS[code],
                edgecolors=EDGE,
                linewidths=0.2,
                zorder=7 + code * 0.1,
                rasterized=len(x) > 5000,  # a PDF of 30,000 vector dots is slow to open
            )
    return counts


def _places(ax: Axes, data: MapData, proj: Projection, placer: LabelPlacer) -> int:
    """Offices and capitals; offices are always labelled, capitals where there is room."""
    symbols = (
        (data.offices, {"s": 120, "marker": "*", "c": OFFICE, "edgecolors": "white",
                        "linewidths": 0.6, "zorder": 9}, 4.5),
        (data.capitals, {"s": 16, "marker": "o", "c": "white", "edgecolors": "#111111",
                         "linewidths": 1.0, "zorder": 8}, 3.0),
    )  # fmt: skip
    spots: list[list[tuple[str, float, float]]] = []
    for places, style, radius in symbols:
        if not places:
            spots.append([])
            continue
        x, y = proj.xy([p[1] for p in places], [p[2] for p in places])
        ax.scatter(x, y, **style)  # type: ignore[arg-type]
        spots.append([(p[0], float(a), float(b)) for p, a, b in zip(places, x, y, strict=True)])
        for _name, a, b in spots[-1]:
            placer.block(a, b, radius)
    offices, capitals = spots
    # A town with an office (Pucallpa, Tingo María) is named first, so the office's label does
    # not push the town's name off the map.
    at_office = [
        c for c in capitals if any(math.hypot(c[1] - o[1], c[2] - o[2]) < 2_000 for o in offices)
    ]
    capital_style: dict[str, Any] = {
        "fontsize": 6.5,
        "color": "#111111",
        "zorder": 10,
        "path_effects": HALO,
    }
    labelled = 0
    for name, x, y in at_office:
        labelled += placer.place(x, y, name, required=True, **capital_style)
    for name, x, y in offices:
        labelled += placer.place(
            x, y, name, required=True, fontsize=7, fontweight="bold", color=OFFICE, zorder=10,
            path_effects=HALO,
        )  # fmt: skip
    for name, x, y in capitals:
        if (name, x, y) not in at_office:
            labelled += placer.place(x, y, name, **capital_style)
    return labelled


def map_figure(
    data: MapData, *, title: str, subtitle: str, today: dt.date, note: str = ""
) -> tuple[Figure, Drawn]:
    """The whole page; nothing is written to disk here."""
    proj = Projection(data.box)
    bx0, by0, bx1, by1 = proj.bounds(data.box)
    layout = _layout((by1 - by0) / max(bx1 - bx0, 1.0))
    fig = Figure(figsize=layout["size"], dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(layout["map"])
    ax.set_facecolor(BACKGROUND)
    # Widen the map's box to the frame's shape, so that the frame is filled at one scale.
    frame = layout["map"][3] * layout["size"][1] / (layout["map"][2] * layout["size"][0])
    grow_x = max(0.0, (by1 - by0) / frame - (bx1 - bx0)) / 2
    grow_y = max(0.0, (bx1 - bx0) * frame - (by1 - by0)) / 2
    ax.set_xlim(bx0 - grow_x, bx1 + grow_x)
    ax.set_ylim(by0 - grow_y, by1 + grow_y)
    ax.set_aspect("equal")
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    graticule(ax, proj, zorder=1.5)
    _borders(ax, data, proj)
    river_lines = _lines(ax, data, proj)
    counts = _plots(ax, data, proj)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    placer = LabelPlacer(ax, renderer)
    for region_name in list(ax.texts):  # a region's name that does not fit the frame is left out
        if placer.clash(region_name.get_window_extent(renderer)):
            region_name.remove()
    before = len(ax.patches)
    km = scale_bar(ax, proj, zorder=11)
    north_arrow(ax, proj, zorder=11)
    # Labels keep off the furniture and the region names.
    for artist in [*ax.patches[before:], *ax.texts]:
        placer.taken.append(artist.get_window_extent(renderer))
    labelled = _places(ax, data, proj, placer)
    for line, name in river_lines:
        placer.place_along(
            line, name, fontsize=6.5, color="#23609a", style="italic", zorder=6.5, path_effects=HALO
        )
    fig.text(0.5, layout["title"], title, ha="center", va="center", fontsize=17, fontweight="bold")
    fig.text(
        0.5, layout["subtitle"], subtitle, ha="center", va="center", fontsize=10.5, color="#444444"
    )
    legend_draw(fig, layout["legend"], data, counts, columns=layout["columns"])
    footer = [source_line(data, today), _("Projection: %(name)s") % {"name": proj.name}]
    if note:
        footer.append(note)
    fig.text(
        layout["map"][0],
        layout["footer"],
        "\n".join(footer),
        ha="left",
        va="bottom",
        fontsize=6.5,
        color="#444444",
        linespacing=1.4,
    )
    fig.text(
        layout["map"][0] + layout["map"][2],
        layout["footer"],
        date_format(today, "DATE_FORMAT"),
        ha="right",
        va="bottom",
        fontsize=6.5,
        color="#444444",
    )
    hectares = float(np.nansum(data.plot_ha)) if len(data.plot_ha) else 0.0
    return fig, Drawn(by_class=counts, hectares=hectares, scale_km=km, labelled=labelled)
