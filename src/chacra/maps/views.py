"""The full-screen map: its page, its plot tiles, the plot under a click, and its overlays."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chacra.accounts.scope import Scope, scope_for
from chacra.errors import AccessDenied, InvalidInput
from chacra.maps.index import GROUPS, MapFilters
from chacra.maps.lookup import plot_at
from chacra.maps.overlays import NAMES as OVERLAYS
from chacra.maps.overlays import geojson as overlay_geojson
from chacra.maps.tiles import MAX_ZOOM, POLYGON_ZOOM, plot_tile, plots_bounds, plots_geojson
from chacra.registry.api import filters_from
from chacra.registry.models import Clone, Departamento, Distrito, FlagCode

MVT = "application/vnd.mapbox-vector-tile"


def _personal_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.sees_personal_data:
        raise PermissionDenied
    return scope


def map_filters(params: Any) -> MapFilters:
    """The map's filters from a query string; a bad value raises InvalidInput naming it."""
    year_text = params.get("year") or ""
    if year_text and not (year_text.isdigit() and 1900 <= int(year_text) <= 2100):
        raise InvalidInput(f"year: {year_text!r} is not a year such as 2014", field="year")
    group = params.get("group") or None
    if group and group not in GROUPS:
        raise InvalidInput(
            f"group: {group!r} is not accepted; use one of {', '.join(GROUPS)}", field="group"
        )
    return MapFilters(plots=filters_from(params), year=int(year_text or 0) or None, group=group)


def _bad_request(exc: InvalidInput) -> JsonResponse:
    return JsonResponse({"error": exc.message, "field": exc.field}, status=400)


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    scope = _personal_scope(request)
    try:
        bounds = plots_bounds(scope=scope, filters=map_filters(request.GET))
    except InvalidInput:
        bounds = None  # the page shows the error when its filters are first checked
    return render(
        request,
        "maps/map.html",
        {
            "regions": Departamento.objects.all(),
            "distritos": Distrito.objects.filter(comunidades__isnull=False).distinct(),
            "clones": Clone.objects.all(),
            "flag_choices": FlagCode.choices,
            "map_config": {
                "basemap": settings.CHACRA_BASEMAP_URL,
                "maxZoom": MAX_ZOOM,
                "polygonZoom": POLYGON_ZOOM,
                "overlays": OVERLAYS,
                "bounds": bounds,
                "source": "geojson" if request.GET.get("source") == "geojson" else "tiles",
            },
        },
    )


@require_GET
def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """A vector tile of the plots the viewer may see, with the map's filters."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    scope = _personal_scope(request)
    if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        return JsonResponse({"error": f"no tile {z}/{x}/{y}"}, status=404)
    try:
        filters = map_filters(request.GET)
    except InvalidInput as exc:
        return _bad_request(exc)
    data, key = plot_tile(scope=scope, filters=filters, z=z, x=x, y=y)
    etag = f'"{key.rsplit(":", 1)[-1]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type=MVT, status=200 if data else 204)
    response["ETag"] = etag
    # Private: a tile holds the plots of one viewer's scope.
    response["Cache-Control"] = "private, max-age=60"
    response["Vary"] = "Cookie"
    return response


@require_GET
def plot_at_point(request: HttpRequest) -> JsonResponse:
    """The plot under a click (polygon containing it, or the nearest point within a few pixels)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=403)
    scope = _personal_scope(request)
    try:
        filters = map_filters(request.GET)
        found = plot_at(
            scope=scope,
            filters=filters,
            lon=_number(request.GET, "lon", -180, 180),
            lat=_number(request.GET, "lat", -90, 90),
            zoom=_number(request.GET, "z", 0, MAX_ZOOM),
        )
    except InvalidInput as exc:
        return _bad_request(exc)
    except AccessDenied as exc:
        return JsonResponse({"error": exc.message}, status=403)
    return JsonResponse({"plot": found})


def _number(params: Any, name: str, low: float, high: float) -> float:
    text = params.get(name, "")
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(
            f"{name}: {text!r} is not a number between {low} and {high}", field=name
        ) from None
    if not low <= value <= high:
        raise InvalidInput(f"{name}: {value} is outside {low} to {high}", field=name)
    return value


@require_GET
def overlay(request: HttpRequest, name: str) -> JsonResponse:
    """A reference overlay as GeoJSON: places and borders, no personal data."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=403)
    if name not in OVERLAYS:
        return JsonResponse(
            {"error": f"no overlay {name!r}; use one of {', '.join(OVERLAYS)}"}, status=404
        )
    response = JsonResponse(overlay_geojson(name))
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def plots_as_geojson(request: HttpRequest) -> HttpResponse:
    """All the plots a viewer may see as one GeoJSON document (the map's slow alternative)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    scope = _personal_scope(request)
    try:
        filters = map_filters(request.GET)
    except InvalidInput as exc:
        return _bad_request(exc)
    response = HttpResponse(
        plots_geojson(scope=scope, filters=filters), content_type="application/geo+json"
    )
    response["Cache-Control"] = "private, max-age=60"
    return response
