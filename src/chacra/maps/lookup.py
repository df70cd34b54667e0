"""The plot under a click on the map, and the summary its popup shows."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from django.urls import NoReverseMatch, reverse

from chacra.accounts.scope import Scope
from chacra.geo.webmercator import ORIGIN, lonlat_to_mercator
from chacra.maps.index import CACHE, MapFilters
from chacra.maps.tiles import POLYGON_ZOOM
from chacra.registry import selectors

#: How far from a point symbol a click still hits it, in screen pixels (256-pixel tiles).
CLICK_PIXELS = 8


def plot_at(
    *, scope: Scope, filters: MapFilters, lon: float, lat: float, zoom: float
) -> dict[str, Any] | None:
    """The plot the viewer sees at lon/lat at this zoom, or None.

    A polygon containing the point wins (from the zoom where polygons are drawn); otherwise the
    nearest point symbol within a few pixels.
    """
    index = CACHE.index()
    mask = CACHE.visible(scope, filters, index)
    x, y = lonlat_to_mercator([lon], [lat])
    here = shapely.Point(float(x[0]), float(y[0]))
    found: int | None = None
    if zoom >= POLYGON_ZOOM:
        hits = index.polygon_tree.query(here, predicate="intersects")
        hits = hits[mask[hits]]
        if len(hits):
            # The smallest polygon wins where plots overlap.
            found = int(hits[np.argmin(shapely.area(index.polygons[hits]))])
    if found is None:
        metres_per_pixel = 2 * ORIGIN / (256 * 2**zoom)
        near = index.point_tree.query(
            here, predicate="dwithin", distance=CLICK_PIXELS * metres_per_pixel
        )
        near = near[mask[near]]
        if zoom >= POLYGON_ZOOM:
            near = near[index.mapped[near] == 0]
        if len(near):
            found = int(near[np.argmin(shapely.distance(index.points[near], here))])
    if found is None:
        return None
    return plot_summary(scope=scope, plot_id=int(index.ids[found]), flags=str(index.flags[found]))


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def plot_summary(*, scope: Scope, plot_id: int, flags: str = "") -> dict[str, Any] | None:
    """What the popup shows: the producer card's summary, for roles that may see the producer."""
    plot = selectors.plot_list(scope=scope).filter(pk=plot_id).first()
    if plot is None:
        return None
    producer = plot.producer
    place = plot.comunidad.distrito if plot.comunidad else producer.comunidad.distrito
    return {
        "id": plot.pk,
        "code": plot.code,
        "name": plot.name,
        "producer": str(producer),
        "producer_code": producer.code,
        "comunidad": str(plot.comunidad or producer.comunidad),
        "distrito": place.name,
        "area_ha": round(plot.area_ha, 2) if plot.area_ha is not None else None,
        "declared_area_ha": float(plot.declared_area_ha) if plot.declared_area_ha else None,
        "mapping_method": plot.get_mapping_method_display(),
        "flags": [f.get_code_display() for f in plot.flags.all()] if flags else [],
        "plot_url": _url("plot-detail", plot.pk),
        "producer_url": _url("producer-detail", producer.pk),
    }
