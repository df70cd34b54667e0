"""Every read of nurseries, batches and distributions beyond a plain get(), scoped to the caller.

Nurseries, batches and stock hold no personal data: every role that sees aggregates sees them (a
farmer nursery's operator only for roles that see that producer). Distributions, sources and
lineage name producers' plots: they follow the registry's rule (programme-wide roles see all, a
regional office its region's producers, an agent hers, investors and buyers nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied, InvalidInput, NotFound
from chacra.nurseries.models import (
    Batch,
    BatchKind,
    Distribution,
    MaterialSource,
    Nursery,
    NurseryKind,
)
from chacra.registry import selectors as registry
from chacra.registry.models import Plot

REGION = "distrito__provincia__departamento"
PRODUCER_REGION = "comunidad__distrito__provincia__departamento"


def require_aggregates(scope: Scope) -> None:
    if not scope.sees_aggregates:
        raise AccessDenied("log in to see nurseries and planting material")


def require_personal(scope: Scope) -> None:
    if not scope.sees_personal_data:
        raise AccessDenied(
            "this role sees aggregate figures only, not distributions to producers (Ley 29733)"
        )


def by_producer(scope: Scope, qs: QuerySet[Any], path: str) -> QuerySet[Any]:
    """``qs`` cut to the rows whose producer (at ``path``, e.g. ``"producer__"``) the caller
    may see: the registry's rule for producers."""
    require_personal(scope)
    if scope.is_programme_wide:
        return qs
    if scope.role == Role.REGIONAL:
        return qs.filter(**{f"{path}{PRODUCER_REGION}": scope.region_id})
    if scope.role == Role.AGENT:
        return qs.filter(**{f"{path}agents": scope.user_id}).distinct()
    return qs.none()


def _region_q(value: str | None, path: str) -> dict[str, str]:
    if not value:
        return {}
    key = "ubigeo" if value.isdigit() else "name__iexact"
    return {f"{path}__{key}": value}


def _choice(value: str | None, choices: list[str], field: str) -> str | None:
    if value and value not in choices:
        raise InvalidInput(
            f"{field}: {value!r} is not accepted; use one of {', '.join(choices)}", field=field
        )
    return value or None


def nursery_list(
    *, scope: Scope, region: str | None = None, kind: str | None = None
) -> QuerySet[Nursery]:
    require_aggregates(scope)
    qs = Nursery.objects.select_related(
        f"{REGION}", "operator_organisation", "operator_producer"
    ).filter(**_region_q(region, REGION))
    if _choice(kind, NurseryKind.values, "kind"):
        qs = qs.filter(kind=kind)
    return qs.order_by("code")


def nursery_get(*, scope: Scope, pk: int) -> Nursery:
    nursery = nursery_list(scope=scope).filter(pk=pk).first()
    if nursery is None:
        raise NotFound(f"nursery {pk} does not exist")
    return nursery


def visible_operators(*, scope: Scope, producer_ids: Iterable[int | None]) -> set[int]:
    """The farmer-nursery operators (producer ids) among these that the caller may name."""
    ids = {pk for pk in producer_ids if pk}
    if not ids or not scope.sees_personal_data:
        return set()
    return set(registry.producer_list(scope=scope).filter(pk__in=ids).values_list("pk", flat=True))


def with_stock(qs: QuerySet[Nursery]) -> QuerySet[Nursery]:
    """Nurseries annotated with what they hold now: ``stock_<kind>`` for each kind of batch."""
    left = F("batches__count") - F("batches__taken")
    return qs.annotate(
        **{
            f"stock_{kind}": Coalesce(Sum(left, filter=Q(batches__kind=kind)), 0)
            for kind in BatchKind.values
        }
    )


def batch_list(
    *,
    scope: Scope,
    nursery: Nursery | None = None,
    kind: str | None = None,
    region: str | None = None,
    in_stock: bool = False,
) -> QuerySet[Batch]:
    """Batches at nurseries for every role that sees aggregates; those a farmer holds (plantain
    returns) only for roles that see that farmer."""
    require_aggregates(scope)
    qs = Batch.objects.select_related(
        f"nursery__{REGION}", "clone", "source", "origin_batch", "holder", "repays"
    )
    held = qs.filter(holder__isnull=False)
    if scope.sees_personal_data:
        held = by_producer(scope, held, "holder__")
        qs = qs.filter(Q(nursery__isnull=False) | Q(pk__in=held.values("pk")))
    else:
        qs = qs.filter(nursery__isnull=False)
    if nursery is not None:
        qs = qs.filter(nursery=nursery)
    if _choice(kind, BatchKind.values, "kind"):
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(
            Q(**_region_q(region, f"nursery__{REGION}"))
            | Q(**_region_q(region, f"holder__{PRODUCER_REGION}"))
        )
    if in_stock:
        qs = qs.filter(taken__lt=F("count"))
    return qs.order_by("code")


def batch_get(*, scope: Scope, pk: int) -> Batch:
    batch = batch_list(scope=scope).filter(pk=pk).first()
    if batch is None:
        raise NotFound(f"batch {pk} does not exist or is outside your scope")
    return batch


def distribution_list(
    *,
    scope: Scope,
    kind: str | None = None,
    region: str | None = None,
    batch: Batch | None = None,
    plot: Plot | None = None,
) -> QuerySet[Distribution]:
    qs = by_producer(
        scope,
        Distribution.objects.select_related(
            f"producer__{PRODUCER_REGION}",
            "plot",
            "batch__nursery",
            "batch__clone",
            "batch__holder",
            "received_by_agent",
        ),
        "producer__",
    )
    if _choice(kind, BatchKind.values, "kind"):
        qs = qs.filter(batch__kind=kind)
    if region:
        qs = qs.filter(**_region_q(region, f"producer__{PRODUCER_REGION}"))
    if batch is not None:
        qs = qs.filter(batch=batch)
    if plot is not None:
        qs = qs.filter(plot=plot)
    return qs.order_by("-date", "-id")


def distribution_get(*, scope: Scope, pk: int) -> Distribution:
    found = distribution_list(scope=scope).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"distribution {pk} does not exist or is outside your scope")
    return found


def source_list(*, scope: Scope) -> QuerySet[MaterialSource]:
    """Mother plants and budwood gardens on the plots the caller may see."""
    qs = MaterialSource.objects.select_related(
        "clone", f"plot__{PRODUCER_REGION}", "plot__producer"
    )
    return by_producer(scope, qs, "plot__producer__").order_by("code")


def source_by_code(*, scope: Scope, code: str) -> MaterialSource:
    found = source_list(scope=scope).filter(code__iexact=code.strip()).first()
    if found is None:
        raise NotFound(f"source: no mother plant or budwood garden {code!r} in your scope")
    return found


def plot_by_code(*, scope: Scope, code: str) -> Plot:
    found = registry.plot_list(scope=scope).filter(code__iexact=code.strip()).first()
    if found is None:
        raise NotFound(f"plot: no plot {code!r} in your scope")
    return found
