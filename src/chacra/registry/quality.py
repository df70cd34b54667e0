"""Quality flags for plots, recomputed for the plots a write touched and their neighbours.

The checks themselves are array maths in ``chacra.geo.quality``; this module gathers the plots
(and every plot whose box overlaps them, so overlaps and duplicates are seen from both sides),
runs the checks once, and replaces the stored flags of the plots concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import Polygon
from django.db.models import Q

from chacra.geo.quality import plot_flags
from chacra.registry.models import Distrito, FlagCode, Plot, PlotFlag

FIELDS = ("pk", "code", "declared_area_ha", "producer_id", "geometry_repaired",
          "comunidad__distrito_id")  # fmt: skip


def plots_around(ids: set[int]) -> set[int]:
    """These plots and every plot whose box overlaps the box of their geometries.

    Call it before moving a plot too: the plots it used to overlap need their flags refreshed.
    """
    box = Plot.objects.filter(pk__in=ids).aggregate(b=Extent("boundary"), p=Extent("location"))
    extents = [e for e in (box["b"], box["p"]) if e is not None]
    if not extents:
        return set(ids)
    xmin = min(e[0] for e in extents)
    ymin = min(e[1] for e in extents)
    xmax = max(e[2] for e in extents)
    ymax = max(e[3] for e in extents)
    area = Polygon.from_bbox((xmin, ymin, xmax, ymax))
    area.srid = 4326
    near = Plot.objects.filter(Q(boundary__bboverlaps=area) | Q(location__bboverlaps=area))
    return set(ids) | set(near.values_list("pk", flat=True))


def _shapes(wkbs: Iterable[Any]) -> Any:
    """Shapely geometries from the database's WKB, at once (no GEOS object on the way)."""
    return shapely.from_wkb([bytes(w) if w is not None else None for w in wkbs])


def plot_flags_refresh(*, plot_ids: Iterable[int]) -> int:
    """Recompute the flags of these plots and of the plots around them; return how many flags."""
    ids = set(plot_ids)
    if not ids:
        return 0
    concerned = plots_around(ids)  # their flags may change
    seen = plots_around(concerned)  # every plot that can overlap or duplicate a concerned one
    rows = list(
        Plot.objects.filter(pk__in=seen)
        .order_by()
        .values_list(*FIELDS, AsWKB("boundary"), AsWKB("location"))
    )
    pks = [r[0] for r in rows]
    boundaries = _shapes(r[6] for r in rows)
    geoms = np.where(shapely.is_missing(boundaries), _shapes(r[7] for r in rows), boundaries)
    declared = np.array([float(r[2]) if r[2] is not None else np.nan for r in rows])
    owners = np.array([r[3] for r in rows])
    # one shape per distrito, however many plots it holds
    distrito_ids = {r[5] for r in rows}
    shapes = dict(
        Distrito.objects.filter(pk__in=distrito_ids).values_list("pk", AsWKB("boundary"))
    )
    by_id = dict(zip(shapes, _shapes(shapes.values()), strict=True))
    distritos = np.array([by_id.get(r[5]) for r in rows], dtype=object)
    found = plot_flags(geoms, declared_ha=declared, owners=owners, distrito_shapes=distritos)
    flags = []
    for i, row in enumerate(rows):
        if row[0] not in concerned:
            continue
        if row[4]:
            flags.append(
                PlotFlag(
                    plot_id=row[0],
                    code=FlagCode.INVALID_GEOMETRY,
                    detail="repaired at intake; the original is kept in its history",
                )
            )
        for flag in found[i]:
            if flag.code == FlagCode.INVALID_GEOMETRY:
                continue  # stored geometries are valid; the original's fault is recorded above
            detail = _name_plots(flag.detail, pks, rows)
            flags.append(PlotFlag(plot_id=row[0], code=flag.code, detail=detail[:200]))
    PlotFlag.objects.filter(plot_id__in=concerned).delete()
    PlotFlag.objects.bulk_create(flags, batch_size=1000)
    return len(flags)


def _name_plots(detail: str, pks: list[int], rows: list[tuple[Any, ...]]) -> str:
    """geo.quality names other plots by array index ("#12"); the record names them by code."""
    import re

    return re.sub(r"#(\d+)", lambda m: rows[int(m.group(1))][1], detail)
