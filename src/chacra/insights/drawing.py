"""The hexagon map as a PNG drawn on the server with matplotlib: cells only, never plots."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import shapely
from matplotlib.collections import PolyCollection

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
