"""The plantain ledger: every donated sucker obliges the farmer to return two for new farmers.

Balances by producer, comunidad and region (what was received, owed, returned and is still
outstanding, and how much of what came back went on to new farmers); the cascade's generations;
and what each original donation (one from a nursery's batch) produced in the end. Figures come
from a few grouped queries whatever the number of farmers.

Roles that see personal data get their scope's producers, comunidades and cascades; investors and
buyers get the programme's totals, regions and generations only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, F, Max, QuerySet, Sum
from django.db.models.functions import Coalesce

from chacra.accounts.scope import Scope
from chacra.nurseries.models import BatchKind, Distribution
from chacra.nurseries.selectors import PRODUCER_REGION, by_producer, require_aggregates
from chacra.registry.models import Comunidad

REGION = f"producer__{PRODUCER_REGION}"


@dataclass(frozen=True)
class Balance:
    key: str
    label: str
    donations: int = 0
    received: int = 0
    owed: int = 0
    returned: int = 0
    redistributed: int = 0

    @property
    def outstanding(self) -> int:
        return self.owed - self.returned


@dataclass(frozen=True)
class Generation:
    generation: int
    donations: int
    farmers: int
    suckers: int


@dataclass(frozen=True)
class Cascade:
    """What one original donation started: the farmers and generations it reached."""

    original: str
    producer_code: str
    region: str
    date: dt.date
    count: int
    generations: int
    farmers: int
    given_onward: int  # suckers donated to later generations
    returned: int  # suckers that came back anywhere in the cascade: what it produced
    outstanding: int


@dataclass(frozen=True)
class Ledger:
    totals: Balance
    by_region: list[Balance]
    generations: list[Generation]
    originals: int
    reached_generations: dict[int, int]  # generations reached -> original donations
    by_comunidad: list[Balance] = field(default_factory=list)
    by_producer: list[Balance] = field(default_factory=list)
    cascades: list[Cascade] = field(default_factory=list)

    @property
    def produced_per_original(self) -> float:
        """Suckers returned in the cascades per sucker originally donated."""
        first = sum(g.suckers for g in self.generations if g.generation == 1)
        return self.totals.returned / first if first else 0.0


def _donations(scope: Scope, region: str | None) -> QuerySet[Distribution]:
    require_aggregates(scope)
    qs = Distribution.objects.filter(batch__kind=BatchKind.PLANTAIN, obligation__gt=0)
    if scope.sees_personal_data:
        qs = by_producer(scope, qs, "producer__")
    if region:
        key = "ubigeo" if region.isdigit() else "name__iexact"
        qs = qs.filter(**{f"{REGION}__{key}": region})
    return qs


def balances(qs: QuerySet[Distribution], key: str, label: str) -> list[Balance]:
    """Balances grouped by ``key`` (a path from a distribution, e.g. ``producer__code``)."""
    ids = qs.order_by().values("pk")
    onward = dict(
        Distribution.objects.filter(batch__repays__in=ids)
        .order_by()
        .values_list(f"batch__repays__{key}")
        .annotate(n=Sum("count"))
    )
    rows = (
        Distribution.objects.filter(pk__in=ids)
        .order_by()
        .values(k=F(key), label=F(label))
        .annotate(
            donations=Count("id"),
            received=Sum("count"),
            owed=Sum("obligation"),
            returned=Sum("returned"),
        )
    )
    return [
        Balance(
            key=str(r["k"]),
            label=str(r["label"]),
            donations=r["donations"],
            received=r["received"] or 0,
            owed=r["owed"] or 0,
            returned=r["returned"] or 0,
            redistributed=onward.get(r["k"], 0) or 0,
        )
        for r in rows
    ]


def _total(rows: list[Balance]) -> Balance:
    return Balance(
        key="",
        label="",
        donations=sum(r.donations for r in rows),
        received=sum(r.received for r in rows),
        owed=sum(r.owed for r in rows),
        returned=sum(r.returned for r in rows),
        redistributed=sum(r.redistributed for r in rows),
    )


def _generations(qs: QuerySet[Distribution]) -> list[Generation]:
    rows = (
        qs.order_by()
        .values("generation")
        .annotate(n=Count("id"), farmers=Count("producer", distinct=True), suckers=Sum("count"))
        .order_by("generation")
    )
    return [Generation(r["generation"], r["n"], r["farmers"], r["suckers"] or 0) for r in rows]


def cascade_rows(originals: QuerySet[Distribution]) -> list[dict[str, Any]]:
    """For each original donation: generations reached, farmers, suckers given and returned."""
    rows = (
        Distribution.objects.filter(batch__kind=BatchKind.PLANTAIN)
        .annotate(original=Coalesce("root", "id"))
        .filter(original__in=originals.order_by().values("pk"))
        .order_by()
        .values("original")
        .annotate(
            generations=Max("generation"),
            farmers=Count("producer", distinct=True),
            given=Sum("count"),
            returned=Sum("returned"),
            owed=Sum("obligation"),
        )
    )
    return [dict(r) for r in rows]


def _cascades(rows: list[dict[str, Any]], limit: int) -> list[Cascade]:
    """The ``limit`` cascades that produced most, from their rows (``cascade_rows``)."""
    top = sorted(rows, key=lambda r: (-(r["returned"] or 0), r["original"]))[:limit]
    first = {
        d["pk"]: d
        for d in Distribution.objects.filter(pk__in=[r["original"] for r in top]).values(
            "pk", "code", "date", "count", producer_code=F("producer__code"),
            region=F(f"{REGION}__name"),
        )
    }  # fmt: skip
    return [
        Cascade(
            original=first[r["original"]]["code"],
            producer_code=first[r["original"]]["producer_code"],
            region=first[r["original"]]["region"],
            date=first[r["original"]]["date"],
            count=first[r["original"]]["count"],
            generations=r["generations"],
            farmers=r["farmers"],
            given_onward=(r["given"] or 0) - first[r["original"]]["count"],
            returned=r["returned"] or 0,
            outstanding=(r["owed"] or 0) - (r["returned"] or 0),
        )
        for r in top
    ]


def plantain_ledger(*, scope: Scope, region: str | None = None, limit: int = 50) -> Ledger:
    """The ledger as the caller may see it; ``limit`` rows of producers and cascades (those
    owing most and those that produced most)."""
    qs = _donations(scope, region)
    by_region = sorted(balances(qs, REGION + "__ubigeo", REGION + "__name"), key=lambda b: b.label)
    cascades = cascade_rows(qs.filter(generation=1))
    reached: dict[int, int] = {}
    for r in cascades:
        reached[r["generations"]] = reached.get(r["generations"], 0) + 1
    ledger = Ledger(
        totals=_total(by_region),
        by_region=by_region,
        generations=_generations(qs),
        originals=sum(reached.values()),
        reached_generations=dict(sorted(reached.items())),
    )
    if not scope.sees_personal_data:
        return ledger
    by_comunidad = balances(qs, "producer__comunidad__id", "producer__comunidad__name")
    by_comunidad.sort(key=lambda b: (-b.outstanding, b.label))
    by_comunidad = by_comunidad[:limit]
    distritos = dict(
        Comunidad.objects.filter(pk__in=[int(b.key) for b in by_comunidad]).values_list(
            "pk", "distrito__name"
        )
    )
    by_comunidad = [
        replace(b, label=f"{b.label} ({distritos.get(int(b.key), '')})") for b in by_comunidad
    ]
    by_producer = balances(qs, "producer__code", "producer__code")
    by_producer.sort(key=lambda b: (-b.outstanding, b.key))
    return Ledger(
        totals=ledger.totals,
        by_region=by_region,
        generations=ledger.generations,
        originals=ledger.originals,
        reached_generations=ledger.reached_generations,
        by_comunidad=by_comunidad,
        by_producer=by_producer[:limit],
        cascades=_cascades(cascades, limit),
    )
