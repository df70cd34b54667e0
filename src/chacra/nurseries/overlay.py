"""The map's nurseries overlay: where nurseries are, their kind, capacity and stock; no person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chacra.nurseries.models import BatchKind, Nursery
from chacra.nurseries.selectors import with_stock


def nursery_features() -> Iterator[tuple[Any, dict[str, Any]]]:
    """(location, properties) of every nursery with a location. A farmer nursery's operator is
    not named: the overlay is drawn for every role that opens the map's layers."""
    nurseries = with_stock(
        Nursery.objects.filter(location__isnull=False).select_related("distrito")
    ).order_by("code")
    for n in nurseries:
        stock = {k: int(getattr(n, f"stock_{k}") or 0) for k in BatchKind.values}
        yield (
            n.location,
            {
                "name": n.name,
                "code": n.code,
                "kind": n.kind,
                "capacity": n.capacity,
                "distrito": n.distrito.name,
                "stock": sum(stock.values()),
                **{f"stock_{k}": v for k, v in stock.items()},
            },
        )
