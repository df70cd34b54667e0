"""The investor workspace: aggregates only (hexagons, distritos, years), for investors and staff."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.errors import InvalidInput
from chacra.geo.siting import Objective
from chacra.insights import points, selectors, sites
from chacra.insights.drawing import hexagon_png
from chacra.insights.points import Candidates
from chacra.registry.models import Departamento

ROLES = (Role.ADMIN, Role.STAFF, Role.INVESTOR)
MAX_UPLOAD = 1_000_000  # bytes: a thousand sites fit in far less


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


def _given(
    data: dict[str, str], files: MultiValueDict[str, UploadedFile] | None
) -> Candidates | None:
    """The user's own candidate sites: an uploaded CSV, else the lines typed in the form."""
    upload = files.get("points_file") if files else None
    if upload is not None:
        if upload.size and upload.size > MAX_UPLOAD:
            raise InvalidInput(
                _("%(f)s: %(n)s bytes; accepted: a CSV file of at most %(m)s bytes")
                % {"f": upload.name, "n": upload.size, "m": MAX_UPLOAD},
                field="points_file",
            )
        return points.read_upload(upload.read(), source=upload.name or "points.csv")
    if (data.get("points") or "").strip():
        return points.parse_points(data["points"], source=_("the sites typed in the form"))
    return None


def _siting(
    data: dict[str, str],
    scope: Scope,
    region: str | None,
    files: MultiValueDict[str, UploadedFile] | None = None,
) -> dict[str, Any] | None:
    if not data.get("k"):
        return None
    try:
        k = int(data["k"])
        limit = float(data["limit_km"]) if data.get("limit_km") else None
        capacity = float(data["capacity_t"]) if data.get("capacity_t") else None
    except ValueError as exc:
        raise InvalidInput(_("k, travel limit and capacity must be numbers"), field="k") from exc
    objective: Objective = "coverage" if data.get("objective") == "coverage" else "median"
    given = _given(data, files)
    return sites.site_selection(
        scope=scope,
        k=k,
        region=region,
        kind="given" if given is not None else data.get("candidates") or "capitals",
        given=given,
        objective=objective,
        limit_km=limit,
        capacity_t=capacity,
        weight=data.get("weight") or "expected_t",
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
    except InvalidInput as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=400)
    form = request.POST.dict() if request.method == "POST" else request.GET.dict()
    siting, siting_error = None, None
    try:
        siting = _siting(form, scope, p["region"], request.FILES)
    except InvalidInput as exc:
        siting_error = exc.message
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
            "siting_error": siting_error,
            "form": form,
            "query": request.GET.urlencode(),
        },
        status=400 if siting_error else 200,
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
        found = _siting(request.GET.dict(), scope, region)
    except InvalidInput as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    if found is None:
        return JsonResponse({"error": "invalid_input", "message": "give k"}, status=400)
    return JsonResponse(found)
