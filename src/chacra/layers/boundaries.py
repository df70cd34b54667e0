"""Place boundaries (departamento, provincia, distrito) from GIS files, matched by INEI ubigeo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shapely
from django.db import transaction

from chacra.accounts.models import AuditAction
from chacra.accounts.services import audit_record
from chacra.errors import InvalidInput
from chacra.geo.shapes import repair_polygonal
from chacra.layers.models import LayerKind
from chacra.layers.services import (
    BATCH,
    LayerLoaded,
    _field_named,
    _geos,
    _label,
    _layer_save,
    _require_layer_admin,
)
from chacra.layers.vectors import POLYGONS, LayerFileError, vector_read
from chacra.registry.models import Departamento, Distrito, Provincia

# Boundaries go onto the places of one level, matched by INEI ubigeo.
LEVELS: dict[str, tuple[Any, int, LayerKind]] = {
    "departamento": (Departamento, 2, LayerKind.DEPARTAMENTO_BOUNDARIES),
    "provincia": (Provincia, 4, LayerKind.PROVINCIA_BOUNDARIES),
    "distrito": (Distrito, 6, LayerKind.DISTRITO_BOUNDARIES),
}


def _require_level(level: str) -> None:
    if level not in LEVELS:
        raise InvalidInput(
            f"level: {level!r} is not a place level; choose one of {', '.join(LEVELS)}",
            field="level",
        )


def _ubigeo(value: Any, digits: int, where: str) -> str:
    """A ubigeo cut to ``digits`` (a distrito's code also names its provincia and departamento)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if len(text) % 2:
        text = "0" + text  # a lost leading zero, e.g. 10101 for Amazonas' 010101
    if not text.isdigit() or len(text) not in (2, 4, 6) or len(text) < digits:
        raise LayerFileError(
            f"{where}: {value!r} is not an INEI ubigeo of at least {digits} digits "
            "(2 for a departamento, 4 for a provincia, 6 for a distrito)"
        )
    return text[:digits]


@transaction.atomic
def boundaries_set(
    *,
    actor: Any,
    level: str,
    shapes: dict[str, Any],
    name: str,
    version: str,
    source: str,
    file_name: str = "",
    sha256: str = "",
    details: dict[str, Any] | None = None,
    through: str = "code",
) -> LayerLoaded:
    """Set the boundary of each place of ``level`` whose ubigeo is in ``shapes`` (lon/lat).

    Codes with no place in the registry are reported, not refused (a national file covers more
    than a programme); places with no shape keep the boundary they had.
    """
    _require_layer_admin(actor)
    _require_level(level)
    model, _digits, kind = LEVELS[level]
    name, version, source = _label(name=name, version=version, source=source)
    places: list[Any] = list(model.objects.filter(ubigeo__in=list(shapes)))
    found = {p.ubigeo for p in places}
    for place in places:
        shape = repair_polygonal(shapes[place.ubigeo])
        if shape is not None and shape.geom_type == "Polygon":
            shape = shapely.MultiPolygon([shape])
        place.boundary = _geos(shape) if shape is not None else None
    model.objects.bulk_update(places, ["boundary"], batch_size=BATCH)
    unmatched = sorted(set(shapes) - found)
    layer, created, replaced = _layer_save(
        actor=actor, kind=kind, name=name, version=version, source=source, file_name=file_name,
        sha256=sha256, feature_count=len(places), through=through,
        details={**(details or {}), "level": level, "matched": len(places),
                 "unmatched": len(unmatched), "unmatched_codes": unmatched[:50]},
    )  # fmt: skip
    audit_record(
        actor=actor, action=AuditAction.UPDATE, model=model._meta.label,
        summary=f"{len(places)} {level} boundaries from layer {layer}",
        changes={"boundary": f"layer {layer.pk}", "ubigeos": sorted(found)[:200]},
        source=through,
    )  # fmt: skip
    return LayerLoaded(
        layer=layer,
        created=created,
        features=len(places),
        replaced=replaced,
        unmatched=unmatched,
    )


def boundaries_load(
    *,
    actor: Any,
    level: str,
    path: Path,
    code_field: str,
    name: str,
    version: str,
    source: str = "",
    layer: str | None = None,
    through: str = "code",
) -> LayerLoaded:
    """Load departamento, provincia or distrito boundaries from a file, matched by ubigeo.

    Features that share a code are merged, so a file of distritos loads provincias too
    (``--level provincia`` keeps the first four digits of each distrito's ubigeo).
    """
    _require_layer_admin(actor)
    _require_level(level)
    read = vector_read(path, geometry_types=POLYGONS, layer=layer)
    column = _field_named(read, code_field, "ubigeo codes")
    digits = LEVELS[level][1]
    parts: dict[str, list[Any]] = {}
    for i, (geom, props) in enumerate(zip(read.geometries, read.properties, strict=True)):
        if geom is None or geom.is_empty:
            continue
        code = _ubigeo(props[column], digits, f"{read.file_name}: feature {i + 1}, {column}")
        shape = repair_polygonal(geom)
        if shape is not None:
            parts.setdefault(code, []).append(shape)
    if not parts:
        raise LayerFileError(f"{read.file_name}: no feature has a polygon; expected boundaries")
    shapes = {
        code: geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
        for code, geoms in parts.items()
    }
    return boundaries_set(
        actor=actor, level=level, shapes=shapes, name=name, version=version, source=source,
        file_name=read.file_name, sha256=read.sha256, through=through,
        details={"layer": read.layer, "crs": read.crs[:200], "code_field": column},
    )  # fmt: skip
