"""The investor workspace: aggregates only (hexagons, distritos, years), for investors and staff."""

from __future__ import annotations

import base64
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
from chacra.insights.data import reuse_tables
from chacra.insights.drawing import carbon_chart, forecast_chart, hexagon_png
from chacra.registry.models import Departamento

ROLES = (Role.ADMIN, Role.STAFF, Role.INVESTOR)
MAX_UPLOAD = 1_000_000  # bytes: a thousand sites fit in far less


def _scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if scope.role not in ROLES:
        raise PermissionDenied(_("The investor workspace is for investors and programme staff."))
    return scope


def _params(request: HttpRequest) -> dict[str, Any]:
    given = request.GET.dict()
    return {
        "region": given.get("region") or None,
        "resolution": _number(given, "resolution", int) or 6,
        "year": _number(given, "year", int),
    }


def _user_text(
    data: dict[str, str], files: MultiValueDict[str, UploadedFile] | None, name: str, label: str
) -> tuple[str, str] | None:
    """The text of the uploaded ``<name>_file``, else of the ``name`` field; with its source."""
    upload = files.get(f"{name}_file") if files else None
    if upload is not None:
        source = upload.name or f"{name}.csv"
        if upload.size and upload.size > MAX_UPLOAD:
            raise InvalidInput(
                _("%(f)s: %(n)s bytes; accepted: a CSV file of at most %(m)s bytes")
                % {"f": source, "n": upload.size, "m": MAX_UPLOAD},
                field=f"{name}_file",
            )
        return points.decode(upload.read(), source=source), source
    if (data.get(name) or "").strip():
        return data[name], label
    return None


def _number(data: dict[str, str], name: str, kind: type[float] | type[int]) -> Any:
    if not data.get(name):
        return None
    try:
        return kind(data[name])
    except ValueError as exc:
        raise InvalidInput(
            _("%(f)s: %(v)r is not a number; accepted: %(what)s")
            % {
                "f": name,
                "v": data[name],
                "what": _("a whole number") if kind is int else _("a decimal number"),
            },
            field=name,
        ) from exc


def _siting(
    data: dict[str, str],
    scope: Scope,
    region: str | None,
    files: MultiValueDict[str, UploadedFile] | None = None,
) -> dict[str, Any] | None:
    k = _number(data, "k", int)
    if k is None:
        return None
    objective: Objective = "coverage" if data.get("objective") == "coverage" else "median"
    given = _user_text(data, files, "points", _("the sites typed in the form"))
    factors = _user_text(data, files, "factors", _("the weight factors typed in the form"))
    return sites.site_selection(
        scope=scope,
        k=k,
        region=region,
        kind="given" if given else data.get("candidates") or "capitals",
        given=points.parse_points(given[0], source=given[1]) if given else None,
        objective=objective,
        limit_km=_number(data, "limit_km", float),
        capacity_t=_number(data, "capacity_t", float),
        weight=data.get("weight") or "expected_t",
        weights_by_distrito=(
            points.parse_factors(factors[0], source=factors[1]) if factors else None
        ),
    )


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    with reuse_tables():
        return _workspace(request, scope)


def _workspace(request: HttpRequest, scope: Scope) -> HttpResponse:
    try:
        p = _params(request)
        hexes = selectors.concentration_hexagons(scope=scope, **p)
        distritos = selectors.concentration_distritos(
            scope=scope, region=p["region"], year=p["year"]
        )
    except InvalidInput as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=400)
    forecast = selectors.forecast_by_region(scope=scope, region=p["region"])
    carbon = selectors.carbon_by_year(scope=scope, region=p["region"])
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
            "forecast": forecast,
            "carbon": carbon,
            "forecast_chart": _data_uri(forecast_chart(forecast)),
            "carbon_chart": _data_uri(carbon_chart(carbon)),
            "siting": siting,
            "siting_error": siting_error,
            "form": form,
            "query": request.GET.urlencode(),
        },
        status=400 if siting_error else 200,
    )


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _api_scope(request: HttpRequest) -> Scope | JsonResponse:
    scope = scope_for(request.user)
    if scope.role not in ROLES:
        return JsonResponse({"error": "access_denied"}, status=403)
    return scope


def _hexagons(request: HttpRequest) -> Any:
    """The request's hexagons, or the JSON answer refusing it (403 role, 400 bad parameter)."""
    scope = _api_scope(request)
    if isinstance(scope, JsonResponse):
        return scope
    try:
        return selectors.concentration_hexagons(scope=scope, **_params(request))
    except InvalidInput as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)


def hexagons_geojson(request: HttpRequest) -> HttpResponse:
    hexes = _hexagons(request)
    if isinstance(hexes, JsonResponse):
        return hexes
    body = selectors.hexagon_geojson(hexes) | {
        "suppressed": hexes.suppressed,
        "totals": hexes.totals,
        "min_producers": selectors.MIN_PRODUCERS,
    }
    return HttpResponse(json.dumps(body), content_type="application/geo+json")


def hexagons_png(request: HttpRequest) -> HttpResponse:
    hexes = _hexagons(request)
    if isinstance(hexes, JsonResponse):
        return hexes
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
