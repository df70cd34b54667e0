"""The indicator report: target, achieved, % achieved, status, trend, by region and by sex."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum

from chacra.accounts.scope import Scope
from chacra.monitoring.computed import NO_REGION, Basis, Breakdown, basis_for, computed
from chacra.monitoring.models import Aggregation, Indicator, IndicatorValue, Source, Target

GREEN, AMBER = 100.0, 80.0  # % of target: met, close, behind


@dataclass(frozen=True)
class YearPoint:
    year: int
    value: float  # what the year added (or the year's figure, for "latest" indicators)
    cumulative: float
    target: float | None


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    target: float | None
    achieved: float
    percent: float | None
    status: str  # green, amber, red, or none (no target)
    trend: list[YearPoint]
    by_region: dict[str, float]
    by_sex: dict[str, float]  # only for indicators that count people


def status_of(percent: float | None) -> str:
    """The colour of a % achieved: met, close (80 % or more), behind, or none without a target.

    >>> [status_of(p) for p in (None, 120.0, 85.0, 40.0)]
    ['none', 'green', 'amber', 'red']
    """
    if percent is None:
        return "none"
    return "green" if percent >= GREEN else "amber" if percent >= AMBER else "red"


def _entered(indicator: Indicator, basis: Basis) -> Breakdown:
    """Values people entered, summed by region, sex and year (or the latest year's, for stocks)."""
    qs = IndicatorValue.objects.filter(indicator=indicator)
    if basis.region:
        qs = qs.filter(Q(region__name__iexact=basis.region) | Q(region__ubigeo=basis.region))
    elif (
        basis.scope.region_id
        and not basis.scope.is_programme_wide
        and basis.scope.sees_personal_data
    ):
        qs = qs.filter(region=basis.scope.region_id)
    if indicator.aggregation == Aggregation.LATEST:
        last = qs.order_by("-year").values_list("year", flat=True).first()
        years = dict(
            qs.order_by().values_list("year").annotate(v=Sum("value")).values_list("year", "v")
        )
        qs = qs.filter(year=last or 0)
    else:
        years = None
    out = Breakdown()
    for region, sex, year, value in qs.values_list("region__name", "sex", "year", "value"):
        v = float(value)
        out.total += v
        out.by_region[region or NO_REGION] = out.by_region.get(region or NO_REGION, 0) + v
        if sex:
            out.by_sex[sex] = out.by_sex.get(sex, 0) + v
        out.by_year[year] = out.by_year.get(year, 0) + v
    if years is not None:
        out.by_year = {int(y): float(v) for y, v in sorted(years.items())}
    return out


def _targets(indicator: Indicator, region: str | None) -> tuple[float | None, dict[int, float]]:
    """The period's target for the whole programme (or the region) and the targets per year."""
    found: list[Target] = list(indicator.targets.all())  # prefetched

    def matches(t: Target) -> bool:
        if region is None:
            return t.region_id is None
        return t.region is not None and region.casefold() in (
            t.region.name.casefold(),
            t.region.ubigeo,
        )

    mine = [t for t in found if matches(t)]
    overall = next((float(t.value) for t in mine if t.year is None), None)
    yearly = {t.year: float(t.value) for t in mine if t.year is not None}
    if overall is None and yearly:
        overall = sum(yearly.values())
    return overall, yearly


def _row(indicator: Indicator, basis: Basis) -> IndicatorRow:
    if indicator.source == Source.COMPUTED:
        b = computed(indicator.computation, basis)
    else:
        b = _entered(indicator, basis)
    target, yearly = _targets(indicator, basis.region)
    latest = indicator.aggregation == Aggregation.LATEST
    trend, running = [], 0.0
    for year in sorted(set(b.by_year) | set(yearly)):
        value = b.by_year.get(year, 0.0)
        running = value if latest else running + value
        trend.append(YearPoint(year, round(value, 2), round(running, 2), yearly.get(year)))
    achieved = round(b.total, 2)
    percent = round(100 * achieved / target, 1) if target else None
    return IndicatorRow(
        indicator=indicator, target=target, achieved=achieved, percent=percent,
        status=status_of(percent), trend=trend,
        by_region=b.by_region if indicator.by_region else {},
        by_sex=b.by_sex if indicator.by_sex else {},
    )  # fmt: skip


def indicator_report(*, scope: Scope, region: str | None = None) -> list[IndicatorRow]:
    """Every indicator's row, as ``scope`` may see it (aggregates only: no names anywhere)."""
    basis = basis_for(scope=scope, region=region)
    indicators = Indicator.objects.prefetch_related("targets__region")
    return [_row(i, basis) for i in indicators]


def indicator_row(*, scope: Scope, indicator: Indicator, region: str | None = None) -> IndicatorRow:
    """One indicator's row (for its own page), as ``scope`` may see it."""
    return _row(indicator, basis_for(scope=scope, region=region))


def as_json(rows: list[IndicatorRow]) -> list[dict[str, Any]]:
    """The report as plain values, for the API."""
    return [
        {
            "code": r.indicator.code, "name": r.indicator.name, "unit": r.indicator.unit,
            "source": r.indicator.source, "target": r.target, "achieved": r.achieved,
            "percent": r.percent, "status": r.status,
            "trend": [p.__dict__ for p in r.trend],
            "by_region": r.by_region, "by_sex": r.by_sex,
        }
        for r in rows
    ]  # fmt: skip
