"""The plantain ledger: every donated sucker obliges the farmer to return two for new farmers.

Balances by producer, comunidad and region (what was received, owed, returned and is still
outstanding, and how much of what came back went on to new farmers); the cascade's generations;
and what each original donation (one from a nursery's batch) produced in the end. Figures come
from a few grouped queries whatever the number of farmers: the database sums, orders and cuts
the lists to those owing or producing most, so only the rows shown leave it.

Roles that see personal data get their scope's producers, comunidades and cascades; investors and
buyers get the programme's totals, regions and generations only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from chacra.accounts.scope import Scope
from chacra.nurseries.models import BatchKind, Distribution
from chacra.nurseries.selectors import PRODUCER_REGION, by_producer, require_aggregates
from chacra.registry.models import Comunidad, Producer

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


def _donations(scope: Scope, region: str | None, path: str = "") -> QuerySet[Distribution]:
    """The donations the caller may see (in ``region``); with ``path`` (e.g.
    ``"batch__repays__"``), the rows whose donation at that path is one of them."""
    require_aggregates(scope)
    qs = Distribution.objects.filter(
        **{f"{path}batch__kind": BatchKind.PLANTAIN, f"{path}obligation__gt": 0}
    )
    if scope.sees_personal_data:
        qs = by_producer(scope, qs, f"{path}producer__")
    if region:
        key = "ubigeo" if region.isdigit() else "name__iexact"
        qs = qs.filter(**{f"{path}{REGION}__{key}": region})
    return qs


def _onward(rows: QuerySet[Distribution], key: str) -> dict[Any, int]:
    """Suckers given on to new farmers from the returns against the donations of ``rows``
    (distributions from batches that repay a donation), by the donation's ``key``.

    A join or an ``IN`` list, not a subquery per donation: PostgreSQL may plan that one as a
    scan for every donation (18 s for 50 comunidades of the full demo before its statistics)."""
    return dict(rows.order_by().values_list(f"batch__repays__{key}").annotate(n=Sum("count")))


def balances(
    scope: Scope, region: str | None, key: str, label: str, limit: int | None = None
) -> list[Balance]:
    """Balances grouped by ``key`` (a path from a donation, e.g. ``producer__code``), in SQL:
    every group, or with ``limit`` only the groups owing most (``label`` and ``key`` break
    ties; ``key`` then starts at the producer). What the groups' returns gave onward comes
    from one more grouped query."""
    donations = _donations(scope, region)
    rows = (
        donations.order_by()
        .values(k=F(key), label=F(label))
        .annotate(
            n_donations=Count("id"),
            n_received=Sum("count"),
            n_owed=Sum("obligation"),
            n_returned=Sum("returned"),
        )
    )
    if limit is None:
        found: list[dict[str, Any]] = [dict(r) for r in rows]
        onward = _onward(_donations(scope, region, "batch__repays__"), key)
    else:
        owing = F("n_owed") - F("n_returned")
        found = [
            dict(r) for r in rows.annotate(owing=owing).order_by("-owing", "label", "k")[:limit]
        ]
        # Those groups' producers first, so that the database reads their donations only.
        producers = Producer.objects.filter(
            **{f"{key.removeprefix('producer__')}__in": [r["k"] for r in found]}
        )
        shown = donations.filter(producer__in=producers.values("pk"))
        onward = _onward(Distribution.objects.filter(batch__repays__in=shown.values("pk")), key)
    return [
        Balance(
            key=str(r["k"]),
            label=str(r["label"]),
            donations=r["n_donations"],
            received=r["n_received"] or 0,
            owed=r["n_owed"] or 0,
            returned=r["n_returned"] or 0,
            redistributed=onward.get(r["k"], 0) or 0,
        )
        for r in found
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


def _reached(originals: QuerySet[Distribution]) -> dict[int, int]:
    """How many original donations reached 1, 2, 3... generations (their own is the first)."""
    deepest = (
        Distribution.objects.filter(root=OuterRef("pk"))
        .order_by()
        .values("root")
        .annotate(m=Max("generation"))
        .values("m")
    )
    rows = (
        originals.annotate(reach=Coalesce(Subquery(deepest), 1))
        .order_by()
        .values_list("reach")
        .annotate(n=Count("id"))
    )
    return dict(sorted(rows))


def cascade_rows(originals: QuerySet[Distribution], limit: int) -> list[dict[str, Any]]:
    """The ``limit`` original donations whose cascades produced most (suckers returned), with
    the generations, farmers and suckers given and returned in each."""
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
        .order_by("-returned", "original")
    )
    return [dict(r) for r in rows[:limit]]


def _cascades(top: list[dict[str, Any]]) -> list[Cascade]:
    """The cascades of these rows (``cascade_rows``), with their original donations."""
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
    by_region = balances(scope, region, f"{REGION}__ubigeo", f"{REGION}__name")
    by_region.sort(key=lambda b: b.label)
    originals = qs.filter(generation=1)
    reached = _reached(originals)
    ledger = Ledger(
        totals=_total(by_region),
        by_region=by_region,
        generations=_generations(qs),
        originals=sum(reached.values()),
        reached_generations=reached,
    )
    if not scope.sees_personal_data:
        return ledger
    by_comunidad = balances(
        scope, region, "producer__comunidad__id", "producer__comunidad__name", limit
    )
    distritos = dict(
        Comunidad.objects.filter(pk__in=[int(b.key) for b in by_comunidad]).values_list(
            "pk", "distrito__name"
        )
    )
    return replace(
        ledger,
        by_comunidad=[
            replace(b, label=f"{b.label} ({distritos.get(int(b.key), '')})") for b in by_comunidad
        ],
        by_producer=balances(scope, region, "producer__code", "producer__code", limit),
        cascades=_cascades(cascade_rows(originals, limit)),
    )
