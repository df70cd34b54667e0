"""Read one layer of any GDAL vector file into shapely geometries in EPSG:4326 and plain properties.

Reference data comes from many publishers (MTC road networks, ANA rivers, INEI boundaries, SERNANP
protected areas) in many formats and projections; GDAL reads them all. The file is read with the
same lock-down as field data (no VRT, no network): a reference file is untrusted too.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from chacra.errors import InvalidInput
from chacra.geo.crs import CrsError, crs_said, lonlat_read, number
from chacra.intake.readers.base import file_sha256, gdal_lockdown, zip_guard

ACCEPTED_FILES = (
    "a vector file GDAL reads: GeoPackage (.gpkg), GeoJSON (.geojson, .json), a Shapefile "
    "(.shp beside its .shx, .dbf and .prj, or all of them in a .zip), FlatGeobuf (.fgb) or KML "
    "(.kml)"
)
GDAL_ERRORS = (DataSourceError, DataLayerError, OSError, ValueError)
LINES = ("LineString", "MultiLineString")
POLYGONS = ("Polygon", "MultiPolygon")


class LayerFileError(InvalidInput):
    """A reference file chacra cannot load; the message names the file and what is accepted."""

    code = "layer_file_error"


@dataclass(frozen=True)
class VectorLayer:
    """One layer as read: geometries in lon/lat (None where a feature had none) and properties."""

    file_name: str
    sha256: str
    layer: str
    crs: str
    fields: list[str]
    geometries: npt.NDArray[np.object_]
    properties: list[dict[str, Any]]


def _reason(exc: BaseException, path: Path) -> str:
    """GDAL's message without the server's folders."""
    text = str(exc).split("; It might help")[0]
    for folder in {str(path.resolve().parent), str(path.parent)} - {"."}:
        text = text.replace(folder + "/", "")
    return " ".join(text.split()).strip(" .:;")[:200] or type(exc).__name__


def _json_value(value: Any) -> Any:
    """A field value as JSON: numbers, text, booleans, ISO dates, or None."""
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return None
    return value


def _choose_layer(path: Path, source: str, wanted: str | None) -> str:
    listed = pyogrio.list_layers(source)
    names = [str(n) for n, geometry_type in listed if geometry_type is not None]
    if not names:
        raise LayerFileError(f"{path.name}: no layer with geometries; expected {ACCEPTED_FILES}")
    if wanted is not None:
        if wanted not in names:
            raise LayerFileError(
                f"{path.name}: no layer {wanted!r}; its layers are {', '.join(map(repr, names))}"
            )
        return wanted
    if len(names) > 1:
        raise LayerFileError(
            f"{path.name}: holds {len(names)} layers ({', '.join(map(repr, names))}); "
            "name the one to load (--layer)"
        )
    return names[0]


def _to_lonlat(
    path: Path, crs_text: str | None, geometries: npt.NDArray[np.object_]
) -> npt.NDArray[np.object_]:
    try:
        geometries, crs, outside = lonlat_read(geometries, crs_text)
    except CrsError as exc:
        raise LayerFileError(
            f"{path.name}: {exc}; export it again with one, e.g. WGS84 (EPSG:4326) or UTM 18S "
            "(EPSG:32718)"
        ) from exc
    if outside.any():
        first = int(np.flatnonzero(outside)[0])
        x, y = shapely.get_coordinates(geometries[first])[0]
        raise LayerFileError(
            f"{path.name} {crs_said(crs)}, but feature {first + 1} has coordinates x={number(x)}, "
            f"y={number(y)}, which are not longitude/latitude; export the layer with its "
            "coordinate reference system, e.g. WGS84 (EPSG:4326) or UTM 18S (EPSG:32718)"
        )
    return geometries


def vector_read(
    path: Path, *, geometry_types: tuple[str, ...], layer: str | None = None
) -> VectorLayer:
    """Read one layer of ``path``; every geometry must be one of ``geometry_types``.

    Features without a geometry come back as None (the caller decides); any other geometry type,
    an unreadable file or coordinates that are not on Earth raise :class:`LayerFileError`.
    """
    gdal_lockdown()
    if not path.is_file():
        raise LayerFileError(f"{path}: no such file; expected {ACCEPTED_FILES}")
    if path.stat().st_size == 0:
        raise LayerFileError(f"{path.name}: the file is empty; expected {ACCEPTED_FILES}")
    zip_guard(path)
    source = str(path)
    try:
        name = _choose_layer(path, source, layer)
        meta, _fids, wkb, columns = pyogrio.raw.read(source, layer=name, force_2d=True)
    except GDAL_ERRORS as exc:
        raise LayerFileError(
            f"{path.name}: cannot be read ({_reason(exc, path)}); chacra reads {ACCEPTED_FILES}"
        ) from exc
    wkb = np.asarray(wkb if wkb is not None else [], dtype=object)
    if len(wkb) == 0:
        raise LayerFileError(f"{path.name}: layer {name!r} has no features")
    geometries = np.asarray(shapely.from_wkb(wkb, on_invalid="ignore"), dtype=object)
    unreadable = np.flatnonzero(shapely.is_missing(geometries) & (wkb != None))  # noqa: E711
    if len(unreadable):
        raise LayerFileError(
            f"{path.name}: the geometry of feature {unreadable[0] + 1} cannot be read"
        )
    types = shapely.get_type_id(geometries)
    accepted = [shapely.GeometryType[t.upper()] for t in geometry_types]
    wrong = np.flatnonzero((types >= 0) & ~np.isin(types, accepted))
    if len(wrong):
        kind = geometries[wrong[0]].geom_type
        raise LayerFileError(
            f"{path.name}: feature {wrong[0] + 1} is a {kind} ({len(wrong)} features like it); "
            f"this layer takes {' or '.join(geometry_types)}"
        )
    geometries = _to_lonlat(path, meta.get("crs"), geometries)
    fields = [str(f) for f in meta["fields"]]
    properties = [
        {f: _json_value(col[i]) for f, col in zip(fields, columns, strict=True)}
        for i in range(len(geometries))
    ]
    return VectorLayer(
        file_name=path.name,
        sha256=file_sha256(path),
        layer=name,
        crs=str(meta.get("crs") or ""),
        fields=fields,
        geometries=geometries,
        properties=properties,
    )
