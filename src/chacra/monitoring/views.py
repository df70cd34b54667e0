"""Monitoring pages, downloads and the indicator API: parse, call a selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from chacra.accounts.scope import scope_for
from chacra.monitoring.access import may_record
from chacra.monitoring.charts import trend_chart
from chacra.monitoring.computed import basis_for
from chacra.monitoring.export import report_pdf, report_xlsx, status_label
from chacra.monitoring.finance import loan_list, loans_by_institution, loans_by_region
from chacra.monitoring.ledger import coinvestment_summary
from chacra.monitoring.models import Indicator, Source
from chacra.monitoring.record import entered_values
from chacra.monitoring.report import IndicatorRow, as_json, indicator_report, indicator_row
from chacra.registry.models import Departamento
from chacra.web.charts import Chart, Series, bar_chart
from chacra.web.errors import chacra_errors


def _report(request: HttpRequest) -> tuple[list[IndicatorRow], str | None, str]:
    region = request.GET.get("region") or None
    rows = indicator_report(scope=scope_for(request.user), region=region)
    title = _("Programme indicators") + (f" · {region}" if region else "")
    return rows, region, title


def indicator_charts(rows: list[IndicatorRow]) -> list[Chart]:
    """% of target per indicator, and the hectare indicators by region."""
    with_target = [r for r in rows if r.percent is not None]
    charts = [
        bar_chart(
            id="chart-percent",
            title=_("Achieved, % of target"),
            unit="%",
            categories=[r.indicator.code for r in with_target],
            series=[Series("percent", _("% of target"), [r.percent or 0 for r in with_target])],
        )
    ]
    hectares = [r for r in rows if r.indicator.unit == "ha" and r.by_region]
    regions = sorted({k for r in hectares for k in r.by_region})
    if hectares and regions:
        charts.append(
            bar_chart(
                id="chart-hectares-region",
                title=_("Hectare indicators by region"),
                unit=_("ha"),
                categories=regions,
                series=[
                    Series(
                        r.indicator.code,
                        r.indicator.code,
                        [r.by_region.get(g, 0.0) for g in regions],
                    )
                    for r in hectares
                ],
            )
        )
    return charts


@login_required
@chacra_errors
def indicators_page(request: HttpRequest) -> HttpResponse:
    rows, region, title = _report(request)
    return render(
        request,
        "monitoring/indicators.html",
        {
            "rows": [(r, status_label(r.status)) for r in rows],
            "region": region,
            "title": title,
            "regions": Departamento.objects.order_by("name"),
            "charts": indicator_charts(rows),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@chacra_errors
def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator: its trend as a chart, its breakdowns, and (for staff roles) the values
    entered for it with their evidence and author."""
    scope = scope_for(request.user)
    indicator = get_object_or_404(Indicator, code=code)
    region = request.GET.get("region") or None
    row = indicator_row(scope=scope, indicator=indicator, region=region)
    entries = None
    if scope.sees_personal_data and indicator.source == Source.ENTERED:
        entries = entered_values(scope=scope, indicator=indicator)
    return render(
        request,
        "monitoring/indicator.html",
        {
            "row": row,
            "status": status_label(row.status),
            "trend": trend_chart(row),
            "region": region,
            "entries": entries,
            "may_enter": may_record(scope, "value") and indicator.source == Source.ENTERED,
        },
    )


@login_required
@chacra_errors
def indicators_xlsx(request: HttpRequest) -> HttpResponse:
    rows, _region, title = _report(request)
    response = HttpResponse(
        report_xlsx(rows, title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="indicators.xlsx"'
    return response


@login_required
@chacra_errors
def indicators_pdf(request: HttpRequest) -> HttpResponse:
    rows, _region, title = _report(request)
    response = HttpResponse(report_pdf(rows, title), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="indicators.pdf"'
    return response


def indicators_api(request: HttpRequest) -> JsonResponse:
    """The indicator report as JSON, for every role that sees aggregates."""
    scope = scope_for(request.user)
    if not scope.sees_aggregates:
        return JsonResponse({"code": "access_denied", "detail": _("Log in first.")}, status=403)
    rows = indicator_report(scope=scope, region=request.GET.get("region") or None)
    return JsonResponse({"indicators": as_json(rows)})


@login_required
@chacra_errors
def coinvestment_page(request: HttpRequest) -> HttpResponse:
    basis = basis_for(scope=scope_for(request.user))
    summary = coinvestment_summary(producers=basis.producers)
    return render(request, "monitoring/coinvestment.html", {"summary": summary})


@login_required
@chacra_errors
def finance_page(request: HttpRequest) -> HttpResponse:
    """Loans name producers: personal-data roles only, each within its scope."""
    scope = scope_for(request.user)
    loans = loan_list(scope=scope)
    producers = basis_for(scope=scope).producers
    page = Paginator(loans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/finance.html",
        {
            "page": page,
            "institutions": loans_by_institution(producers),
            "regions": loans_by_region(producers),
        },
    )
