"""Every read of the registry beyond a plain get(), scoped to the caller.

The rule (Ley 29733): programme-wide roles see everything; a regional office sees its region; an
extension agent sees the producers assigned to her; investors and buyers see aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied, NotFound
from chacra.registry.models import (
    CloneGroup,
    Comunidad,
    ExtensionVisit,
    Graft,
    Planting,
    Plot,
    Producer,
    Sex,
)

REGION_PATH = {
    Producer: "comunidad__distrito__provincia__departamento",
    # A plot belongs to its producer's region, wherever it lies: scope follows the person.
    Plot: "producer__comunidad__distrito__provincia__departamento",
    ExtensionVisit: "producer__comunidad__distrito__provincia__departamento",
}
PRODUCER_PATH = {Producer: "", Plot: "producer__", ExtensionVisit: "producer__"}


def _require_personal(scope: Scope) -> None:
    if not scope.sees_personal_data:
        raise AccessDenied(
            "this role sees aggregate figures only, not producers, plots or visits (Ley 29733)"
        )


def _scoped(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    _require_personal(scope)
    model = qs.model
    if scope.is_programme_wide:
        return qs
    if scope.role == Role.REGIONAL:
        return qs.filter(**{REGION_PATH[model]: scope.region_id})
    if scope.role == Role.AGENT:
        return qs.filter(**{f"{PRODUCER_PATH[model]}agents": scope.user_id}).distinct()
    return qs.none()


@dataclass(frozen=True)
class PlotFilters:
    """Filters shared by pages and the API. Region and distrito take a name or an ubigeo code."""

    region: str | None = None
    distrito: str | None = None
    clone: str | None = None
    mapped: bool | None = None
    search: str | None = None
    flag: str | None = None  # a quality flag code, e.g. "overlap"


def _place_q(prefix: str, value: str | None, level: str) -> Q:
    if not value:
        return Q()
    path = f"{prefix}comunidad__distrito"
    if level == "region":
        path += "__provincia__departamento"
    return Q(**{f"{path}__ubigeo": value}) | Q(**{f"{path}__name__iexact": value})


def producer_list(*, scope: Scope, filters: PlotFilters | None = None) -> QuerySet[Producer]:
    f = filters or PlotFilters()
    qs = _scoped(
        scope, Producer.objects.select_related("comunidad__distrito__provincia__departamento")
    )
    qs = qs.filter(_place_q("", f.region, "region") & _place_q("", f.distrito, "distrito"))
    if f.clone:
        qs = qs.filter(plots__grafts__clone__code__iexact=f.clone)
    if f.mapped is not None:
        qs = qs.filter(plots__boundary__isnull=not f.mapped)
    if f.flag:
        qs = qs.filter(plots__flags__code=f.flag)
    if f.search:
        for word in f.search.split():
            qs = qs.filter(
                Q(surnames__icontains=word)
                | Q(given_names__icontains=word)
                | Q(dni__startswith=word)
                | Q(code__iexact=word)
                | Q(comunidad__name__icontains=word)
            )
    return qs.distinct().order_by("surnames", "given_names", "id")


def producer_get(*, scope: Scope, pk: int) -> Producer:
    producer = producer_list(scope=scope).filter(pk=pk).first()
    if producer is None:
        raise NotFound(f"producer {pk} does not exist or is outside your scope")
    return producer


def plot_list(*, scope: Scope, filters: PlotFilters | None = None) -> QuerySet[Plot]:
    f = filters or PlotFilters()
    qs = _scoped(
        scope,
        Plot.objects.select_related("producer", "comunidad__distrito__provincia__departamento"),
    )
    qs = qs.filter(_place_q("", f.region, "region") & _place_q("", f.distrito, "distrito"))
    if f.clone:
        qs = qs.filter(grafts__clone__code__iexact=f.clone).distinct()
    if f.mapped is not None:
        qs = qs.filter(boundary__isnull=not f.mapped)
    if f.flag:
        qs = qs.filter(flags__code=f.flag)
    return qs.prefetch_related("flags").order_by("code")


def plot_get(*, scope: Scope, pk: int) -> Plot:
    """One plot, if the caller may see its producer (the same rule as ``producer_get``)."""
    plot = plot_list(scope=scope).filter(pk=pk).first()
    if plot is None:
        raise NotFound(f"plot {pk} does not exist or is outside your scope")
    return plot


def plots_by_producer(*, scope: Scope, producer_ids: list[int]) -> dict[int, list[Plot]]:
    """The plots of these producers (flags prefetched), for lists that show them per row."""
    found: dict[int, list[Plot]] = {pk: [] for pk in producer_ids}
    for plot in plot_list(scope=scope).filter(producer__in=producer_ids):
        found[plot.producer_id].append(plot)
    return found


def comunidad_list(*, scope: Scope) -> QuerySet[Comunidad]:
    """Comunidades a role may put records in: its region for regional offices and agents."""
    qs = Comunidad.objects.select_related("distrito")
    if scope.role in (Role.REGIONAL, Role.AGENT):
        return qs.filter(distrito__provincia__departamento=scope.region_id or 0)
    return qs if scope.sees_personal_data else qs.none()


def agent_list(*, scope: Scope) -> QuerySet[Any]:
    """Extension agents a role may assign: all for the programme, its region's for the rest."""
    qs = get_user_model().objects.filter(profile__role=Role.AGENT, is_active=True)
    if scope.is_programme_wide:
        return qs
    if scope.role == Role.REGIONAL:
        return qs.filter(profile__region=scope.region_id or 0)
    if scope.role == Role.AGENT:
        return qs.filter(pk=scope.user_id or 0)
    return qs.none()


def visit_list(*, scope: Scope) -> QuerySet[ExtensionVisit]:
    return _scoped(scope, ExtensionVisit.objects.select_related("producer", "plot", "agent"))


def _sum(qs: QuerySet[Any], field: str) -> float:
    return float(qs.aggregate(v=Sum(field))["v"] or 0)


def programme_totals(*, scope: Scope, region: str | None = None) -> dict[str, Any]:
    """Key figures with no personal data in them, for every role that sees aggregates.

    Figures are programme-wide for investors and buyers (they are aggregates), scoped for the rest.
    """
    if not scope.sees_aggregates:
        raise AccessDenied("log in to see programme figures")
    full = Scope(role=Role.STAFF)
    base = scope if scope.sees_personal_data else full
    producers = producer_list(scope=base, filters=PlotFilters(region=region))
    # A plot counts in its producer's region (as scopes do), wherever it lies.
    plots = plot_list(scope=base).filter(producer__in=producers.order_by().values("pk"))
    plantings = Planting.objects.filter(plot__in=plots)
    grafts = Graft.objects.filter(plot__in=plots)
    by_sex = dict(producers.order_by().values_list("sex").annotate(n=Count("id")))
    return {
        "producers": producers.count(),
        "producers_female": by_sex.get(Sex.FEMALE, 0),
        "producers_male": by_sex.get(Sex.MALE, 0),
        "plots": plots.count(),
        "plots_mapped": plots.filter(boundary__isnull=False).count(),
        "hectares_installed": round(_sum(plantings, "cacao_installed_ha"), 2),
        "hectares_agroforestry": round(
            _sum(plantings.filter(forestry_ha__gt=0), "cacao_installed_ha"), 2
        ),
        "hectares_grafted_fine_flavour": round(
            _sum(grafts.filter(clone__group=CloneGroup.FINE_FLAVOUR), "grafted_ha"), 2
        ),
        "hectares_georeferenced": round(_sum(plots.filter(boundary__isnull=False), "area_ha"), 2),
    }


def totals_by_region(*, scope: Scope) -> list[dict[str, Any]]:
    from chacra.registry.models import Departamento

    names = Departamento.objects.filter(provincias__distritos__comunidades__producers__isnull=False)
    if scope.role == Role.REGIONAL or scope.role == Role.AGENT:
        names = names.filter(pk=scope.region_id or 0)
    return [
        {"region": d.name, **programme_totals(scope=scope, region=d.ubigeo)}
        for d in names.distinct().order_by("name")
    ]
