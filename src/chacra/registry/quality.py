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
from django.db import transaction
from django.db.models import Q, QuerySet

from chacra.accounts.services import record_defaults, records_insert
from chacra.geo.area import M2_PER_HA
from chacra.geo.quality import plot_flags
from chacra.registry.models import Distrito, FlagCode, Plot, PlotFlag

FIELDS = ("pk", "code", "declared_area_ha", "producer_id", "geometry_repaired",
          "comunidad__distrito_id", "area_ha")  # fmt: skip


Box = tuple[float, float, float, float]


def _extent(plots: QuerySet[Plot]) -> Box | None:
    """The box of these plots' boundaries and locations (None: they have none)."""
    box = plots.aggregate(b=Extent("boundary"), p=Extent("location"))
    extents = [e for e in (box["b"], box["p"]) if e is not None]
    if not extents:
        return None
    return (
        min(e[0] for e in extents),
        min(e[1] for e in extents),
        max(e[2] for e in extents),
        max(e[3] for e in extents),
    )


def _overlapping(box: Box) -> Q:
    """Plots whose boundary's or location's box overlaps this box."""
    area = Polygon.from_bbox(box)
    area.srid = 4326
    return Q(boundary__bboverlaps=area) | Q(location__bboverlaps=area)


def plots_around(ids: set[int]) -> set[int]:
    """These plots and every plot whose box overlaps the box of their geometries.

    Call it before moving a plot too: the plots it used to overlap need their flags refreshed.
    """
    box = _extent(Plot.objects.filter(pk__in=ids))
    if box is None:
        return set(ids)
    return set(ids) | set(Plot.objects.filter(_overlapping(box)).values_list("pk", flat=True))


def _shapes(wkbs: Iterable[Any]) -> Any:
    """Shapely geometries from the database's WKB, at once (no GEOS object on the way)."""
    return shapely.from_wkb([bytes(w) if w is not None else None for w in wkbs])


def _rows(box: Box) -> tuple[list[Any], Any, Any]:
    """The plots overlapping a box: their fields, boundaries and locations (shapely)."""
    rows = list(
        Plot.objects.filter(_overlapping(box))
        .order_by()
        .annotate(boundary_wkb=AsWKB("boundary"), location_wkb=AsWKB("location"))
        .values_list(*FIELDS, "boundary_wkb", "location_wkb", named=True)
    )
    return rows, _shapes(r.boundary_wkb for r in rows), _shapes(r.location_wkb for r in rows)


def plot_flags_refresh(*, plot_ids: Iterable[int]) -> int:
    """Recompute the flags of these plots and of the plots around them; return how many flags."""
    ids = set(plot_ids)
    if not ids:
        return 0
    # As plots_around(plots_around(ids)), with the ids sent to the database once: every plot of
    # ``ids`` with a geometry overlaps the box of their geometries (those without one have no
    # flag to compute, only old ones to delete); the plots around those overlap the box of all
    # their geometries, which is that first box unless some of them reach beyond it.
    box = _extent(Plot.objects.filter(pk__in=ids))
    concerned = set(ids)  # their flags may change
    rows: list[Any] = []  # every plot that can overlap or duplicate a concerned one
    boundaries = located = np.array([], dtype=object)
    if box is not None:
        rows, boundaries, located = _rows(box)
        concerned |= {r.pk for r in rows}
        wider = shapely.total_bounds(np.concatenate([boundaries, located]))
        if wider[0] < box[0] or wider[1] < box[1] or wider[2] > box[2] or wider[3] > box[3]:
            rows, boundaries, located = _rows(tuple(wider.tolist()))
    codes = [r.code for r in rows]
    geoms = np.where(shapely.is_missing(boundaries), located, boundaries)
    declared = np.array([float(r.declared_area_ha or "nan") for r in rows])
    measured = np.array([r.area_ha if r.area_ha is not None else np.nan for r in rows]) * M2_PER_HA
    owners = np.array([r.producer_id for r in rows])
    # one shape per distrito, however many plots it holds
    distrito_ids = {r.comunidad__distrito_id for r in rows}
    shapes = dict(Distrito.objects.filter(pk__in=distrito_ids).values_list("pk", AsWKB("boundary")))
    by_id = dict(zip(shapes, _shapes(shapes.values()), strict=True))
    distritos = np.array([by_id.get(r.comunidad__distrito_id) for r in rows], dtype=object)
    found = (
        plot_flags(
            geoms,
            declared_ha=declared,
            owners=owners,
            distrito_shapes=distritos,
            area_m2=np.where(shapely.is_missing(boundaries), np.nan, measured),
        )
        if rows
        else []
    )
    flags: list[tuple[int, str, str]] = []
    for i, row in enumerate(rows):
        if row.pk not in concerned:
            continue
        if row.geometry_repaired:
            flags.append(
                (
                    row.pk,
                    FlagCode.INVALID_GEOMETRY,
                    "repaired at intake; the original is kept in its history",
                )
            )
        for flag in found[i]:
            if flag.code == FlagCode.INVALID_GEOMETRY:
                continue  # stored geometries are valid; the original's fault is recorded above
            flags.append((row.pk, flag.code, _name_plots(flag.detail, codes)[:200]))
    stale = Q(pk__in=ids) | _overlapping(box) if box is not None else Q(pk__in=ids)
    found_at = record_defaults(PlotFlag)["found_at"]
    with transaction.atomic():
        PlotFlag.objects.filter(plot__in=Plot.objects.filter(stale)).delete()
        records_insert(
            PlotFlag,
            [
                {"plot_id": pk, "code": code, "detail": detail, "found_at": found_at}
                for pk, code, detail in flags
            ],
        )
    return len(flags)


def _name_plots(detail: str, codes: list[str]) -> str:
    """geo.quality names other plots by array index ("#12"); the record names them by code."""
    import re

    return re.sub(r"#(\d+)", lambda m: codes[int(m.group(1))], detail)
