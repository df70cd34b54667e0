"""GIS layers read with pyogrio (GDAL): geometries in longitude/latitude, plain column values.

The GIS readers (:mod:`chacra.intake.readers.vector`) and the GPX reader open files through
here. Coordinates are converted from the layer's CRS (UTM 17S/18S/19S, PSAD56, ...) to
longitude/latitude on WGS84 (EPSG:4326); a layer without a CRS is read as longitude/latitude
when its coordinates fit, and refused otherwise. Z and M values are dropped. Zipped formats are
opened inside the zip (``/vsizip/``), refusing zip bombs and odd member paths.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import numpy.typing as npt
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from chacra.geo.crs import CrsError, crs_said, lonlat_read, number
from chacra.intake.readers.base import MAX_UNZIPPED_BYTES, IntakeError

ACCEPTED = (
    "GeoJSON (.geojson, .json), KML (.kml), KMZ (.kmz), a zipped Shapefile (.zip holding the "
    ".shp with its .shx, .dbf and .prj), a GeoPackage (.gpkg) or a GPX track (.gpx)"
)
# What GDAL raises through pyogrio for a file it cannot read, and what decoding odd bytes can.
GDAL_ERRORS = (DataSourceError, DataLayerError, OSError, ValueError)
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError)
PERU_UTM = "UTM 17S/18S/19S (EPSG:32717/32718/32719)"
POLYGONAL = ("Polygon", "MultiPolygon")
GEOMETRY_ACCEPTED = "a Polygon or MultiPolygon (the plot's boundary) or a Point (its location)"


@dataclass
class Layer:
    """One layer as read: field names and value arrays, and shapely geometries in EPSG:4326."""

    name: str
    fields: list[str]
    columns: list[npt.NDArray[Any]]
    geometries: npt.NDArray[np.object_]
    problems: dict[int, tuple[Any, str]]  # feature index -> (value, what is wrong)


def gdal_reason(exc: BaseException, *paths: str) -> str:
    """GDAL's message without server paths or its advice on driver prefixes."""
    text = str(exc).split("; It might help")[0]
    for path in paths:
        text = text.replace(path, "")
    text = re.sub(r"[^\s'\"]*/", "", text)  # any other path: keep the file name only
    return " ".join(text.split()).strip(" .:;'\"")[:200] or type(exc).__name__


def read_layers(
    file: str, source: str, *, drivers: tuple[str, ...], what: str, single_layer: bool = False
) -> list[Layer]:
    """Every layer of ``source`` that has geometries, read with one of ``drivers``, in lon/lat.

    ``file`` is the name shown in messages; ``source`` is what GDAL opens (a path or /vsizip/).
    ``single_layer``: the format has one layer (GeoJSON), so GDAL need not list the layers:
    each look reads a GeoJSON file whole.
    """
    if single_layer and (read := _read_as(drivers[0], source)):
        return _layers(file, what, read)
    try:
        if single_layer:
            info = pyogrio.read_info(source, layer=0)
            names = [str(info["layer_name"])] if info["geometry_type"] is not None else []
            driver = info["driver"] if names else None
        else:
            listed = pyogrio.list_layers(source)
            names = [str(name) for name, geometry_type in listed if geometry_type is not None]
            driver = pyogrio.read_info(source, layer=names[0])["driver"] if names else None
        if driver is not None and driver not in drivers:
            raise IntakeError(
                f"{file}: this is not {what} (GDAL reads it as {driver}); chacra reads {ACCEPTED}"
            )
        read = [(name, pyogrio.raw.read(source, layer=name, force_2d=True)) for name in names]
    except GDAL_ERRORS as exc:
        raise IntakeError(
            f"{file}: cannot be read as {what} ({gdal_reason(exc, source)}); chacra reads "
            f"{ACCEPTED}"
        ) from exc
    if not read:
        raise IntakeError(f"{file}: no layer with geometries; expected {what} with plots")
    return _layers(file, what, read)


def _layers(file: str, what: str, read: list[tuple[str, Any]]) -> list[Layer]:
    layers = [_layer(file, name, *parts) for name, parts in read]
    if not any(len(layer.geometries) for layer in layers):
        raise IntakeError(f"{file}: no features; expected {what} with one feature per plot")
    return layers


def _read_as(driver: str, source: str) -> list[tuple[str, Any]]:
    """The one layer of ``source`` read as ``driver`` says (GDAL's name prefix, which spares
    the look that chooses a driver: for GeoJSON, a parse of the whole file); nothing if it is
    not that format or has no geometries (the full path says why)."""
    try:
        parts = pyogrio.raw.read(f"{driver}:{source}", layer=0, force_2d=True)
    except GDAL_ERRORS:
        return []
    return [(PurePosixPath(source).stem, parts)] if parts[0]["geometry_type"] else []


def _layer(file: str, name: str, meta: dict[str, Any], _fids: Any, wkb: Any, columns: Any) -> Layer:
    wkb = np.asarray(wkb if wkb is not None else [], dtype=object)
    geometries = shapely.from_wkb(wkb, on_invalid="ignore")
    geometries = np.asarray(shapely.force_2d(geometries), dtype=object)
    given = np.array([w is not None for w in wkb], dtype=bool)
    problems = {
        int(i): (None, f"the geometry cannot be read; expected {GEOMETRY_ACCEPTED}")
        for i in np.flatnonzero(shapely.is_missing(geometries) & given)
    }
    geometries = _to_lonlat(file, name, geometries, meta.get("crs"), problems)
    return Layer(name, [str(f) for f in meta["fields"]], list(columns), geometries, problems)


def _to_lonlat(
    file: str,
    layer: str,
    geometries: npt.NDArray[np.object_],
    crs_text: str | None,
    problems: dict[int, tuple[Any, str]],
) -> npt.NDArray[np.object_]:
    where = f"{file}: layer {layer!r}"
    try:
        geometries, crs, outside = lonlat_read(geometries, crs_text)
    except CrsError as exc:
        raise IntakeError(
            f"{where}: {exc}; export it again in WGS84 (EPSG:4326) or {PERU_UTM}"
        ) from exc
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    if present.any() and (outside == present).all():  # not one feature on Earth
        x, y = shapely.get_coordinates(geometries[present][0])[0]
        raise IntakeError(
            f"{where} {crs_said(crs)}, but its coordinates (e.g. x={number(x)}, y={number(y)}) "
            "are not longitude/latitude; export the layer again in WGS84 (EPSG:4326), or in "
            f"{PERU_UTM} with its coordinate reference system (a Shapefile's .prj)"
        )
    for i in np.flatnonzero(outside):
        x, y = shapely.get_coordinates(geometries[i])[0]
        problems.setdefault(
            int(i),
            (
                f"{number(x)}, {number(y)}",
                "coordinates outside longitude -180..180 / latitude -90..90 after conversion to "
                f"WGS84; expected {GEOMETRY_ACCEPTED} in the layer's coordinate system",
            ),
        )
    return geometries


def plain_value(value: Any) -> Any:
    """A field value as plain Python, or None when there is nothing in it."""
    if isinstance(value, np.datetime64) and np.isnat(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bytes | bytearray):
        return None  # binary fields hold no record value
    return value


def plain_column(values: npt.NDArray[Any]) -> list[Any]:
    """:func:`plain_value` of each value in a column, by column type where it can be."""
    if values.dtype.kind == "f":
        finite = np.isfinite(values).tolist()
        return [v if ok else None for v, ok in zip(values.tolist(), finite, strict=True)]
    if values.dtype.kind in "iub":
        return values.tolist()
    if values.dtype == object:
        listed = values.tolist()
        if all(type(v) is str for v in listed):
            return [v if v.strip() else None for v in listed]
        return [plain_value(v) for v in listed]
    return [plain_value(v) for v in values]


def zip_members(path: Path, suffix: str, what: str) -> list[str]:
    """Names inside a zip that end with ``suffix``, without macOS resource forks or odd paths."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise IntakeError(
            f"{path.name}: not a readable zip file ({exc}); expected {what}; chacra reads "
            f"{ACCEPTED}"
        ) from exc
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
        raise IntakeError(f"{path.name}: unzips to more than {MAX_UNZIPPED_BYTES >> 20} MB")
    names = [info.filename for info in infos if wanted_member(info, suffix)]
    if not names:
        raise IntakeError(f"{path.name}: no {suffix} file inside; expected {what}")
    return names


def wanted_member(info: zipfile.ZipInfo, suffix: str) -> bool:
    member = PurePosixPath(info.filename)
    return not (
        info.is_dir()
        or member.suffix.lower() != suffix
        or member.is_absolute()
        or ".." in member.parts
        or "__MACOSX" in member.parts
        or member.name.startswith("._")
    )


def vsizip(path: Path, member: str) -> str:
    """GDAL's path to a file inside a zip; braces let the archive have any name."""
    return f"/vsizip/{{{path.resolve()}}}/{member}"


def check_not_empty(path: Path, what: str) -> None:
    if path.stat().st_size == 0:
        raise IntakeError(f"{path.name}: the file is empty; expected {what}")
