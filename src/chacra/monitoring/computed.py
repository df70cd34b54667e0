"""Indicators computed from the records: each a total with its breakdowns by region, sex and year.

Figures the dashboard already computes (families, hectares) come from
``chacra.registry.selectors.programme_figures``; this module adds what the dashboard has no need
for: the year of each figure, and the figures of purchases, processing, training and finance.
A figure counts in its producer's region, as the registry's scopes do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, Coalesce, ExtractYear

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.monitoring.ledger import farmers_inkind, leveraged_contributions
from chacra.monitoring.models import Computation, Loan
from chacra.registry.models import ExtensionVisit, Membership, Planting, Plot, Producer
from chacra.registry.selectors import (
    REGION_OF_PRODUCER,
    ProgrammeFigures,
    _aggregate_producers,
    programme_figures,
)

NO_REGION = "—"


@dataclass
class Breakdown:
    """A computed figure: its total, and the same figure by region name, sex and year.

    ``by_year`` holds what each year added (a person counts in the year first seen), so that
    every breakdown sums to the total.
    """

    total: float = 0.0
    by_region: dict[str, float] = field(default_factory=dict)
    by_sex: dict[str, float] = field(default_factory=dict)
    by_year: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Basis:
    """What every computation of one report shares: the caller's producers and region."""

    scope: Scope
    region: str | None  # a departamento name or ubigeo, or None for every region
    producers: QuerySet[Producer]
    figures: ProgrammeFigures


def basis_for(*, scope: Scope, region: str | None = None) -> Basis:
    """The producers whose figures ``scope`` may see (all of them, as aggregates, for investors)."""
    producers = _aggregate_producers(scope, region)
    figures = programme_figures(scope=scope)
    return Basis(scope=scope, region=region, producers=producers, figures=figures)


def _region_rows(basis: Basis) -> list[dict[str, Any]]:
    rows = basis.figures.by_region
    if basis.region:
        wanted = basis.region.casefold()
        rows = [r for r in rows if wanted in (r["region"].casefold(), r["ubigeo"])]
    return rows


def _from_figures(
    basis: Basis, key: str, sex_key: str | None, years: dict[int, float]
) -> Breakdown:
    """A dashboard figure, by region (and by sex when ``sex_key`` names its split)."""
    rows = _region_rows(basis)
    out = Breakdown(
        total=round(sum(r[key] for r in rows), 2),
        by_region={r["region"]: r[key] for r in rows},
        by_year=years,
    )
    if sex_key:
        out.by_sex = {s: sum(r[f"{sex_key}_{w}"] for r in rows) for s, w in SEXES}
    return out


SEXES = (("F", "female"), ("M", "male"))


def _sum_by_year(qs: QuerySet[Any], date: Any, value: Any) -> dict[int, float]:
    rows = qs.order_by().values(year=date).annotate(v=value).order_by("year")
    return {int(r["year"]): round(float(r["v"] or 0), 2) for r in rows if r["year"] is not None}


def _people(rows: Iterable[dict[str, Any]]) -> Breakdown:
    """People, each counted once in their region, sex and the year first seen (``first``)."""
    out = Breakdown()
    for r in rows:
        out.total += 1
        region = r["region"] or NO_REGION
        out.by_region[region] = out.by_region.get(region, 0) + 1
        out.by_sex[r["sex"]] = out.by_sex.get(r["sex"], 0) + 1
        out.by_year[r["first"].year] = out.by_year.get(r["first"].year, 0) + 1
    out.by_sex = {s: out.by_sex.get(s, 0) for s, _w in SEXES}
    return out


def _first_dates(qs: QuerySet[Any], to_producer: str, date: str) -> QuerySet[Any]:
    return (
        qs.order_by()
        .values(to_producer)
        .annotate(
            region=F(f"{to_producer}__{REGION_OF_PRODUCER}__name"),
            sex=F(f"{to_producer}__sex"),
            first=Min(date),
        )
    )


def families(basis: Basis) -> Breakdown:
    years = _sum_by_year(basis.producers, ExtractYear("registered_on"), Count("id"))
    return _from_figures(basis, "families", "producers", years)


def hectares_planted(basis: Basis) -> Breakdown:
    plantings = Planting.objects.filter(plot__producer__in=basis.producers)
    years = _sum_by_year(plantings, ExtractYear("installed_on"), Sum("cacao_installed_ha"))
    return _from_figures(basis, "hectares_installed", "hectares_installed", years)


def hectares_agroforestry(basis: Basis) -> Breakdown:
    plantings = Planting.objects.filter(plot__producer__in=basis.producers, forestry_ha__gt=0)
    years = _sum_by_year(plantings, ExtractYear("installed_on"), Sum("cacao_installed_ha"))
    return _from_figures(basis, "hectares_agroforestry", None, years)


def hectares_georeferenced(basis: Basis) -> Breakdown:
    plots = Plot.objects.filter(producer__in=basis.producers, boundary__isnull=False)
    when = Coalesce(ExtractYear("mapped_on"), ExtractYear("created_at"))
    return _from_figures(
        basis, "hectares_georeferenced", None, _sum_by_year(plots, when, Sum("area_ha"))
    )


def producers_purchases(basis: Basis) -> Breakdown:
    from chacra.supply.models import Purchase

    purchases = Purchase.objects.filter(producer__in=basis.producers)
    return _people(_first_dates(purchases, "producer", "date"))


def tonnes_post_harvest(basis: Basis) -> Breakdown:
    """Dry beans out of drying steps (fermented beans are dried once: no step counts twice)."""
    from chacra.supply.models import ProcessingStep, StepKind

    region = Coalesce(
        "facility__distrito__provincia__departamento__name", "organisation__departamento__name"
    )
    steps = ProcessingStep.objects.filter(kind=StepKind.DRYING).annotate(place=region)
    if basis.region:
        steps = steps.filter(
            Q(place__iexact=basis.region)
            | Q(facility__distrito__provincia__departamento__ubigeo=basis.region)
            | Q(facility__isnull=True, organisation__departamento__ubigeo=basis.region)
        )
    if basis.scope.role in (Role.REGIONAL, Role.AGENT):
        steps = steps.filter(
            Q(facility__distrito__provincia__departamento=basis.scope.region_id)
            | Q(facility__isnull=True, organisation__departamento=basis.scope.region_id)
        )
    out = Breakdown()
    rows = steps.order_by().values("place", year=ExtractYear("date")).annotate(kg=Sum("output_kg"))
    for r in rows:
        t = float(r["kg"] or 0) / 1000
        out.total += t
        out.by_region[r["place"] or NO_REGION] = out.by_region.get(r["place"] or NO_REGION, 0) + t
        out.by_year[int(r["year"])] = out.by_year.get(int(r["year"]), 0) + t
    return _rounded(out)


def organisations_trained(basis: Basis) -> Breakdown:
    """Organisations with a member who had an extension visit of type training."""
    trained = (
        ExtensionVisit.objects.filter(producer__in=basis.producers)
        .annotate(text=Cast("activities", TextField()))
        .filter(text__contains='"training"')
    )
    rows = (
        Membership.objects.filter(producer__visits__in=trained)
        .order_by()
        .values("organisation")
        .annotate(
            region=F("organisation__departamento__name"),
            # the filter above keeps the join to trained visits: the first training's date
            first=Min("producer__visits__date"),
        )
    )
    out = Breakdown()
    for r in rows:
        out.total += 1
        region = r["region"] or NO_REGION
        out.by_region[region] = out.by_region.get(region, 0) + 1
        out.by_year[r["first"].year] = out.by_year.get(r["first"].year, 0) + 1
    return out


def funds_leveraged(basis: Basis) -> Breakdown:
    """Partners' contributions (not the donor's) plus farmers' in-kind work, in US$."""
    out = Breakdown()
    for part in (leveraged_contributions(basis.region), farmers_inkind(basis.producers)):
        for r in part:
            out.total += r.usd
            out.by_region[r.region or NO_REGION] = (
                out.by_region.get(r.region or NO_REGION, 0) + r.usd
            )
            out.by_year[r.year] = out.by_year.get(r.year, 0) + r.usd
    return _rounded(out)


def _loans(basis: Basis, **filters: Any) -> QuerySet[Loan]:
    return Loan.objects.filter(producer__in=basis.producers, **filters)


def loans_value(basis: Basis) -> Breakdown:
    out = Breakdown()
    rows = (
        _loans(basis)
        .order_by()
        .values(region=F(f"producer__{REGION_OF_PRODUCER}__name"), sex=F("producer__sex"),
                year=ExtractYear("date"))
        .annotate(usd=Sum("amount_usd"))
    )  # fmt: skip
    for r in rows:
        usd = float(r["usd"] or 0)
        out.total += usd
        out.by_region[r["region"]] = out.by_region.get(r["region"], 0) + usd
        out.by_sex[r["sex"]] = out.by_sex.get(r["sex"], 0) + usd
        out.by_year[int(r["year"])] = out.by_year.get(int(r["year"]), 0) + usd
    return _rounded(out)


def families_finance(basis: Basis) -> Breakdown:
    return _people(_first_dates(_loans(basis), "producer", "date"))


def families_finance_unsupported(basis: Basis) -> Breakdown:
    return _people(_first_dates(_loans(basis, programme_support=False), "producer", "date"))


def _rounded(b: Breakdown) -> Breakdown:
    return Breakdown(
        total=round(b.total, 2),
        by_region={k: round(v, 2) for k, v in sorted(b.by_region.items())},
        by_sex={k: round(v, 2) for k, v in b.by_sex.items()},
        by_year={k: round(v, 2) for k, v in sorted(b.by_year.items())},
    )


COMPUTATIONS: dict[str, Callable[[Basis], Breakdown]] = {
    Computation.FAMILIES: families,
    Computation.HECTARES_PLANTED: hectares_planted,
    Computation.HECTARES_AGROFORESTRY: hectares_agroforestry,
    Computation.HECTARES_GEOREFERENCED: hectares_georeferenced,
    Computation.PRODUCERS_PURCHASES: producers_purchases,
    Computation.TONNES_POST_HARVEST: tonnes_post_harvest,
    Computation.ORGANISATIONS_TRAINED: organisations_trained,
    Computation.FUNDS_LEVERAGED: funds_leveraged,
    Computation.LOANS_VALUE: loans_value,
    Computation.FAMILIES_FINANCE: families_finance,
    Computation.FAMILIES_FINANCE_UNSUPPORTED: families_finance_unsupported,
}


def computed(computation: str, basis: Basis) -> Breakdown:
    return COMPUTATIONS[computation](basis)
