"""OpenAPI shapes of plot features and their pages, which drf-spectacular cannot derive."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_object_type
from rest_framework_gis.pagination import GeoJsonPagination


class PlotFeatureExtension(OpenApiSerializerExtension):
    target_class = "chacra.registry.serializers.PlotSerializer"
    priority = 1  # before drf-spectacular's own GeoFeatureModelSerializer support

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        fields = auto_schema._map_basic_serializer(self.target, direction)
        fields["properties"].pop("geometry", None)
        fields["properties"].pop("id", None)
        required = [name for name in fields.get("required", []) if name not in ("geometry", "id")]
        fields.pop("required", None)
        if required:
            fields["required"] = required
        geometry = {
            "type": "object",
            "nullable": True,
            "description": "GeoJSON in EPSG:4326: the plot's MultiPolygon boundary, its GPS Point "
            "while it has no boundary, or null when it is not mapped yet.",
            "properties": {
                "type": {"type": "string", "enum": ["MultiPolygon", "Point"]},
                "coordinates": {"type": "array", "items": {}},
            },
        }
        return build_object_type(
            properties={
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": geometry,
                "properties": fields,
            },
            required=["type", "id", "geometry", "properties"],
        )


class FeaturePagination(GeoJsonPagination):
    """rest_framework_gis' GeoJSON pages, with a schema that says what they are: the list's
    FeatureCollection plus ``count``, ``next`` and ``previous`` (its own schema still requires
    ``results`` and types ``features`` as the whole collection)."""

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        links = super().get_paginated_response_schema(schema)["properties"]
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "count", "features"],
                    "properties": {key: links[key] for key in ("count", "next", "previous")},
                },
            ]
        }


class SummarySchema(AutoSchema):
    """For a viewset whose ``list`` answers one summary object (a ledger, a table of totals):
    drf-spectacular would document any ``list`` as an array of its serializer."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
