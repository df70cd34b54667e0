"""Reads of reference layers. They hold no personal data: every role may see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet

from chacra.layers.models import Layer, LayerFeature, LayerKind


def layer_list(*, kinds: Iterable[str] | None = None) -> QuerySet[Layer]:
    qs = Layer.objects.select_related("loaded_by")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.order_by("kind", "name")


def latest_layers(*, kinds: Iterable[str]) -> dict[str, Layer]:
    """The most recently loaded layer of each of these kinds (rasters: one is used per kind)."""
    latest: dict[str, Layer] = {}
    for layer in Layer.objects.filter(kind__in=list(kinds)).order_by("kind", "-loaded_at", "-id"):
        latest.setdefault(layer.kind, layer)
    return latest


def protected_area_features() -> list[
    tuple[dict[str, str], npt.NDArray[np.object_], list[str], list[dict[str, Any]]]
]:
    """Every protected-area layer: its citation, and its features' geometries, names and
    properties (each holding the ``category`` given when it was loaded)."""
    out = []
    for layer in Layer.objects.filter(kind=LayerKind.PROTECTED_AREA).order_by("name"):
        rows: list[tuple[Any, str, dict[str, Any]]] = list(
            layer.features.order_by("id").values_list("geom", "name", "properties")
        )
        geoms = shapely.from_wkb([bytes(g.wkb) for g, _, _ in rows]) if rows else []
        cite = {"kind": layer.kind, "name": layer.name, "version": layer.version,
                "source": layer.source, "sha256": layer.sha256}  # fmt: skip
        out.append(
            (cite, np.asarray(geoms, dtype=object), [n for _, n, _ in rows], [p for *_, p in rows])
        )
    return out


def layer_shapes(
    *, kind: str, bbox: tuple[float, float, float, float] | None = None
) -> tuple[npt.NDArray[np.object_], list[str]]:
    """Every feature of every layer of ``kind`` (within a lon/lat box) as shapely geometries."""
    qs = LayerFeature.objects.filter(layer__kind=kind)
    if bbox is not None:
        qs = qs.filter(geom__bboverlaps=Polygon.from_bbox(bbox))
    rows: list[tuple[Any, str]] = list(qs.order_by("id").values_list("geom", "name"))
    geoms = shapely.from_wkb([bytes(g.wkb) for g, _ in rows]) if rows else np.array([], object)
    return np.asarray(geoms, dtype=object), [n for _, n in rows]
