"""OpenAPI shape of a plot feature: drf-spectacular cannot derive a computed GeoJSON field."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_object_type


class PlotFeatureExtension(OpenApiSerializerExtension):
    target_class = "chacra.registry.serializers.PlotSerializer"
    priority = 1  # before drf-spectacular's own GeoFeatureModelSerializer support

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        fields = auto_schema._map_basic_serializer(self.target, direction)
        fields["properties"].pop("geometry", None)
        fields["properties"].pop("id", None)
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
