"""Every read of the registry beyond a plain get(), scoped to the caller.

The rule (Ley 29733): programme-wide roles see everything; a regional office sees its region; an
extension agent sees the producers assigned to her; investors and buyers see aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied, NotFound
from chacra.registry.models import (
    CloneGroup,
    Comunidad,
    Departamento,
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


REGION_OF_PRODUCER = "comunidad__distrito__provincia__departamento"
COUNTS = ("producers", "families", "household_members", "plots", "plots_mapped")
HECTARES = (
    "hectares_installed",
    "hectares_agroforestry",
    "hectares_grafted_fine_flavour",
    "hectares_georeferenced",
)
Cell = tuple[int, str]  # (departamento id of the producer, producer's sex)


def _aggregate_producers(scope: Scope, region: str | None) -> QuerySet[Producer]:
    """The producers whose figures a role may see: everyone for investors and buyers."""
    if not scope.sees_aggregates:
        raise AccessDenied("log in to see programme figures")
    base = scope if scope.sees_personal_data else Scope(role=Role.STAFF)
    scoped = producer_list(scope=base, filters=PlotFilters(region=region))
    return Producer.objects.filter(pk__in=scoped.order_by().values("pk"))


def _figure_cells(producers: QuerySet[Producer]) -> dict[Cell, dict[str, float]]:
    """Every figure by producer region and sex, in four grouped queries whatever the regions.

    A plot, planting or graft counts in its producer's region (as scopes do), wherever it lies.
    """
    cells: dict[Cell, dict[str, float]] = {}

    def add(rows: QuerySet[Any]) -> None:
        for row in rows:
            cell = cells.setdefault((row.pop("cell_region"), row.pop("cell_sex")), {})
            cell.update({k: float(v or 0) for k, v in row.items()})

    def grouped(qs: QuerySet[Any], to_producer: str) -> QuerySet[Any]:
        return qs.order_by().values(
            cell_region=F(f"{to_producer}{REGION_OF_PRODUCER}"), cell_sex=F(f"{to_producer}sex")
        )

    mapped = Q(boundary__isnull=False)
    add(
        grouped(producers, "").annotate(
            producers=Count("id"),
            # One registered producer stands for one family (household); the record has no
            # household id that would join two members of a family registered separately.
            families=Count("id"),
            household_members=Sum("household_size"),
        )
    )
    add(
        grouped(Plot.objects.filter(producer__in=producers), "producer__").annotate(
            plots=Count("id"),
            plots_mapped=Count("id", filter=mapped),
            hectares_georeferenced=Sum("area_ha", filter=mapped),
        )
    )
    add(
        grouped(Planting.objects.filter(plot__producer__in=producers), "plot__producer__").annotate(
            hectares_installed=Sum("cacao_installed_ha"),
            hectares_agroforestry=Sum("cacao_installed_ha", filter=Q(forestry_ha__gt=0)),
        )
    )
    fine = Graft.objects.filter(plot__producer__in=producers, clone__group=CloneGroup.FINE_FLAVOUR)
    add(grouped(fine, "plot__producer__").annotate(hectares_grafted_fine_flavour=Sum("grafted_ha")))
    return cells


def _fold(cells: dict[Cell, dict[str, float]], keep: Any = None) -> dict[str, Any]:
    """The figures of the cells ``keep((region, sex))`` accepts, summed and rounded."""
    chosen = [v for k, v in cells.items() if keep is None or keep(k)]
    out: dict[str, Any] = {k: int(sum(c.get(k, 0) for c in chosen)) for k in COUNTS}
    out |= {k: round(sum(c.get(k, 0) for c in chosen), 2) for k in HECTARES}
    return out


def _with_sexes(cells: dict[Cell, dict[str, float]], keep: Any = None) -> dict[str, Any]:
    """The figures of these cells, with producers and hectares installed split by sex."""
    out = _fold(cells, keep)
    for sex, suffix in ((Sex.FEMALE, "female"), (Sex.MALE, "male")):
        part = _fold(cells, lambda k, s=sex: k[1] == s and (keep is None or keep(k)))
        out[f"producers_{suffix}"] = part["producers"]
        out[f"hectares_installed_{suffix}"] = part["hectares_installed"]
    return out


def _by_region(cells: dict[Cell, dict[str, float]]) -> list[dict[str, Any]]:
    regions = (
        Departamento.objects.filter(pk__in={r for r, _ in cells})
        .order_by("name")
        .values_list("pk", "name", "ubigeo")
    )
    return [
        {"region": name, "ubigeo": ubigeo, **_with_sexes(cells, lambda k, i=pk: k[0] == i)}
        for pk, name, ubigeo in regions
    ]


def _by_sex(cells: dict[Cell, dict[str, float]]) -> list[dict[str, Any]]:
    return [
        {"sex": str(sex), "label": str(label), **_fold(cells, lambda k, s=sex: k[1] == s)}
        for sex, label in Sex.choices
    ]


def _by_planting_year(producers: QuerySet[Producer]) -> list[dict[str, Any]]:
    rows = (
        Planting.objects.filter(plot__producer__in=producers)
        .order_by()
        .values(year=ExtractYear("installed_on"))
        .annotate(ha=Sum("cacao_installed_ha"), n=Count("plot", distinct=True))
        .order_by("year")
    )
    return [
        {
            "year": int(r["year"]),
            "hectares_installed": round(float(r["ha"] or 0), 2),
            "plots": r["n"],
        }
        for r in rows
    ]


@dataclass(frozen=True)
class ProgrammeFigures:
    """The dashboard's figures: totals, by region, by sex and by planting year; no personal data."""

    totals: dict[str, Any]
    by_region: list[dict[str, Any]]
    by_sex: list[dict[str, Any]]
    by_planting_year: list[dict[str, Any]]


def programme_figures(*, scope: Scope) -> ProgrammeFigures:
    """Every key figure in a handful of grouped queries (six, however many regions)."""
    producers = _aggregate_producers(scope, None)
    cells = _figure_cells(producers)
    return ProgrammeFigures(
        totals=_with_sexes(cells),
        by_region=_by_region(cells),
        by_sex=_by_sex(cells),
        by_planting_year=_by_planting_year(producers),
    )


def programme_totals(*, scope: Scope, region: str | None = None) -> dict[str, Any]:
    """Key figures with no personal data in them, for every role that sees aggregates.

    Figures are programme-wide for investors and buyers (they are aggregates), scoped for the rest.
    ``families`` counts households: one per registered producer; ``household_members`` sums
    their sizes.
    """
    return _with_sexes(_figure_cells(_aggregate_producers(scope, region)))


def totals_by_region(*, scope: Scope) -> list[dict[str, Any]]:
    """``programme_totals`` for each region with producers the caller sees, by name."""
    return _by_region(_figure_cells(_aggregate_producers(scope, None)))
