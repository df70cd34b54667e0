"""Record pages: one form per kind of monitoring record, the latest records of that kind under it,
and the evidence documents behind entered values and contributions.

Every save goes through ``chacra.monitoring.services`` (checked again there, and audited).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chacra.accounts.scope import Scope, scope_for
from chacra.errors import ChacraError
from chacra.monitoring import forms
from chacra.monitoring.access import may_record
from chacra.monitoring.finance import loan_list
from chacra.monitoring.models import (
    Contribution,
    ExchangeRate,
    Indicator,
    IndicatorValue,
    InKindUnitValue,
    Partner,
    Source,
    Target,
)
from chacra.web.errors import chacra_errors

RECENT = 20


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def _document(name: str) -> Link | str:
    if not name:
        return ""
    url = reverse("monitoring-document") + "?" + urlencode({"name": name})
    return Link(name.rsplit("/", 1)[-1], url)


def _in_scope(qs: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    """Programme staff see every region's records; others their own region's."""
    return qs if scope.is_programme_wide else qs.filter(region=scope.region_id)


def entered_values(*, scope: Scope, indicator: Indicator | None = None) -> list[list[Any]]:
    qs = _in_scope(
        IndicatorValue.objects.select_related("indicator", "region", "entered_by"), scope
    )
    if indicator is not None:
        qs = qs.filter(indicator=indicator)
    return [
        [v.indicator.code, v.year, v.region.name if v.region else "", v.get_sex_display(),
         v.value, v.note, _document(v.document), v.entered_by.get_username(),
         v.entered_at.date()]
        for v in qs.order_by("-entered_at", "-pk")[:RECENT]
    ]  # fmt: skip


VALUE_HEADINGS = [
    _("Indicator"), _("Year"), _("Region"), _("Sex"),
    _("Value"), _("Evidence"), _("Document"),
    _("Entered by"), _("Entered"),
]  # fmt: skip


def _indicators(scope: Scope) -> list[list[Any]]:
    qs = Indicator.objects.filter(source=Source.ENTERED)
    return [[i.code, i.name, i.unit, i.get_aggregation_display()] for i in qs]


def _targets(scope: Scope) -> list[list[Any]]:
    qs = Target.objects.select_related("indicator", "region")
    return [[t.indicator.code, t.year or _("programme"), t.region or "", t.value] for t in qs]


def _rates(scope: Scope) -> list[list[Any]]:
    return [[r.date, r.pen_per_usd, r.source] for r in ExchangeRate.objects.all()[:RECENT]]


def _partners(scope: Scope) -> list[list[Any]]:
    qs = Partner.objects.select_related("organisation")
    return [[p.organisation.name, p.get_sector_display(), p.committed_usd] for p in qs]


def _contributions(scope: Scope) -> list[list[Any]]:
    qs = _in_scope(Contribution.objects.select_related("partner__organisation", "region"), scope)
    return [
        [c.date, c.partner.organisation.name, c.get_nature_display(), c.region or "",
         c.currency, c.amount_usd, c.amount_pen, c.rate, c.evidence, _document(c.document)]
        for c in qs.order_by("-date", "-pk")[:RECENT]
    ]  # fmt: skip


def _unit_values(scope: Scope) -> list[list[Any]]:
    return [
        [v.get_activity_display(), v.usd_per_unit, v.valid_from]
        for v in InKindUnitValue.objects.all()
    ]


def _loans(scope: Scope) -> list[list[Any]]:
    return [
        [n.pk, n.date, n.producer.code, n.institution.name, n.currency, n.amount_usd,
         n.amount_pen, n.rate, n.get_status_display()]
        for n in loan_list(scope=scope)[:RECENT]
    ]  # fmt: skip


@dataclass(frozen=True)
class Kind:
    title: Any
    form: type[forms.ScopedForm]
    headings: list[Any]
    recent: Callable[[Scope], list[list[Any]]]


LOAN_HEADINGS = [
    _("Number"), _("Disbursed on"), _("Producer code"), _("Institution"), _("Currency entered"),
    _("US$"), _("S/"), _("Soles per US$"), _("Repayment"),
]  # fmt: skip
KINDS: dict[str, Kind] = {
    "value": Kind(_("Enter an indicator value"), forms.ValueForm, VALUE_HEADINGS,
                  lambda scope: entered_values(scope=scope)),
    "indicator": Kind(_("Define an indicator entered with evidence"), forms.IndicatorForm,
                      [_("Code"), _("Indicator"), _("Unit"), _("Periods combine as")],
                      _indicators),
    "target": Kind(_("Set a target"), forms.TargetForm,
                   [_("Indicator"), _("Year"), _("Region"), _("Target")], _targets),
    "rate": Kind(_("Record an exchange rate"), forms.RateForm,
                 [_("Date"), _("Soles per US$"), _("Source")], _rates),
    "partner": Kind(_("Register a co-investment partner"), forms.PartnerForm,
                    [_("Partner"), _("Sector"), _("Committed (US$)")], _partners),
    "contribution": Kind(_("Record a contribution"), forms.ContributionForm,
                         [_("Date"), _("Partner"), _("Nature"), _("Region"),
                          _("Currency entered"), _("US$"), _("S/"), _("Soles per US$"),
                          _("Evidence"), _("Document")], _contributions),
    "unit-value": Kind(_("Value farmers' in-kind work"), forms.UnitValueForm,
                       [_("Activity"), _("US$ per unit"), _("Valid from")], _unit_values),
    "loan": Kind(_("Record a loan"), forms.LoanForm, LOAN_HEADINGS, _loans),
    "loan-status": Kind(_("Update a loan's repayment"), forms.LoanStatusForm, LOAN_HEADINGS,
                        _loans),
}  # fmt: skip


@login_required
@chacra_errors
def record(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the form and the latest records; POST: save through the service, or say what is
    wrong (400) on the form."""
    scope = scope_for(request.user)
    if not may_record(scope, kind):
        raise PermissionDenied(_("Your role may not record this."))
    spec = KINDS[kind]
    posted = request.method == "POST"
    form = spec.form(
        request.POST if posted else None, request.FILES if posted else None, scope=scope
    )
    if posted and form.is_valid():
        try:
            form.save(request.user)
        except ChacraError as exc:
            if exc.status == 403:
                raise
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ValidationError as exc:  # a model's own check, as the admin would show it
            form.add_error(None, "; ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    return render(
        request,
        "monitoring/record.html",
        {
            "kind": kind, "title": spec.title, "form": form, "headings": spec.headings,
            "rows": spec.recent(scope), "kinds": record_links(scope),
        },
        status=400 if form.errors else 200,
    )  # fmt: skip


def record_links(scope: Scope) -> list[tuple[str, Any]]:
    """The record pages the caller may open, for the monitoring pages' tabs."""
    return [
        (reverse(f"monitoring-record-{k}"), spec.title)
        for k, spec in KINDS.items()
        if may_record(scope, k)
    ]


@login_required
@chacra_errors
def document(request: HttpRequest) -> FileResponse:
    """An evidence document, to staff roles, for a value or contribution of their region."""
    scope = scope_for(request.user)
    if not scope.sees_personal_data:
        raise PermissionDenied(_("Evidence documents are for programme staff."))
    name = request.GET.get("name", "")
    known = (
        _in_scope(IndicatorValue.objects.filter(document=name), scope).exists()
        or _in_scope(Contribution.objects.filter(document=name), scope).exists()
    )
    if not name or not known or not default_storage.exists(name):
        raise Http404(_("No such document."))
    return FileResponse(
        default_storage.open(name), as_attachment=True, filename=name.rsplit("/", 1)[-1]
    )
