"""Would the EU information system accept this GeoJSON? Every problem, with the feature and the fix.

Pure Python and shapely, no Django: it checks any file, chacra's or another tool's, against the
rules of the EU Deforestation Regulation (EU) 2023/1115 and the EU's GeoJSON file description for
its information system:

- an RFC 7946 FeatureCollection of Features, in EPSG:4326 as [longitude, latitude]: no ``crs``
  member naming another CRS, longitudes in -180..180, latitudes in -90..90, no swapped pairs;
- geometries of type Point, Polygon or MultiPolygon only;
- coordinates with at least 6 decimals (about 0.1 m); more is accepted (a warning), fewer is not;
- rings closed, of at least 4 positions, with no holes, and polygons valid (no self-intersection);
- properties ProducerName, ProducerCountry (ISO 3166-1 alpha-2), ProductionPlace, and Area (a JSON
  number, hectares) for every Point, 0.0001 to 4: above 4 ha a plot needs a polygon;
- at most 25 MB and 1,000 producers per file.

Precision is judged per feature from the numbers as written. JSON writers drop trailing zeros, so
one coordinate with 5 decimals is a dropped ``0``; a feature none of whose coordinates reaches 6
decimals was written at a lower precision. Messages are English templates marked for translation
(:data:`MESSAGES`); :meth:`Problem.text` renders them with any ``gettext``.

>>> report = validate(b'{"type": "FeatureCollection", "features": []}')
>>> report.rejected, [p.rule for p in report.problems]
(True, ['collection'])
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from chacra.compliance.eudr_rules import (
    COUNTRY_BOUNDS,
    CRS84,
    DECIMALS,
    EPSG_4326,
    GEOMETRY_TYPES,
    ISO_COUNTRIES,
    MAX_FILE_BYTES,
    MAX_PRODUCERS,
    MESSAGES,
    POINT_AREA_HA,
    gettext_noop,
)


def _same(message: str) -> str:
    return message


@dataclass(frozen=True)
class Problem:
    """One thing the EU system would refuse (or, among warnings, accept but not advise).

    ``rule`` is a stable code (:data:`RULES`); ``what`` and ``fix`` English templates filled
    from ``params``; ``feature`` the index in ``features`` (None: the whole file), with that
    feature's ProductionPlace and ProducerName; ``value`` the offending value as found.
    """

    rule: str
    what: str
    fix: str
    params: Mapping[str, Any] = field(default_factory=dict)
    feature: int | None = None
    place: str = ""
    producer: str = ""
    value: str = ""

    def text(self, translate: Callable[[str], str] = _same) -> str:
        """One line: where, which rule, what is wrong, the value found, and what to do."""
        if self.feature is None:
            where = translate(gettext_noop("file"))
        else:
            where = translate(gettext_noop("feature %(index)s")) % {"index": self.feature}
            named = "; ".join(x for x in (self.place, self.producer) if x)
            where += f" ({named})" if named else ""
        line = f"{where} [{self.rule}]: {translate(self.what) % dict(self.params)}"
        if self.value:
            line += " " + translate(gettext_noop("(found: %(value)s)")) % {"value": self.value}
        return f"{line}. {translate(self.fix) % dict(self.params)}"

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class ValidationReport:
    """What the EU system would say of one file: problems reject it, warnings do not."""

    problems: list[Problem]
    warnings: list[Problem]
    features: int = 0
    producers: int = 0
    size_bytes: int = 0

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


class _Number(float):
    """A JSON number that remembers how many decimals it was written with."""

    __slots__ = ("decimals",)
    decimals: int


def _number(text: str) -> _Number:
    mantissa, _e, exponent = text.lower().partition("e")
    value = _Number(text)
    value.decimals = max(0, len(mantissa.partition(".")[2]) - int(exponent or 0))
    return value


def _not_a_number(text: str) -> None:
    raise ValueError(f"{text} is not a JSON number (RFC 8259)")


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Found:
    """Problems and warnings as they are found, each tied to the feature being looked at."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.where: tuple[int | None, str, str] = (None, "", "")
        self.too_precise: dict[int, int] = {}  # feature -> most decimals

    def at(self, index: int | None, properties: Any = None) -> tuple[int | None, str, str]:
        props = properties if isinstance(properties, dict) else {}
        place, producer = props.get("ProductionPlace"), props.get("ProducerName")
        self.where = (index, str(place or "")[:80], str(producer or "")[:80])
        return self.where

    def _make(self, key: str, params: Mapping[str, Any] | None, value: Any) -> Problem:
        rule, what, fix = MESSAGES[key]
        params = params or {}
        index, place, producer = self.where
        return Problem(rule=rule % params, what=what, fix=fix, params=params, feature=index,
                       place=place, producer=producer,
                       value="" if value is None else _short(value))  # fmt: skip

    def problem(self, key: str, params: Mapping[str, Any] | None = None, value: Any = None) -> None:
        self.problems.append(self._make(key, params, value))

    def warning(self, key: str, params: Mapping[str, Any] | None = None, value: Any = None) -> None:
        self.warnings.append(self._make(key, params, value))

    def report(self, *, size: int, features: int = 0, producers: int = 0) -> ValidationReport:
        if self.too_precise:
            self.at(None)
            shown = ", ".join(str(i) for i in list(self.too_precise)[:10])
            self.warning("many_decimals", {
                "count": len(self.too_precise), "most": max(self.too_precise.values()),
                "shown": shown + (", ..." if len(self.too_precise) > 10 else ""),
            })  # fmt: skip
        return ValidationReport(self.problems, self.warnings, features, producers, size)


def validate_file(
    path: Path | str, *, max_bytes: int = MAX_FILE_BYTES, max_producers: int = MAX_PRODUCERS
) -> ValidationReport:
    """:func:`validate` on a file's bytes."""
    return validate(Path(path).read_bytes(), max_bytes=max_bytes, max_producers=max_producers)


def validate(
    raw: bytes | str, *, max_bytes: int = MAX_FILE_BYTES, max_producers: int = MAX_PRODUCERS
) -> ValidationReport:
    """Check a GeoJSON document against the EU information system's rules.

    >>> point = {"type": "Feature", "geometry": {"type": "Point",
    ...          "coordinates": [-76.123456, -6.5]},
    ...          "properties": {"ProducerName": "Quispe Rosa", "ProducerCountry": "PE",
    ...                         "ProductionPlace": "PA000001", "Area": 5}}
    >>> report = validate(json.dumps({"type": "FeatureCollection", "features": [point]}))
    >>> print(report.problems[0])  # doctest: +NORMALIZE_WHITESPACE
    feature 0 (PA000001; Quispe Rosa) [point_too_large]: a plot of more than 4 ha needs a
    polygon, not a point (found: 5). Map the plot's boundary and give it as a Polygon.
    """
    data = raw.encode() if isinstance(raw, str) else raw
    found = _Found()
    if len(data) > max_bytes:
        found.problem("file_size", {"size": len(data), "limit": max_bytes})
    try:
        doc = json.loads(data.decode("utf-8"), parse_float=_number, parse_constant=_not_a_number)
    except (UnicodeDecodeError, ValueError) as exc:
        found.problem("not_json", {"error": str(exc)[:120]})
        return found.report(size=len(data))
    features = _collection(doc, found)
    producers: set[str] = set()
    shapes: list[tuple[tuple[int | None, str, str], Any]] = []
    for index, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        where = found.at(index, properties)
        shape = _feature(feature, found)
        if shape is not None:
            shapes.append((where, shape))
        if isinstance(properties, dict) and isinstance(properties.get("ProducerName"), str):
            producers.add(properties["ProducerName"].strip())
    _validity(shapes, found)
    if len(producers) > max_producers:
        found.at(None)
        found.problem("producers", {"count": len(producers), "limit": max_producers})
    return found.report(size=len(data), features=len(features), producers=len(producers))


def _collection(doc: Any, found: _Found) -> list[Any]:
    """The features of a FeatureCollection, after checking the collection itself."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        found.problem("not_collection", {"kind": kind}, kind)
        return []
    crs = doc.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        if name in EPSG_4326:
            found.warning("crs_4326", value=name)
        elif name not in CRS84:
            found.problem("crs_other", value=crs if name is None else name)
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        found.problem("no_features", value=features)
        return []
    return features


def _feature(feature: Any, found: _Found) -> Any:
    """Check one feature; return its polygons as shapely for the validity check, else None."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        found.problem("not_feature", value=feature)
        return None
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        found.problem("no_properties", value=properties)
        properties = {}
    geometry = feature.get("geometry")
    geometry = geometry if isinstance(geometry, dict) else {}
    kind = geometry.get("type")
    _properties(properties, kind, found)
    if kind not in GEOMETRY_TYPES:
        found.problem("geometry_type", {"kind": kind}, "null" if kind is None else kind)
        return None
    coordinates = geometry.get("coordinates")
    polygons = _polygons(kind, coordinates)
    if polygons is None:
        found.problem("nesting", {"kind": kind}, coordinates)
        return None
    if not _positions(polygons, found) or (kind != "Point" and not _rings(polygons, found)):
        return None
    _country(properties.get("ProducerCountry"), polygons, found)
    if kind == "Point":
        return None
    return shapely.MultiPolygon([shapely.Polygon(p[0], p[1:]) for p in polygons])


def _polygons(kind: str, coordinates: Any) -> list[list[list[Any]]] | None:
    """The coordinates as polygons of rings of positions (a Point: one ring of one position)."""

    def nested(value: Any, level: int) -> bool:
        if level == 0:
            return isinstance(value, list) and not any(isinstance(v, list) for v in value)
        return isinstance(value, list) and bool(value) and all(nested(v, level - 1) for v in value)

    if not nested(coordinates, {"Point": 0, "Polygon": 2, "MultiPolygon": 3}[kind]):
        return None
    if kind == "Point":
        return [[[coordinates]]]
    return [coordinates] if kind == "Polygon" else list(coordinates)


def _all_positions(polygons: list[list[list[Any]]]) -> Iterator[Any]:
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def _positions(polygons: list[list[list[Any]]], found: _Found) -> bool:
    """Numbers, ranges and precision of every position; False when one cannot be used."""
    usable, elevation, most = True, False, 0
    for position in _all_positions(polygons):
        if len(position) < 2 or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in position
        ):
            found.problem("position", value=position)
            return False
        lon, lat = position[0], position[1]
        if len(position) > 2 and not elevation:
            found.warning("elevation", value=position)
            elevation = True
        if usable and not (-180 <= lon <= 180 and -90 <= lat <= 90):
            swapped = -90 <= lon <= 90 and -180 <= lat <= 180
            found.problem("range_swapped" if swapped else "range_projected", value=position)
            usable = False
        most = max(most, getattr(lon, "decimals", 0), getattr(lat, "decimals", 0))
    index = found.where[0]
    if most < DECIMALS:
        found.problem("few_decimals", {"most": most}, next(_all_positions(polygons)))
    elif most > DECIMALS and index is not None:
        found.too_precise[index] = most
    return usable


def _rings(polygons: list[list[list[Any]]], found: _Found) -> bool:
    """Closed rings of 4 positions or more, and no holes; False when a ring cannot be used."""
    usable = True
    for number, polygon in enumerate(polygons, start=1):
        for ring in polygon:
            if len(ring) < 4:
                found.problem("ring_positions", {"number": number, "count": len(ring)}, ring)
                usable = False
            elif [float(v) for v in ring[0][:2]] != [float(v) for v in ring[-1][:2]]:
                found.problem("ring_not_closed", {"number": number}, [ring[0], ring[-1]])
                usable = False
        if len(polygon) > 1:
            found.problem("hole", {"number": number, "holes": len(polygon) - 1}, polygon[1][0])
    return usable


def _country(country: Any, polygons: list[list[list[Any]]], found: _Found) -> None:
    """A [lat, lon] pair: outside the declared country's box, inside it once swapped."""
    box = COUNTRY_BOUNDS.get(country) if isinstance(country, str) else None
    if box is None:
        return
    xy = np.array([[float(v) for v in p[:2]] for p in _all_positions(polygons)])

    def inside(x: Any, y: Any) -> bool:
        return bool(np.all((x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])))

    if not inside(xy[:, 0], xy[:, 1]):
        swapped = inside(xy[:, 1], xy[:, 0])
        key = "swapped" if swapped else "outside_country"
        (found.problem if swapped else found.warning)(key, {"country": country}, xy[0].tolist())


def _validity(shapes: list[tuple[tuple[int | None, str, str], Any]], found: _Found) -> None:
    """Self-intersections and other invalid polygons, all features' checked at once."""
    if not shapes:
        return
    geoms = np.array([s for _, s in shapes], dtype=object)
    for k in np.flatnonzero(~shapely.is_valid(geoms)).tolist():
        found.where = shapes[k][0]
        reason = shapely.is_valid_reason(geoms[k])
        found.problem("invalid", {"reason": reason}, reason)


def _properties(props: dict[str, Any], kind: Any, found: _Found) -> None:
    for key, rule in (("ProducerName", "producer_name"), ("ProductionPlace", "production_place")):
        value = props.get(key)
        if not isinstance(value, str) or not value.strip():
            found.problem("text_missing", {"rule": rule, "key": key}, value)
    country = props.get("ProducerCountry")
    if not isinstance(country, str) or country not in ISO_COUNTRIES:
        found.problem("country", value=country)
    area = props.get("Area")
    if area is None and kind != "Point":
        return  # the EU asks for Area with points; polygons carry their own
    if not isinstance(area, int | float) or isinstance(area, bool) or not math.isfinite(area):
        found.problem("area_type", value=area)
    elif kind == "Point" and area > POINT_AREA_HA[1]:
        found.problem("point_too_large", value=area)
    elif area < POINT_AREA_HA[0]:
        found.problem("area_small", value=area)
