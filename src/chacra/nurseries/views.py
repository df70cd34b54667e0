"""Pages for genetic material: parse the request, call a selector with the viewer's scope, render.

Nurseries, batches, the plantain ledger's totals and demand vs stock are open to every role that
sees aggregates; distributions, sources and lineage name producers' plots and follow their scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chacra.accounts.scope import Scope, scope_for
from chacra.nurseries import selectors
from chacra.nurseries.catalogue import agroforestry_models, clone_catalogue
from chacra.nurseries.ledger import plantain_ledger
from chacra.nurseries.lineage import batch_forward, batches_up, plot_lineage, steps_up
from chacra.nurseries.lineage import source_forward as forward_of
from chacra.nurseries.models import BatchKind, NurseryKind
from chacra.nurseries.planning import MATERIALS, demand_totals, demand_vs_stock, plot_comparison
from chacra.registry import selectors as registry
from chacra.registry.models import Departamento
from chacra.web.errors import chacra_errors

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def chacra_page(view: View) -> View:
    """Log-in required; chacra's refusals become 403, 404 and 400 pages."""

    @login_required
    @chacra_errors
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, scope_for(request.user), *args, **kwargs)

    return wrapped


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@chacra_page
def nursery_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    region, kind = request.GET.get("region") or None, request.GET.get("kind") or None
    qs = selectors.nursery_list(scope=scope, region=region, kind=kind)
    page = _page(request, selectors.with_stock(qs))
    operators = selectors.visible_operators(
        scope=scope, producer_ids=[n.operator_producer_id for n in page]
    )
    kinds = qs.order_by().values("kind").annotate(n=Count("id"), capacity=Sum("capacity"))
    return render(
        request,
        "nurseries/list.html",
        {
            "page": page,
            "rows": [(n, n.operator_producer_id in operators) for n in page],
            "kinds": {r["kind"]: r for r in kinds},
            "kind_choices": NurseryKind.choices,
            "regions": Departamento.objects.all(),
            "region": region or "",
            "kind": kind or "",
            "batch_kinds": BatchKind.choices,
        },
    )


@chacra_page
def nursery_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    nursery = selectors.nursery_get(scope=scope, pk=pk)
    operators = selectors.visible_operators(
        scope=scope, producer_ids=[nursery.operator_producer_id]
    )
    batches = selectors.batch_list(scope=scope, nursery=nursery)
    return render(
        request,
        "nurseries/nursery.html",
        {
            "nursery": nursery,
            "operator_visible": nursery.operator_producer_id in operators,
            "page": _page(request, batches.order_by("-started_on", "-id")),
        },
    )


@chacra_page
def batch_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    batch = selectors.batch_get(scope=scope, pk=pk)
    steps = steps_up(batch, batches_up([batch.pk]))
    context: dict[str, Any] = {"batch": batch, "steps": steps}
    if scope.sees_personal_data:
        context["forward"] = batch_forward(scope=scope, first=[batch])
    else:  # where its plants went, by region: no producer, no plot
        context["by_region"] = (
            batch.distributions.order_by()
            .values(region=F(f"producer__{selectors.PRODUCER_REGION}__name"))
            .annotate(n=Count("id"), plants=Sum("count"))
            .order_by("region")
        )
    return render(request, "nurseries/batch.html", context)


@chacra_page
def distribution_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    region, kind = request.GET.get("region") or None, request.GET.get("kind") or None
    qs = selectors.distribution_list(scope=scope, region=region, kind=kind)
    return render(
        request,
        "nurseries/distributions.html",
        {
            "page": _page(request, qs),
            "regions": Departamento.objects.all(),
            "region": region or "",
            "kind": kind or "",
            "batch_kinds": BatchKind.choices,
        },
    )


@chacra_page
def plantain(request: HttpRequest, scope: Scope) -> HttpResponse:
    region = request.GET.get("region") or None
    return render(
        request,
        "nurseries/plantain.html",
        {
            "ledger": plantain_ledger(scope=scope, region=region),
            "regions": Departamento.objects.all(),
            "region": region or "",
        },
    )


@chacra_page
def demand(request: HttpRequest, scope: Scope) -> HttpResponse:
    region = request.GET.get("region") or None
    rows = demand_vs_stock(scope=scope, region=region)
    months: dict[tuple[str, Any], dict[str, Any]] = defaultdict(dict)
    for r in rows:
        months[(r.region, r.month)][r.material] = r
    return render(
        request,
        "nurseries/demand.html",
        {
            "totals": demand_totals(rows),
            "months": [(region, month, cells) for (region, month), cells in months.items()],
            "materials": MATERIALS,
            "regions": Departamento.objects.all(),
            "region": region or "",
        },
    )


@chacra_page
def plot_lineage_page(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    plot = registry.plot_get(scope=scope, pk=pk)
    return render(
        request,
        "nurseries/lineage.html",
        {
            "plot": plot,
            "lineage": plot_lineage(scope=scope, plot=plot),
            "comparison": plot_comparison(scope=scope, plot=plot),
        },
    )


@chacra_page
def source_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(
        request,
        "nurseries/sources.html",
        {"page": _page(request, selectors.source_list(scope=scope))},
    )


@chacra_page
def source_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    source = selectors.source_list(scope=scope).filter(pk=pk).first()
    if source is None:
        raise Http404(f"source {pk} does not exist or is outside your scope")
    return render(
        request,
        "nurseries/source.html",
        {"source": source, "forward": forward_of(scope=scope, source=source)},
    )


@chacra_page
def clones(request: HttpRequest, scope: Scope) -> HttpResponse:
    return render(
        request,
        "nurseries/clones.html",
        {"rows": clone_catalogue(scope=scope), "models": agroforestry_models(scope=scope)},
    )
