"""The printed map's symbols and legend, and the line that says where its data came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from chacra.layers.models import LayerKind
from chacra.maps.printed_data import MapData

CLASS_COLOURS = ("#9a9a9a", "#f0a830", "#d2561b", "#6e2a0c")  # unknown area, classes 1-3
CLASS_SIZES = (5.0, 9.0, 30.0, 70.0)  # marker area, points squared
ROAD, RIVER, PROVINCE, REGION = "#5b5b5b", "#3f86c8", "#8f8f8f", "#333333"
OFFICE = "#c0262d"
EDGE = "#5a3210"  # the outline of plot dots


def grouped(number: int) -> str:
    """A whole number with the active language's thousands separator: 19.532 or 19,532."""
    return number_format(number, force_grouping=True)


def class_labels() -> list[str]:
    """The legend's hectare classes, as on the programme's map."""
    return [_("0.1 - 5.0 ha"), _("5.1 - 10.0 ha"), _("10.1 ha or more")]


def legend_draw(
    fig: Figure,
    rect: tuple[float, float, float, float],
    data: MapData,
    counts: dict[int, int],
    *,
    columns: bool,
) -> None:
    """The legend: hectare classes with their counts, then the signs that are on the map."""
    panel = fig.add_axes(rect)
    panel.set_axis_off()

    def marker(code: int) -> Line2D:
        return Line2D(
            [], [], linestyle="none", marker="o", markersize=CLASS_SIZES[code] ** 0.5,
            markerfacecolor=CLASS_COLOURS[code], markeredgecolor=EDGE, markeredgewidth=0.3,
        )  # fmt: skip

    classes = [
        (marker(c), f"{label}  ({grouped(counts.get(c, 0))})")
        for c, label in enumerate(class_labels(), start=1)
    ]
    if counts.get(0):
        classes.append((marker(0), _("area unknown") + f"  ({grouped(counts[0])})"))
    places: list[tuple[Any, str]] = []
    if data.capitals:
        places.append(
            (
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=4,
                    markerfacecolor="white",
                    markeredgecolor="#111111",
                ),
                _("District capital"),
            )
        )
    if data.offices:
        places.append(
            (
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="*",
                    markersize=10,
                    markerfacecolor=OFFICE,
                    markeredgecolor="white",
                ),
                _("Programme office"),
            )
        )
    lines: list[tuple[Any, str]] = []
    if len(data.roads):
        lines.append((Line2D([], [], color=ROAD, linewidth=0.9), _("Road")))
    if len(data.rivers):
        lines.append((Line2D([], [], color=RIVER, linewidth=1.0), _("River")))
    if data.provincias:
        lines.append(
            (
                Line2D([], [], color=PROVINCE, linewidth=0.6, linestyle=(0, (4, 2))),
                _("Province boundary"),
            )
        )
    if data.departamentos:
        lines.append((Line2D([], [], color=REGION, linewidth=1.3), _("Region boundary")))
    groups = [(_("New cacao planted"), classes), (_("Conventional signs"), places + lines)]
    style: dict[str, Any] = {
        "frameon": False,
        "fontsize": 8,
        "title_fontsize": 9,
        "alignment": "left",
        "borderaxespad": 0.0,
    }
    anchors = [(0.0, 1.0), (0.42, 1.0)] if columns else [(0.0, 1.0), (0.0, 0.62)]
    for (title, entries), anchor in zip(groups, anchors, strict=True):
        if not entries:
            continue
        legend = Legend(
            panel,
            [entry[0] for entry in entries],
            [entry[1] for entry in entries],
            title=title,
            loc="upper left",
            bbox_to_anchor=anchor,
            ncols=2 if columns and len(entries) > 4 else 1,
            **style,
        )
        legend.get_title().set_fontweight("bold")
        panel.add_artist(legend)


def source_line(data: MapData, today: dt.date) -> str:
    what: dict[str, str] = {
        LayerKind.DEPARTAMENTO_BOUNDARIES: _("boundaries"),
        LayerKind.PROVINCIA_BOUNDARIES: _("boundaries"),
        LayerKind.ROAD: _("roads"),
        LayerKind.RIVER: _("rivers"),
    }
    parts = [_("Source: chacra, %(date)s") % {"date": today.isoformat()}]
    for source, kinds in data.sources.items():
        names = list(dict.fromkeys(str(what.get(k, k)) for k in kinds))
        parts.append(f"{', '.join(names)}: {source}")
    return "; ".join(parts)
