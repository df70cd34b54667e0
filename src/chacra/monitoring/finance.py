"""Reads of loans: the list names producers (personal-data roles only); the summary does not."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum

from chacra.accounts.scope import Scope
from chacra.monitoring.models import Loan
from chacra.registry.models import Producer
from chacra.registry.selectors import REGION_OF_PRODUCER, producer_list


def loan_list(*, scope: Scope) -> QuerySet[Loan]:
    """Loans of the producers the caller may see by name (AccessDenied for aggregate roles)."""
    mine = producer_list(scope=scope).order_by().values("pk")
    return Loan.objects.filter(producer__in=mine).select_related(
        "institution", "producer__comunidad__distrito__provincia__departamento"
    )


@dataclass(frozen=True)
class InstitutionRow:
    institution: str
    loans: int
    families: int
    usd: float


@dataclass(frozen=True)
class RegionRow:
    region: str
    loans: int
    families: int
    usd: float
    unsupported_families: int


def loans_by_institution(producers: QuerySet[Producer]) -> list[InstitutionRow]:
    rows = (
        Loan.objects.filter(producer__in=producers)
        .order_by()
        .values(name=F("institution__name"))
        .annotate(n=Count("id"), f=Count("producer", distinct=True), usd=Sum("amount_usd"))
        .order_by("name")
    )
    return [InstitutionRow(r["name"], r["n"], r["f"], float(r["usd"] or 0)) for r in rows]


def loans_by_region(producers: QuerySet[Producer]) -> list[RegionRow]:
    rows = (
        Loan.objects.filter(producer__in=producers)
        .order_by()
        .values(name=F(f"producer__{REGION_OF_PRODUCER}__name"))
        .annotate(
            n=Count("id"),
            f=Count("producer", distinct=True),
            usd=Sum("amount_usd"),
            u=Count("producer", distinct=True, filter=Q(programme_support=False)),
        )
        .order_by("name")
    )
    return [RegionRow(r["name"], r["n"], r["f"], float(r["usd"] or 0), r["u"]) for r in rows]
