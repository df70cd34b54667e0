"""Pages: parse the request, call a selector with the viewer's scope, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chacra.accounts.scope import scope_for
from chacra.compliance.models import PlotCheck
from chacra.compliance.services import stale_plot_ids
from chacra.nurseries.card import clone_origins
from chacra.privacy.models import AccessKind
from chacra.privacy.services import personal_data_access_record
from chacra.registry import selectors
from chacra.registry.api import filters_from
from chacra.registry.card import producer_card
from chacra.registry.models import Clone, Departamento, FlagCode
from chacra.registry.plot_page import plot_page
from chacra.web.charts import dashboard_charts
from chacra.web.errors import chacra_errors

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.sees_aggregates:
        raise PermissionDenied
    figures = selectors.programme_figures(scope=scope)
    return render(
        request,
        "web/home.html",
        {
            "totals": figures.totals,
            "regions": figures.by_region,
            "sexes": figures.by_sex,
            "charts": dashboard_charts(figures),
        },
    )


@login_required
@chacra_errors
def producer_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    filters = filters_from(request.GET)
    qs = selectors.producer_list(scope=scope, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    plots = selectors.plots_by_producer(scope=scope, producer_ids=[p.pk for p in page])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/producer_list.html",
        {
            "page": page,
            "rows": [(p, plots[p.pk]) for p in page],
            "filters": filters,
            "query": query.urlencode(),
            "regions": Departamento.objects.all(),
            "clones": Clone.objects.all(),
            "flag_choices": FlagCode.choices,
        },
    )


@login_required
@chacra_errors
def producer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = producer_card(scope=scope_for(request.user), pk=pk)
    personal_data_access_record(
        actor=request.user, producer_id=card.producer.pk, kind=AccessKind.CARD
    )
    origins = clone_origins(scope=scope_for(request.user), producer=card.producer)
    return render(
        request,
        "web/producer_card.html",
        {"card": card, "producer": card.producer, "clone_origins": origins},
    )


@login_required
@chacra_errors
def plot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = plot_page(scope=scope_for(request.user), pk=pk)
    personal_data_access_record(
        actor=request.user,
        producer_id=page.plot.producer_id,
        kind=AccessKind.PLOT,
        detail=page.plot.code,
    )
    check = PlotCheck.objects.filter(plot=page.plot, is_current=True).first()
    return render(
        request,
        "web/plot_page.html",
        {
            "page": page,
            "plot": page.plot,
            "check": check,
            "check_stale": bool(check and stale_plot_ids([page.plot.pk])),
        },
    )
