"""The hexagon map and the forecast and carbon charts as PNG, drawn with matplotlib.

Cells and sums only, never plots.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import shapely
from django.utils.translation import gettext as _
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from chacra.geo import hexagons
from chacra.insights.selectors import Concentration


def hexagon_png(
    concentration: Concentration, *, figure: str = "expected_t", title: str = ""
) -> bytes:
    """The published cells coloured by ``figure``; hot spots outlined in black."""
    fig, ax = plt.subplots(figsize=(7, 7), dpi=110)
    rows = concentration.rows
    if rows:
        polygons = hexagons.cell_polygons([r["key"] for r in rows])
        verts = [shapely.get_coordinates(p.exterior) for p in polygons]
        values = np.array([r[figure] for r in rows])
        hot = np.array([r.get("hot_spot", False) for r in rows])
        coll = PolyCollection(
            verts, array=values, cmap="YlOrBr", edgecolors=np.where(hot, "black", "none").tolist()
        )
        ax.add_collection(coll)
        ax.autoscale_view()
        fig.colorbar(coll, ax=ax, shrink=0.7, label=figure)
    ax.set_aspect("equal")
    ax.set_xlabel("lon")
    ax.set_ylabel("lat")
    ax.set_title(title)
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def _png(fig: Any) -> bytes:
    for ax in fig.axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def forecast_chart(forecast: dict[str, Any], *, title: str = "") -> bytes:
    """Expected tonnes by region and year (lines), with purchases where recorded (dashed)."""
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    years = forecast["years"]
    for i, (region, tonnes) in enumerate(forecast["by_region"].items()):
        colour = f"C{i}"
        ax.plot(years, tonnes, color=colour, marker="o", markersize=3, label=region)
        bought = forecast["purchases_t"].get(region, [])
        if any(bought):
            ax.plot(
                years,
                bought,
                color=colour,
                linestyle="--",
                label=_("%(r)s (bought)") % {"r": region},
            )
    ax.set_ylabel("t")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if forecast["by_region"]:
        ax.legend(fontsize=7, ncols=2)
    return _png(fig)


def carbon_chart(carbon: dict[str, Any], *, title: str = "") -> bytes:
    """Removals (below zero) and fertiliser emissions (above) by year, tCO2e, with the net."""
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    years = carbon["years"]
    ax.bar(years, carbon["removals"], color="#1e8449", label=_("removals"))
    ax.bar(years, carbon["emissions"], color="#c0392b", label=_("emissions"))
    ax.plot(years, carbon["net"], color="black", marker="o", markersize=3, label=_("net"))
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylabel("tCO2e")
    ax.set_title(title)
    ax.legend(fontsize=7)
    return _png(fig)
