"""The admin's map widget: Django's OpenLayers widget with OpenLayers served from npm, not a CDN.

Offline it draws the geometry on a plain background; with CHACRA_BASEMAP_URL it shows imagery.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.forms.widgets import OpenLayersWidget


class PlotMapWidget(OpenLayersWidget):
    template_name = "web/widgets/openlayers.html"
    default_zoom = 15

    class Media:
        extend = False  # the parent's Media points at a CDN
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/dist/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["basemap_url"] = settings.CHACRA_BASEMAP_URL
        # Centre an empty map on the programme's regions (Peru's Amazon) rather than on Europe.
        context.setdefault("default_lon", -75.8)
        context.setdefault("default_lat", -8.0)
        return context
