"""Reads of the co-investment ledger: partners' contributions, farmers' in-kind work valued at the
programme's unit values, the report's private/public sub-totals and the leverage ratio."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from chacra.monitoring.models import Contribution, InKindActivity, InKindUnitValue, Partner, Sector
from chacra.nurseries.models import Batch, BatchKind, Nursery, NurseryKind
from chacra.registry.models import Graft, Planting, Producer
from chacra.registry.selectors import REGION_OF_PRODUCER

PRIVATE = (Sector.PRIVATE, Sector.PRODUCER_ORGANISATIONS)


@dataclass(frozen=True)
class Measure:
    """What the records hold of one priced activity: rows of ``model`` (with ``filters``), the
    path from a row to the farmer who did the work, the quantity and the date it counts on."""

    model: Any
    producer: str
    quantity: Any  # an aggregate: Sum of a field, or Count for one unit per row
    date: str
    filters: dict[str, Any] = field(default_factory=dict)

    def rows(self, producers: QuerySet[Producer]) -> QuerySet[Any]:
        return self.model.objects.filter(**{f"{self.producer}__in": producers}, **self.filters)


# Plantings and graftings from the registry; suckers returned, budwood cut from farmers' mother
# plants and gardens, and farmers' nurseries from the nursery ledger (read, never written).
MEASURES: dict[str, Measure] = {
    InKindActivity.LAND_PREPARATION: Measure(
        Planting, "plot__producer", Sum("cacao_installed_ha"), "installed_on"
    ),
    InKindActivity.PLANTAIN_SHADE: Measure(
        Planting, "plot__producer", Sum("temporary_shade_ha"), "installed_on"
    ),
    InKindActivity.TIMBER_TREES: Measure(
        Planting, "plot__producer", Sum("forestry_ha"), "installed_on"
    ),
    InKindActivity.GRAFTING: Measure(Graft, "plot__producer", Sum("grafted_ha"), "grafted_on"),
    InKindActivity.PLANTAIN_RETURNED: Measure(
        Batch,
        "repays__producer",
        Sum("count"),
        "started_on",
        {"kind": BatchKind.PLANTAIN, "repays__isnull": False},
    ),
    InKindActivity.BUDWOOD: Measure(
        Batch,
        "source__plot__producer",
        Sum("count"),
        "started_on",
        {"kind": BatchKind.BUDWOOD, "source__isnull": False},
    ),
    InKindActivity.NURSERY_BUILDING: Measure(
        Nursery,
        "operator_producer",
        Count("id"),
        "established_on",
        {"kind": NurseryKind.FARMER, "established_on__isnull": False},
    ),
}


@dataclass(frozen=True)
class Amount:
    """US$ in a region (a name, or None) and a year."""

    region: str | None
    year: int
    usd: float


def leveraged_contributions(region: str | None = None) -> list[Amount]:
    """Every partner's contribution but the donor's, by region and year."""
    qs = Contribution.objects.exclude(partner__sector=Sector.DONOR)
    if region:
        qs = qs.filter(Q(region__name__iexact=region) | Q(region__ubigeo=region))
    rows = (
        qs.order_by()
        .values(place=F("region__name"), year=ExtractYear("date"))
        .annotate(usd=Sum("amount_usd"))
    )
    return [Amount(r["place"], int(r["year"]), float(r["usd"])) for r in rows]


def _unit_value(values: list[InKindUnitValue], day: dt.date) -> Decimal:
    """The value in force on ``day`` (the latest from on or before it), 0 before the first."""
    for v in values:  # newest first
        if v.valid_from <= day:
            return v.usd_per_unit
    return Decimal(0)


def farmers_inkind(producers: QuerySet[Producer]) -> list[Amount]:
    """Farmers' own work valued at the programme's unit values, by region and year.

    Quantities are summed by region and month in the database; each month takes the unit value
    in force on its first day.
    """
    values: dict[str, list[InKindUnitValue]] = defaultdict(list)
    for v in InKindUnitValue.objects.order_by("-valid_from"):
        values[v.activity].append(v)
    totals: dict[tuple[str | None, int], float] = defaultdict(float)
    for activity, m in MEASURES.items():
        if not values.get(activity):
            continue
        rows = (
            m.rows(producers)
            .order_by()
            .values(place=F(f"{m.producer}__{REGION_OF_PRODUCER}__name"), month=TruncMonth(m.date))
            .annotate(q=m.quantity)
        )
        for r in rows:
            month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
            usd = Decimal(r["q"] or 0) * _unit_value(values[activity], month)
            totals[(r["place"], month.year)] += float(usd)
    return [Amount(region, year, round(usd, 2)) for (region, year), usd in sorted(totals.items())]


@dataclass(frozen=True)
class FarmersRow:
    region: str
    farmers: int
    usd: float


def farmers_by_region(producers: QuerySet[Producer]) -> list[FarmersRow]:
    """The report's table: co-investing farmers (with any valued activity) and value by region."""
    priced = set(InKindUnitValue.objects.values_list("activity", flat=True))
    working = [
        Q(pk__in=m.rows(producers).order_by().values(m.producer))
        for activity, m in MEASURES.items()
        if activity in priced
    ]
    counts: dict[str, int] = {}
    if working:
        rows = (
            producers.filter(reduce(or_, working))
            .order_by()
            .values(place=F(f"{REGION_OF_PRODUCER}__name"))
            .annotate(n=Count("id", distinct=True))
        )
        counts = {r["place"]: r["n"] for r in rows}
    usd: dict[str, float] = defaultdict(float)
    for a in farmers_inkind(producers):
        usd[a.region or ""] += a.usd
    return [
        FarmersRow(region, counts.get(region, 0), round(usd.get(region, 0.0), 2))
        for region in sorted(set(counts) | set(usd))
    ]


@dataclass(frozen=True)
class PartnerRow:
    name: str
    sector: str
    sector_label: str
    natures: list[str]
    usd: float
    pen: float
    committed_usd: float


@dataclass(frozen=True)
class CoinvestmentSummary:
    partners: list[PartnerRow]
    farmers: list[FarmersRow]
    farmers_usd: float
    private_usd: float  # partners and farmers
    producer_organisations_usd: float  # of which producer organisations and farmers
    public_usd: float
    leveraged_usd: float
    donor_usd: float
    leverage_ratio: float | None  # leveraged per donor dollar


def coinvestment_summary(*, producers: QuerySet[Producer]) -> CoinvestmentSummary:
    """The report's co-investment table, with farmers' in-kind work among producer organisations."""
    labels = dict(Sector.choices)
    natures: dict[int, set[str]] = defaultdict(set)
    for pid, nature in Contribution.objects.values_list("partner", "nature").distinct():
        natures[pid].add(nature)
    partners = Partner.objects.select_related("organisation").annotate(
        usd=Sum("contributions__amount_usd"), pen=Sum("contributions__amount_pen")
    )
    rows = [
        PartnerRow(
            p.organisation.name, p.sector, str(labels[p.sector]), sorted(natures[p.pk]),
            float(p.usd or 0), float(p.pen or 0), float(p.committed_usd),
        )
        for p in partners.order_by("sector", "organisation__name")
    ]  # fmt: skip
    farmers = farmers_by_region(producers)
    farmers_usd = round(sum(f.usd for f in farmers), 2)

    def sector_sum(*sectors: str) -> float:
        return round(sum(r.usd for r in rows if r.sector in sectors), 2)

    producer_orgs = sector_sum(Sector.PRODUCER_ORGANISATIONS) + farmers_usd
    private = sector_sum(Sector.PRIVATE) + producer_orgs
    public = sector_sum(Sector.PUBLIC)
    donor = sector_sum(Sector.DONOR)
    leveraged = round(private + public, 2)
    return CoinvestmentSummary(
        partners=rows, farmers=farmers, farmers_usd=farmers_usd, private_usd=round(private, 2),
        producer_organisations_usd=round(producer_orgs, 2), public_usd=public,
        leveraged_usd=leveraged, donor_usd=donor,
        leverage_ratio=round(leveraged / donor, 2) if donor else None,
    )  # fmt: skip
