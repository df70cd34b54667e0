"""Glue between plot geometries in Django (GEOS) and the array maths in chacra.geo (shapely)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point

from chacra.errors import InvalidInput
from chacra.geo.area import geodesic_area_ha
from chacra.geo.shapes import repair_polygonal

# Coordinates must be longitude/latitude degrees. Plots outside the programme's country are
# accepted and flagged (chacra.registry.quality), so a programme in Ecuador works too.
WORLD_BOUNDS = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class PlotShape:
    boundary: MultiPolygon | None
    location: Point | None
    area_ha: float | None
    repaired: bool
    original: GEOSGeometry | None = None  # the boundary as given, when it had to be repaired


def to_shapely(value: Any, *, field: str = "geometry") -> Any:
    """Accept shapely, GEOS, GeoJSON (dict or text) or WKT; return a shapely geometry or None."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, GEOSGeometry):
            return shapely.from_wkb(bytes(value.wkb))
        if isinstance(value, dict):
            return shapely.from_geojson(json.dumps(value))
        if isinstance(value, str):
            text = value.strip()
            return shapely.from_geojson(text) if text.startswith("{") else shapely.from_wkt(text)
    except (shapely.errors.GEOSException, ValueError) as exc:
        raise InvalidInput(
            f"{field}: cannot read {str(value)[:60]!r} ({exc}); "
            "give GeoJSON or WKT in lon/lat degrees",
            field=field,
        ) from exc
    if isinstance(value, shapely.Geometry):
        return value
    raise InvalidInput(
        f"{field}: unsupported geometry value of type {type(value).__name__}", field=field
    )


def _check_bounds(geom: Any, field: str) -> None:
    minx, miny, maxx, maxy = geom.bounds
    west, south, east, north = WORLD_BOUNDS
    if minx < west or maxx > east or miny < south or maxy > north:
        raise InvalidInput(
            f"{field}: coordinates {geom.bounds} are not longitude/latitude degrees "
            f"(lon {west}..{east}, lat {south}..{north}); is the file in a projected CRS such as "
            "UTM? Give EPSG:4326 or a file that states its CRS",
            field=field,
        )


def plot_shape(boundary: Any = None, point: Any = None) -> PlotShape:
    """Validate, repair and measure a plot's boundary; fall back to its point.

    The boundary's centroid becomes the location when no point is given.
    """
    result = plot_shapes([boundary], [point])[0]
    if isinstance(result, InvalidInput):
        raise result
    return result


def plot_shapes(boundaries: list[Any], points: list[Any]) -> list[PlotShape | InvalidInput]:
    """:func:`plot_shape` for many plots: each checked and repaired, all measured at once."""
    prepared = [_prepare(b, p) for b, p in zip(boundaries, points, strict=True)]
    multis = [r[1] if not isinstance(r, InvalidInput) else None for r in prepared]
    areas = geodesic_area_ha(multis)
    return [
        r if isinstance(r, InvalidInput) else _finish(*r, area=float(a))
        for r, a in zip(prepared, areas, strict=True)
    ]


def _prepare(boundary: Any, point: Any) -> tuple[Any, Any, Any] | InvalidInput:
    """(geometry as given, repaired multipolygon or None, point) or the error to report."""
    try:
        return _checked(boundary, point)
    except InvalidInput as exc:
        return exc


def _checked(boundary: Any, point: Any) -> tuple[Any, Any, Any]:
    geom = to_shapely(boundary, field="boundary")
    pt = to_shapely(point, field="location")
    if pt is not None:
        if pt.geom_type != "Point":
            raise InvalidInput(
                f"location: expected a Point, got a {pt.geom_type}", field="location"
            )
        _check_bounds(pt, "location")
    if geom is None:
        return None, None, pt
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(
            f"boundary: expected a Polygon or MultiPolygon, got a {geom.geom_type}",
            field="boundary",
        )
    _check_bounds(geom, "boundary")
    fixed = repair_polygonal(shapely.force_2d(geom))
    if fixed is None:
        raise InvalidInput("boundary: the polygon has no area once repaired", field="boundary")
    multi = fixed if fixed.geom_type == "MultiPolygon" else shapely.MultiPolygon([fixed])
    return geom, multi, pt


def _finish(geom: Any, multi: Any, pt: Any, *, area: float) -> PlotShape:
    if multi is None:
        loc = Point(pt.x, pt.y, srid=4326) if pt is not None else None
        return PlotShape(boundary=None, location=loc, area_ha=None, repaired=False)
    centre = pt if pt is not None else multi.representative_point()
    repaired = not geom.is_valid
    original = _geos(shapely.force_2d(geom)) if repaired else None
    return PlotShape(
        boundary=_geos(multi),  # type: ignore[arg-type]
        location=Point(centre.x, centre.y, srid=4326),
        area_ha=area,
        repaired=repaired,
        original=original,
    )


def _geos(geom: Any) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)
