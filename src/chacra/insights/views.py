"""The investor workspace: aggregates only (hexagons, distritos, years), for investors and staff."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.errors import InvalidInput
from chacra.geo.siting import Objective
from chacra.insights import selectors
from chacra.insights.drawing import hexagon_png
from chacra.registry.models import Departamento

ROLES = (Role.ADMIN, Role.STAFF, Role.INVESTOR)


def _scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if scope.role not in ROLES:
        raise PermissionDenied(_("The investor workspace is for investors and programme staff."))
    return scope


def _params(request: HttpRequest) -> dict[str, Any]:
    try:
        resolution = int(request.GET.get("resolution") or 6)
        year = int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError as exc:
        raise InvalidInput(
            _("resolution and year must be whole numbers"), field="resolution"
        ) from exc
    return {"region": request.GET.get("region") or None, "resolution": resolution, "year": year}


def _siting(request: HttpRequest, scope: Scope, region: str | None) -> dict[str, Any] | None:
    if not request.GET.get("k"):
        return None
    try:
        k = int(request.GET["k"])
        limit = float(request.GET["limit_km"]) if request.GET.get("limit_km") else None
        capacity = float(request.GET["capacity_t"]) if request.GET.get("capacity_t") else None
    except ValueError as exc:
        raise InvalidInput(_("k, travel limit and capacity must be numbers"), field="k") from exc
    objective: Objective = "coverage" if request.GET.get("objective") == "coverage" else "median"
    return selectors.site_selection(
        scope=scope,
        k=k,
        region=region,
        kind=request.GET.get("candidates") or "capitals",
        objective=objective,
        limit_km=limit,
        capacity_t=capacity,
        weight=request.GET.get("weight") or "expected_t",
    )


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    try:
        p = _params(request)
        hexes = selectors.concentration_hexagons(scope=scope, **p)
        distritos = selectors.concentration_distritos(
            scope=scope, region=p["region"], year=p["year"]
        )
        siting = _siting(request, scope, p["region"])
    except InvalidInput as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=400)
    return render(
        request,
        "insights/workspace.html",
        {
            "p": p,
            "regions": Departamento.objects.order_by("name").values_list("name", flat=True),
            "resolutions": selectors.RESOLUTIONS,
            "hexes": hexes,
            "top_cells": sorted(hexes.rows, key=lambda r: -r["expected_t"])[:15],
            "distritos": distritos,
            "forecast": selectors.forecast_by_region(scope=scope, region=p["region"]),
            "carbon": selectors.carbon_by_year(scope=scope, region=p["region"]),
            "siting": siting,
            "query": request.GET.urlencode(),
        },
    )


def _api_scope(request: HttpRequest) -> Scope | JsonResponse:
    scope = scope_for(request.user)
    if scope.role not in ROLES:
        return JsonResponse({"error": "access_denied"}, status=403)
    return scope


def hexagons_geojson(request: HttpRequest) -> HttpResponse:
    scope = _api_scope(request)
    if isinstance(scope, JsonResponse):
        return scope
    try:
        hexes = selectors.concentration_hexagons(scope=scope, **_params(request))
    except InvalidInput as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    body = selectors.hexagon_geojson(hexes) | {
        "suppressed": hexes.suppressed,
        "totals": hexes.totals,
        "min_producers": selectors.MIN_PRODUCERS,
    }
    return HttpResponse(json.dumps(body), content_type="application/geo+json")


def hexagons_png(request: HttpRequest) -> HttpResponse:
    scope = _api_scope(request)
    if isinstance(scope, JsonResponse):
        return scope
    try:
        hexes = selectors.concentration_hexagons(scope=scope, **_params(request))
    except InvalidInput as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    title = _("Expected production (t), H3 resolution %(r)s") % {"r": hexes.resolution}
    return HttpResponse(hexagon_png(hexes, title=title), content_type="image/png")


def siting_json(request: HttpRequest) -> HttpResponse:
    scope = _api_scope(request)
    if isinstance(scope, JsonResponse):
        return scope
    try:
        region = request.GET.get("region") or None
        found = _siting(request, scope, region)
    except InvalidInput as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    if found is None:
        return JsonResponse({"error": "invalid_input", "message": "give k"}, status=400)
    return JsonResponse(found)
