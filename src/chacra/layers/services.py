"""Loading reference layers: roads, rivers and protected areas as features, boundaries onto the
places, rasters (forest 2020, loss year) registered by path.

Every load is atomic (a bad file writes nothing), audited, and idempotent: a layer is its kind and
name, and loading it again replaces its features (or its path) instead of adding a second copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from django.utils import timezone

from chacra.accounts.models import AuditAction
from chacra.accounts.scope import scope_for
from chacra.accounts.services import audit_record, bulk_audit, instance_save
from chacra.errors import AccessDenied, InvalidInput
from chacra.geo.shapes import repair_polygonal
from chacra.layers.models import Layer, LayerFeature, LayerKind
from chacra.layers.protected import CATEGORIES, Category, protected_area_properties
from chacra.layers.rasters import RASTER_CONTENTS, raster_inspect
from chacra.layers.vectors import LINES, POLYGONS, LayerFileError, VectorLayer, vector_read

# Vector kinds and the geometries each takes.
GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {
    LayerKind.ROAD: LINES,
    LayerKind.RIVER: LINES + POLYGONS,  # wide rivers and lakes come as polygons
    LayerKind.PROTECTED_AREA: POLYGONS,
}
# Raster kinds: registered by path, read where they lie (chacra.layers.rasters).
RASTER_KINDS: tuple[str, ...] = (LayerKind.FOREST_2020, LayerKind.LOSS_YEAR, LayerKind.TMF)
NAME_FIELDS = ("name", "nombre", "nom", "label", "toponimo")
MAX_NAME = 200
BATCH = 1000


@dataclass(frozen=True)
class LayerLoaded:
    """What a load did: the layer row, features written, and features of the old version removed."""

    layer: Layer
    created: bool
    features: int
    replaced: int = 0
    skipped: int = 0
    unmatched: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _require_layer_admin(actor: Any) -> None:
    """Reference layers are programme-wide data: administrators and programme staff load them."""
    if actor is not None and not scope_for(actor).is_programme_wide:
        raise AccessDenied("only administrators and programme staff load reference layers")


def _require_kind(kind: str) -> None:
    if kind not in GEOMETRY_TYPES:
        raise InvalidInput(
            f"kind: {kind!r} is not a vector layer kind; choose one of {', '.join(GEOMETRY_TYPES)}",
            field="kind",
        )


def _require_raster_kind(kind: str) -> None:
    if kind not in RASTER_KINDS:
        raise InvalidInput(
            f"kind: {kind!r} is not a raster layer kind; choose one of {', '.join(RASTER_KINDS)}",
            field="kind",
        )


def _geos(geom: Any) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)


def _label(*, name: str, version: str, source: str) -> tuple[str, str, str]:
    name, version, source = (" ".join(v.split()) for v in (name, version, source))
    if not name:
        raise InvalidInput("name: a layer needs a name, e.g. 'Red vial nacional'", field="name")
    limits = (("name", name, 120), ("version", version, 40), ("source", source, 200))
    for key, value, limit in limits:
        if len(value) > limit:
            raise InvalidInput(f"{key}: {value[:40]!r}... is longer than {limit} characters")
    return name, version, source


@transaction.atomic
def _layer_save(
    *,
    actor: Any,
    kind: str,
    name: str,
    version: str,
    source: str,
    file_name: str,
    sha256: str,
    feature_count: int,
    details: dict[str, Any],
    through: str,
    path: str = "",
) -> tuple[Layer, bool, int]:
    """Create or update the layer row; drop the features of its earlier version (audited)."""
    layer = Layer.objects.select_for_update().filter(kind=kind, name=name).first()
    created = layer is None
    replaced = 0
    if layer is None:
        layer = Layer(kind=kind, name=name)
    else:
        replaced = layer.features.count()
        if replaced:
            audit_record(
                actor=actor, action=AuditAction.DELETE, model=LayerFeature._meta.label,
                summary=f"{replaced} features of layer {layer} replaced",
                changes={"layer": layer.pk, "count": replaced, "version": layer.version,
                         "sha256": layer.sha256},
                source=through,
            )  # fmt: skip
            layer.features.all().delete()
    layer.version, layer.source = version, source
    layer.file_name, layer.sha256, layer.path = file_name[:255], sha256, path
    layer.feature_count, layer.details = feature_count, details
    layer.loaded_at = timezone.now()
    layer.loaded_by = actor if getattr(actor, "pk", None) else None
    instance_save(actor=actor, instance=layer, source=through)
    return layer, created, replaced


@transaction.atomic
def layer_features_replace(
    *,
    actor: Any,
    kind: str,
    name: str,
    version: str,
    source: str,
    geometries: Any,
    names: Sequence[str] | None = None,
    properties: Sequence[dict[str, Any]] | None = None,
    file_name: str = "",
    sha256: str = "",
    details: dict[str, Any] | None = None,
    through: str = "code",
) -> LayerLoaded:
    """Make the layer ``kind``/``name`` hold exactly these shapely geometries (lon/lat).

    Missing or empty geometries are skipped and counted; polygons are repaired.
    """
    _require_layer_admin(actor)
    _require_kind(kind)
    name, version, source = _label(name=name, version=version, source=source)
    geoms = np.asarray(geometries, dtype=object)
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    geoms[polygonal] = [repair_polygonal(g) for g in geoms[polygonal]]
    keep = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if not len(keep):
        raise InvalidInput(
            f"{file_name or name}: no feature has a geometry; a {kind} layer takes "
            f"{' or '.join(GEOMETRY_TYPES[kind])}"
        )
    notes: list[str] = []
    if kind == LayerKind.PROTECTED_AREA:
        names, properties, notes = _categorised(names, properties, len(geoms))
    layer, created, replaced = _layer_save(
        actor=actor, kind=kind, name=name, version=version, source=source, file_name=file_name,
        sha256=sha256, feature_count=len(keep), details=details or {}, through=through,
    )  # fmt: skip
    made = LayerFeature.objects.bulk_create(
        [
            LayerFeature(
                layer=layer,
                name=str(names[i])[:MAX_NAME] if names is not None and names[i] else "",
                properties=properties[i] if properties is not None else {},
                geom=_geos(geoms[i]),
            )
            for i in keep.tolist()
        ],
        batch_size=BATCH,
    )
    bulk_audit(actor=actor, model=LayerFeature, objects=made, source=through)
    return LayerLoaded(
        layer=layer,
        created=created,
        features=len(made),
        replaced=replaced,
        skipped=len(geoms) - len(keep),
        notes=notes,
    )


def _categorised(
    names: Sequence[str] | None, properties: Sequence[dict[str, Any]] | None, n: int
) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Protected areas always carry a category: derived here where the caller gave none."""
    props = [dict(p) for p in properties] if properties is not None else [{} for _ in range(n)]
    if all(p.get("category") in CATEGORIES for p in props):
        given = [str(p.get("name") or "") for p in props] if names is None else list(names)
        return given, props, []
    fields = sorted({key for p in props for key in p})
    derived, props, notes = protected_area_properties(fields, props)
    return list(names) if names is not None else derived, props, notes


def _field_named(read: VectorLayer, wanted: str, what: str) -> str:
    """The file's field called ``wanted``, in any case."""
    by_lower = {f.lower(): f for f in read.fields}
    if wanted.lower() not in by_lower:
        raise LayerFileError(
            f"{read.file_name}: no field {wanted!r} for the {what}; its fields are "
            f"{', '.join(read.fields) or 'none'}"
        )
    return by_lower[wanted.lower()]


def _name_field(read: VectorLayer, wanted: str | None) -> str | None:
    if wanted is not None:
        return _field_named(read, wanted, "feature names")
    by_lower = {f.lower(): f for f in read.fields}
    return next((by_lower[g] for g in NAME_FIELDS if g in by_lower), None)


def layer_load(
    *,
    actor: Any,
    kind: str,
    path: Path,
    name: str,
    version: str,
    source: str = "",
    layer: str | None = None,
    name_field: str | None = None,
    through: str = "code",
) -> LayerLoaded:
    """Load (or reload, replacing) a vector layer of ``kind`` from any GDAL vector file.

    The file's features are converted to EPSG:4326; their attributes are kept as properties and
    ``name_field`` (or a field called name/nombre) names them.
    """
    _require_layer_admin(actor)
    _require_kind(kind)
    if kind == LayerKind.PROTECTED_AREA:
        return protected_areas_load(
            actor=actor, path=path, name=name, version=version, source=source, layer=layer,
            name_field=name_field, through=through,
        )  # fmt: skip
    read = vector_read(path, geometry_types=GEOMETRY_TYPES[kind], layer=layer)
    label = _name_field(read, name_field)
    return layer_features_replace(
        actor=actor, kind=kind, name=name, version=version, source=source,
        geometries=read.geometries,
        names=[str(p[label] or "") for p in read.properties] if label else None,
        properties=read.properties, file_name=read.file_name, sha256=read.sha256,
        details={"layer": read.layer, "crs": read.crs[:200]}, through=through,
    )  # fmt: skip


def protected_areas_load(
    *,
    actor: Any,
    path: Path,
    name: str,
    version: str,
    source: str = "",
    layer: str | None = None,
    name_field: str | None = None,
    category_field: str | None = None,
    category: Category | None = None,
    through: str = "code",
) -> LayerLoaded:
    """Load (or reload, replacing) protected areas from a WDPA or SERNANP file.

    Each feature keeps its attributes and gains ``name``, ``category`` (strict, direct_use or
    buffer; see :mod:`chacra.layers.protected`) and ``designation``. ``category`` sets one
    category for the whole file (a SERNANP file of buffer zones); ``category_field`` names the
    field holding each area's designation when it is not WDPA's DESIG or a usual SERNANP field.
    """
    _require_layer_admin(actor)
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(
            f"category: {category!r} is not a protected-area category; choose one of "
            f"{', '.join(CATEGORIES)}",
            field="category",
        )
    read = vector_read(path, geometry_types=POLYGONS, layer=layer)
    wanted = _field_named(read, category_field, "designations") if category_field else None
    names, properties, notes = protected_area_properties(
        read.fields, read.properties, category_field=wanted, category=category
    )
    label = _name_field(read, name_field) if name_field else None
    if label is not None:
        names = [str(p[label] or "") for p in read.properties]
        for props, area_name in zip(properties, names, strict=True):
            props["name"] = area_name
    loaded = layer_features_replace(
        actor=actor, kind=LayerKind.PROTECTED_AREA, name=name, version=version, source=source,
        geometries=read.geometries, names=names, properties=properties,
        file_name=read.file_name, sha256=read.sha256,
        details={"layer": read.layer, "crs": read.crs[:200], "unknown_designations": notes},
        through=through,
    )  # fmt: skip
    return LayerLoaded(
        layer=loaded.layer, created=loaded.created, features=loaded.features,
        replaced=loaded.replaced, skipped=loaded.skipped, notes=notes,
    )  # fmt: skip


def raster_register(
    *,
    actor: Any,
    kind: str,
    path: Path,
    name: str,
    version: str,
    source: str = "",
    through: str = "code",
) -> LayerLoaded:
    """Register (or re-register, replacing) a raster of ``kind`` read from ``path`` where it lies.

    The file must open with GDAL and be a single-band lon/lat grid of integers
    (:func:`chacra.layers.rasters.raster_inspect`); its grid, nodata and SHA-256 are recorded in
    ``details`` so that every result can cite it and a changed file can be noticed.
    """
    _require_layer_admin(actor)
    _require_raster_kind(kind)
    name, version, source = _label(name=name, version=version, source=source)
    info = raster_inspect(Path(path), kind=kind)
    layer, created, _replaced = _layer_save(
        actor=actor, kind=kind, name=name, version=version, source=source,
        file_name=info.file_name, sha256=info.sha256, feature_count=0,
        details={**info.details(), "contents": RASTER_CONTENTS[kind]}, through=through,
        path=info.path,
    )  # fmt: skip
    return LayerLoaded(layer=layer, created=created, features=0)
