"""GIS files of plots: GeoJSON (also the EU deforestation regulation's), KML, KMZ, zipped
Shapefile and GeoPackage, read with pyogrio (GDAL) into rows in the record's terms.

Each feature becomes one row. Its attribute table is mapped with the spreadsheet headings
(:func:`chacra.intake.headings.map_headings`), so "Apellidos y Nombres", "DNI", "Distrito" or the
EU format's ProducerName, ProductionPlace and Area mean what they mean in a spreadsheet. A Polygon
or MultiPolygon becomes the plot's boundary, a Point its location; other geometry types are
refused. Layers come in longitude/latitude from :mod:`chacra.intake.readers.layers`.

The reader does not judge values: an EU file has no distrito or comunidad, so its rows fail
validation unless the file has those properties; swapped latitude/longitude are read as they
are and left to the validator.

A file with several layers (GeoPackage tables, KML folders, Shapefiles in one zip) names the layer
in ``SourceRef.sheet`` and numbers features within each layer; otherwise features are numbered
from 1 in file order.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import shapely

from chacra.intake.headings import map_headings
from chacra.intake.readers.layers import (
    GEOMETRY_ACCEPTED,
    POLYGONAL,
    ZIP_ERRORS,
    Layer,
    check_not_empty,
    plain_column,
    read_layers,
    vsizip,
    wanted_member,
    zip_members,
)
from chacra.intake.rows import PLANTING_KEYS, IntakeRow, ReadResult, RowError, SourceRef


def _columns(fields: list[str], name_field: str | None) -> dict[int, str]:
    """Field index -> record key. A KML placemark's own ``name`` is mapped last: it is the
    producer's name unless another field is, then the plot's name unless another field is."""
    headings: list[object] = [None if f == name_field else f for f in fields]
    columns, _unknown = map_headings(headings)
    if name_field in fields:
        taken = set(columns.values())
        for key in ("full_name", "plot_name"):
            if key not in taken:
                columns[fields.index(name_field)] = key
                break
    return columns


def _place(row: IntakeRow, geometry: Any) -> RowError | None:
    """Put a feature's geometry on the row as boundary or point; an error for anything else."""
    if geometry is None or geometry.is_empty:
        if {"latitude", "longitude"} & set(row.values):
            return None  # the attribute table has coordinates; the validator reads them
        return RowError(row.ref, "geometry", None, f"no geometry; expected {GEOMETRY_ACCEPTED}")
    kind = geometry.geom_type
    if kind in POLYGONAL:
        row.geometry = geometry
        return None
    if kind == "Point":
        row.point = geometry
        return None
    parts = shapely.get_parts(geometry)
    if kind == "MultiPoint" and len(parts) == 1:
        row.point = parts[0]
        return None
    if kind == "GeometryCollection" and all(p.geom_type in POLYGONAL for p in parts):
        row.geometry = shapely.MultiPolygon(list(shapely.get_parts(parts)))  # KML MultiGeometry
        return None
    hint = ""
    if kind in ("LineString", "MultiLineString"):
        hint = "; a boundary drawn as a line (a Google Earth path) must be drawn as a polygon"
    return RowError(row.ref, "geometry", kind, f"expected {GEOMETRY_ACCEPTED}{hint}")


def rows_from_layers(
    file: str, layers: list[Layer], *, name_field: str | None = None
) -> ReadResult:
    """One row per feature; features whose geometry is refused become errors, not rows."""
    result = ReadResult()
    several = len(layers) > 1
    for layer in layers:
        columns = _columns(layer.fields, name_field)
        keys = list(columns.values())
        cells = [plain_column(layer.columns[col]) for col in columns]
        table = zip(*cells, strict=True) if cells else [()] * len(layer.geometries)
        for i, (geometry, row_cells) in enumerate(zip(layer.geometries, table, strict=True)):
            ref = SourceRef(file=file, feature=i + 1, sheet=layer.name if several else None)
            if i in layer.problems:
                value, message = layer.problems[i]
                result.errors.append(RowError(ref, "geometry", value, message))
                continue
            values = {k: v for k, v in zip(keys, row_cells, strict=True) if v is not None}
            planting = {k: values.pop(k) for k in PLANTING_KEYS if k in values}
            row = IntakeRow(ref=ref, values=values, mapping_method="imported")
            if planting:
                row.plantings.append(planting)
            error = _place(row, geometry)
            if error is None:
                result.rows.append(row)
            else:
                result.errors.append(error)
    return result


class GisReader:
    """A GIS format GDAL reads; subclasses name it and say where GDAL finds the layers."""

    name = ""
    description = ""
    extensions: tuple[str, ...] = ()
    drivers: tuple[str, ...] = ()
    what = ""
    name_field: str | None = None
    single_layer = False

    def can_handle(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def sources(self, path: Path) -> list[str]:
        return [str(path)]

    def read(self, path: Path) -> ReadResult:
        check_not_empty(path, self.what)
        layers: list[Layer] = []
        for source in self.sources(path):
            layers.extend(
                read_layers(
                    path.name,
                    source,
                    drivers=self.drivers,
                    what=self.what,
                    single_layer=self.single_layer,
                )
            )
        return rows_from_layers(path.name, layers, name_field=self.name_field)


class GeoJsonReader(GisReader):
    name = "geojson"
    description = "GeoJSON FeatureCollection of plots (also the EU deforestation regulation's)"
    extensions: tuple[str, ...] = (".geojson", ".json")
    drivers = ("GeoJSON", "GeoJSONSeq", "ESRIJSON")
    what = "a GeoJSON file"
    single_layer = True

    def can_handle(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".json":  # other JSON (form exports) has no features or coordinates
            return b'"type"' in head and (b'"Feature' in head or b'"coordinates"' in head)
        return suffix == ".geojson"


class KmlReader(GisReader):
    name = "kml"
    description = "KML from Google Earth or a GPS app: polygons and points (placemarks)"
    extensions: tuple[str, ...] = (".kml",)
    drivers = ("LIBKML", "KML")
    what = "a KML file"
    name_field = "Name"


class KmzReader(KmlReader):
    name = "kmz"
    description = "KMZ (zipped KML) from Google Earth or a GPS app"
    extensions: tuple[str, ...] = (".kmz",)
    what = "a KMZ file (a zipped KML)"

    def sources(self, path: Path) -> list[str]:
        names = zip_members(path, ".kml", self.what)
        main = next((n for n in names if n.lower() == "doc.kml"), None)
        main = main or next((n for n in names if "/" not in n), names[0])
        return [vsizip(path, main)]


class ShapefileReader(GisReader):
    name = "shapefile"
    description = "Shapefile, zipped with its .shx, .dbf and .prj (or a .shp beside them)"
    extensions: tuple[str, ...] = (".zip", ".shp")
    drivers = ("ESRI Shapefile",)
    what = "a zipped Shapefile (.shp with its .shx, .dbf and .prj)"

    def can_handle(self, path: Path, head: bytes) -> bool:
        suffix = path.suffix.lower()
        if suffix == ".zip":  # only a zip that holds a Shapefile; other zips are not ours
            try:
                with zipfile.ZipFile(path) as archive:
                    return any(wanted_member(info, ".shp") for info in archive.infolist())
            except ZIP_ERRORS:
                return False
        return suffix == ".shp"

    def sources(self, path: Path) -> list[str]:
        if path.suffix.lower() == ".shp":
            return [str(path)]
        return [vsizip(path, member) for member in zip_members(path, ".shp", self.what)]


class GpkgReader(GisReader):
    name = "gpkg"
    description = "GeoPackage (QGIS, ArcGIS): every layer with polygons or points"
    extensions: tuple[str, ...] = (".gpkg",)
    drivers = ("GPKG",)
    what = "a GeoPackage (.gpkg)"
