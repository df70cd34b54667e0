"""Quality flags for plots, recomputed for the plots a write touched and their neighbours.

The checks themselves are array maths in ``chacra.geo.quality``; this module gathers the plots
(and every plot whose box overlaps them, so overlaps and duplicates are seen from both sides),
runs the checks once, and replaces the stored flags of the plots concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import shapely
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.db.models import Q, QuerySet

from chacra.accounts.records import record_defaults, records_insert
from chacra.geo.area import M2_PER_HA
from chacra.geo.quality import plot_flags
from chacra.registry.models import Distrito, FlagCode, Plot, PlotFlag

FIELDS = ("pk", "code", "declared_area_ha", "producer_id", "geometry_repaired",
          "comunidad__distrito_id", "area_ha")  # fmt: skip


class PlotRow(NamedTuple):
    """What the flags read of a plot (:data:`FIELDS`, by the same names)."""

    pk: int
    code: str
    declared_area_ha: Any
    producer_id: int
    geometry_repaired: bool
    comunidad__distrito_id: int
    area_ha: float | None


@dataclass
class PlotsWritten:
    """Plots as a caller has just stored them, so that the flags need not read them back:
    their fields (:class:`PlotRow`) and their boundaries and locations (shapely, or None), the
    values exactly as stored. A plot written again since must be left out (:meth:`without`)."""

    rows: list[PlotRow] = field(default_factory=list)
    boundaries: list[Any] = field(default_factory=list)
    locations: list[Any] = field(default_factory=list)

    def add(self, row: PlotRow, boundary: Any, location: Any) -> None:
        self.rows.append(row)
        self.boundaries.append(boundary)
        self.locations.append(location)

    def without(self, ids: set[int]) -> PlotsWritten:
        keep = [k for k, row in enumerate(self.rows) if row.pk not in ids]
        return PlotsWritten(
            [self.rows[k] for k in keep],
            [self.boundaries[k] for k in keep],
            [self.locations[k] for k in keep],
        )


Box = tuple[float, float, float, float]
CHUNK = 900  # ids per query: within every database's limit on parameters


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


def _read(plots: QuerySet[Plot]) -> list[Any]:
    return list(
        plots.order_by()
        .annotate(boundary_wkb=AsWKB("boundary"), location_wkb=AsWKB("location"))
        .values_list(*FIELDS, "boundary_wkb", "location_wkb", named=True)
    )


def _rows(box: Box, written: PlotsWritten) -> tuple[list[Any], Any, Any]:
    """The plots overlapping a box, by id: their fields, boundaries and locations (shapely);
    those written are taken as given, the others read."""
    query = Plot.objects.filter(_overlapping(box)).order_by()
    known = {row.pk for row in written.rows}
    if known:  # read only the others (an import's neighbours: often none), a chunk at a time
        others = [pk for pk in query.values_list("pk", flat=True) if pk not in known]
        chunks = [others[k : k + CHUNK] for k in range(0, len(others), CHUNK)]
        read = [row for chunk in chunks for row in _read(Plot.objects.filter(pk__in=chunk))]
    else:
        read = _read(query)
    rows = [*read, *written.rows]
    boundaries = np.concatenate(
        [_shapes(r.boundary_wkb for r in read), _objects(written.boundaries)]
    )
    located = np.concatenate([_shapes(r.location_wkb for r in read), _objects(written.locations)])
    order = np.argsort([r.pk for r in rows], kind="stable")  # the same order however read
    return [rows[k] for k in order.tolist()], boundaries[order], located[order]


def _objects(values: list[Any]) -> Any:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _written_extent(written: PlotsWritten) -> Box | None:
    geoms = _objects([*written.boundaries, *written.locations])
    if shapely.is_missing(geoms).all():
        return None
    west, south, east, north = shapely.total_bounds(geoms).tolist()
    return (west, south, east, north)


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def plot_flags_refresh(*, plot_ids: Iterable[int], written: PlotsWritten | None = None) -> int:
    """Recompute the flags of these plots and of the plots around them; return how many flags.

    ``written``: some of these plots as the caller has just stored them (an import), used as
    they are instead of being read back; the flags come out the same.
    """
    ids = set(plot_ids)
    if not ids:
        return 0
    written = written or PlotsWritten()
    unread = ids - {row.pk for row in written.rows}
    # As plots_around(plots_around(ids)), with the ids sent to the database once: every plot of
    # ``ids`` with a geometry overlaps the box of their geometries (those without one have no
    # flag to compute, only old ones to delete); the plots around those overlap the box of all
    # their geometries, which is that first box unless some of them reach beyond it.
    box = _union(
        _extent(Plot.objects.filter(pk__in=unread)) if unread else None, _written_extent(written)
    )
    concerned = set(ids)  # their flags may change
    rows: list[Any] = []  # every plot that can overlap or duplicate a concerned one
    boundaries = located = np.array([], dtype=object)
    if box is not None:
        rows, boundaries, located = _rows(box, written)
        concerned |= {r.pk for r in rows}
        wider = shapely.total_bounds(np.concatenate([boundaries, located]))
        if wider[0] < box[0] or wider[1] < box[1] or wider[2] > box[2] or wider[3] > box[3]:
            rows, boundaries, located = _rows(tuple(wider.tolist()), written)
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
    # the written plots with a geometry lie in the box: only the others are named by id
    unmapped = {
        row.pk
        for row, boundary, location in zip(
            written.rows, written.boundaries, written.locations, strict=True
        )
        if boundary is None and location is None
    }
    stale = Q(pk__in=unread | unmapped) | _overlapping(box) if box is not None else Q(pk__in=ids)
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
