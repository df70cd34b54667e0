"""Pages: lots and shipments with their trace and flow diagram, plausibility flags, producers'
statements, and the public origin pages that QR codes lead to."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chacra.accounts.scope import scope_for
from chacra.compliance.export_views import FILE_NAME, export_folder
from chacra.errors import AccessDenied, InvalidInput
from chacra.supply import selectors
from chacra.supply.eudr import shipment_eudr_export
from chacra.supply.flow import flow_svg
from chacra.supply.forms import TransferForm
from chacra.supply.models import Lot, Shipment
from chacra.supply.origin import origin_of
from chacra.supply.plausibility import season_bounds
from chacra.supply.qr import qr_svg
from chacra.supply.services import require_supply_write
from chacra.supply.statements import statement_for, statement_pdf
from chacra.web.errors import chacra_errors


@login_required
@chacra_errors
def supply_home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "supply/home.html",
        {
            "shipments": selectors.shipment_list(scope=scope)[:50],
            "lots": selectors.lot_list(scope=scope)[:50],
            "season": timezone.localdate().year,
            "can_record": _can_record(request.user),
        },
    )


def _can_record(user: Any) -> bool:
    try:
        require_supply_write(user)
    except AccessDenied:
        return False
    return True


def _trace_page(request: HttpRequest, target: Lot | Shipment) -> HttpResponse:
    scope = scope_for(request.user)
    report = selectors.trace_report(scope=scope, target=target, flows=True)
    kind = report.kind
    lot = target if isinstance(target, Lot) else None
    can_record = lot is not None and _can_record(request.user)
    # Only a whole, untouched lot is handed over (the service says so too).
    hand_over = can_record and lot is not None and not lot.allocated_kg
    return render(
        request,
        "supply/trace.html",
        {
            "report": report,
            "target": target,
            "flow": flow_svg(report),
            "went_to": (
                selectors.forward_report(scope=scope, lot=target) if isinstance(target, Lot) else []
            ),
            "sees_people": scope.sees_personal_data,
            "origin_url": request.build_absolute_uri(
                reverse(f"origin-{kind}", kwargs={"public_id": target.public_id})
            ),
            "qr_url": reverse("origin-qr", kwargs={"kind": kind, "public_id": target.public_id}),
            "can_record": can_record,
            "transfer_form": TransferForm() if hand_over else None,
        },
    )


@login_required
@chacra_errors
def lot_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _trace_page(request, selectors.lot_get(scope=scope_for(request.user), pk=pk))


@login_required
@chacra_errors
def shipment_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _trace_page(request, selectors.shipment_get(scope=scope_for(request.user), pk=pk))


@login_required
@require_POST
@chacra_errors
def shipment_eudr(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the shipment's EUDR GeoJSON into the user's export folder; list files and refusals."""
    shipment = selectors.shipment_get(scope=scope_for(request.user), pk=pk)
    export_id = uuid.uuid4().hex
    result = shipment_eudr_export(
        actor=request.user,
        shipment=shipment,
        out=export_folder(request.user.pk, export_id) / FILE_NAME,
        include_review=request.POST.get("include_review") == "1",
        source="web",
    )
    return render(
        request,
        "supply/eudr.html",
        {"shipment": shipment, "result": result, "export_id": export_id},
    )


def season_from(params: Any) -> int:
    text = params.get("season") or str(timezone.localdate().year)
    if not (text.isdigit() and 1990 <= int(text) <= 2100):
        raise InvalidInput(f"season: {text!r} is not a year such as 2015", field="season")
    return int(text)


@login_required
@chacra_errors
def flags_page(request: HttpRequest) -> HttpResponse:
    season = season_from(request.GET)
    flags = selectors.flags_for(scope=scope_for(request.user), season=season)
    return render(
        request,
        "supply/flags.html",
        {"flags": flags, "season": season, "bounds": season_bounds(season)},
    )


def _day(params: Any, name: str) -> dt.date | None:
    text = params.get(name) or ""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{name}: {text!r} is not a date such as 2015-06-30", field=name
        ) from None


@login_required
@chacra_errors
def statement_page(request: HttpRequest, pk: int) -> HttpResponse:
    statement = statement_for(
        scope=scope_for(request.user),
        producer_pk=pk,
        start=_day(request.GET, "from"),
        end=_day(request.GET, "to"),
    )
    return render(
        request,
        "supply/statement.html",
        {"statement": statement, "query": request.GET.urlencode()},
    )


@login_required
@chacra_errors
def statement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    statement = statement_for(
        scope=scope_for(request.user),
        producer_pk=pk,
        start=_day(request.GET, "from"),
        end=_day(request.GET, "to"),
    )
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    name = f"statement-{statement.producer.code}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- public: the pages QR codes lead to (no login, no personal data) ---------------------------


def _public(kind: str, public_id: str) -> Lot | Shipment:
    model = Lot if kind == "lot" else Shipment
    found = model.objects.filter(public_id=public_id).first()
    if found is None:
        raise Http404("no such lot or shipment")
    return found


@require_GET
def origin_page(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    target = _public(kind, public_id)
    return render(
        request,
        "supply/origin.html",
        {
            "origin": origin_of(target),
            "qr_url": reverse("origin-qr", kwargs={"kind": kind, "public_id": public_id}),
        },
    )


@require_GET
def origin_qr(request: HttpRequest, kind: str, public_id: str) -> HttpResponse:
    if kind not in ("lot", "shipment"):
        raise Http404("no such kind")
    target = _public(kind, public_id)
    url = request.build_absolute_uri(
        reverse(f"origin-{kind}", kwargs={"public_id": target.public_id})
    )
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")
