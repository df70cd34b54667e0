"""Reference overlays of the web map as GeoJSON: offices, district capitals, borders, roads,
rivers, protected areas and the supply chain's collection centres and processing plants.

None of them holds personal data. Borders, roads and rivers are simplified to about 50 m, which
is finer than a screen pixel until zoom 11 and keeps a region's border to a few kilobytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Q

from chacra.layers.models import LayerFeature, LayerKind
from chacra.registry.models import Departamento, Distrito, Organisation, Provincia
from chacra.registry.models.organisations import OrganisationKind

NAMES = (
    "offices", "capitals", "regions", "provinces", "roads", "rivers", "protected", "facilities",
    "nurseries",
)  # fmt: skip
SIMPLIFY_DEGREES = 0.0005


def _feature(
    geom: GEOSGeometry | None, properties: dict[str, Any], simplify: bool
) -> dict[str, Any]:
    shape = shapely.from_wkb(bytes(geom.wkb)) if geom is not None else None
    if shape is not None and simplify:
        shape = shapely.simplify(shape, SIMPLIFY_DEGREES, preserve_topology=True)
    return {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(shape)) if shape is not None else None,
        "properties": properties,
    }


def _collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def geojson(name: str) -> dict[str, Any]:
    """The overlay ``name`` (one of NAMES) as a GeoJSON FeatureCollection in EPSG:4326."""
    if name == "offices":
        offices = Organisation.objects.filter(
            kind=OrganisationKind.PROGRAMME_OFFICE, location__isnull=False
        ).order_by("name")
        return _collection(
            _feature(o.location, {"name": o.name, "kind": o.kind}, simplify=False) for o in offices
        )
    if name == "capitals":
        distritos = Distrito.objects.filter(capital_location__isnull=False).order_by("name")
        return _collection(
            _feature(
                d.capital_location,
                {"name": d.capital or d.name, "distrito": d.name, "ubigeo": d.ubigeo},
                simplify=False,
            )
            for d in distritos
        )
    if name in ("regions", "provinces"):
        model: Any = Departamento if name == "regions" else Provincia
        places = model.objects.filter(boundary__isnull=False).order_by("ubigeo")
        return _collection(
            _feature(p.boundary, {"name": p.name, "ubigeo": p.ubigeo}, simplify=True)
            for p in places
        )
    if name == "facilities":
        from chacra.supply.models import Facility

        facilities = Facility.objects.filter(location__isnull=False).select_related("organisation")
        return _collection(
            _feature(
                f.location,
                {"name": f.name, "kind": f.kind, "organisation": f.organisation.name},
                simplify=False,
            )
            for f in facilities.order_by("name")
        )
    if name == "nurseries":
        from chacra.nurseries.overlay import nursery_features

        return _collection(
            _feature(location, properties, simplify=False)
            for location, properties in nursery_features()
        )
    if name == "protected":
        areas = LayerFeature.objects.filter(layer__kind=LayerKind.PROTECTED_AREA)
        return _collection(
            _feature(
                f.geom,
                {"name": f.name, "category": f.properties.get("category", ""),
                 "layer": f.layer.name},
                simplify=True,
            )
            for f in areas.select_related("layer")
        )  # fmt: skip
    kind = {"roads": LayerKind.ROAD, "rivers": LayerKind.RIVER}[name]
    features = LayerFeature.objects.filter(Q(layer__kind=kind)).select_related("layer")
    return _collection(
        _feature(f.geom, {"name": f.name, "layer": f.layer.name}, simplify=True) for f in features
    )
