"""The plantain ledger on the demo against a plain count, row by row, of every donation each
role may see: the grouped queries must give the same figures, order and cascades."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from chacra.accounts.scope import scope_for
from chacra.nurseries.ledger import Balance, plantain_ledger
from chacra.nurseries.models import BatchKind, Distribution
from chacra.registry.selectors import producer_list

ALL = 10**6  # rows: every producer, comunidad and cascade


def _counted(username: str) -> dict[str, Any]:
    """Balances and cascades summed in Python from the rows themselves."""
    scope = scope_for(get_user_model().objects.get(username=username))
    rows = Distribution.objects.filter(batch__kind=BatchKind.PLANTAIN).select_related(
        "batch", "producer__comunidad__distrito__provincia__departamento"
    )
    plantain = list(rows)
    seen = (
        set(producer_list(scope=scope).values_list("pk", flat=True))
        if scope.sees_personal_data
        else {d.producer_id for d in plantain}
    )
    onward: dict[int, int] = defaultdict(int)
    for d in plantain:
        if d.batch.repays_id is not None:
            onward[d.batch.repays_id] += d.count
    groups: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(dict)
    for d in plantain:
        if d.obligation == 0 or d.producer_id not in seen:
            continue
        c = d.producer.comunidad
        region = c.distrito.provincia.departamento
        for level, key in (
            ("region", (region.ubigeo, region.name)),
            ("comunidad", (str(c.pk), f"{c.name} ({c.distrito.name})")),
            ("producer", (d.producer.code, d.producer.code)),
        ):
            sums = groups[level].setdefault(key, [0] * 5)
            for i, n in enumerate((1, d.count, d.obligation, d.returned, onward[d.pk])):
                sums[i] += n
    cascades: dict[int, list[Distribution]] = defaultdict(list)
    for d in plantain:
        cascades[d.root_id or d.pk].append(d)
    originals = [
        o for o in plantain if o.generation == 1 and o.obligation > 0 and o.producer_id in seen
    ]
    return {
        level: {k: Balance(k[0], k[1], *sums) for k, sums in found.items()}
        for level, found in groups.items()
    } | {
        "cascades": {
            o.code: (
                max(d.generation for d in cascades[o.pk]),
                len({d.producer_id for d in cascades[o.pk]}),
                sum(d.returned for d in cascades[o.pk]),
            )
            for o in originals
        }
    }


@pytest.mark.parametrize("username", ["staff", "regional-sm", "agent-sm-01", "investor"])
def test_the_ledger_gives_the_rows_own_figures(demo_db: Any, username: str) -> None:
    counted = _counted(username)
    scope = scope_for(get_user_model().objects.get(username=username))
    ledger = plantain_ledger(scope=scope, limit=ALL)
    assert ledger.by_region == sorted(counted["region"].values(), key=lambda b: b.label)
    assert ledger.totals.outstanding == sum(b.outstanding for b in ledger.by_region) > 0
    if not scope.sees_personal_data:
        assert (ledger.by_comunidad, ledger.by_producer, ledger.cascades) == ([], [], [])
        return
    producers = counted["producer"].values()
    assert ledger.by_producer == sorted(producers, key=lambda b: (-b.outstanding, b.key))
    assert any(b.redistributed for b in ledger.by_producer)  # returns went onward here too
    assert {b.key: b for b in ledger.by_comunidad} == {
        b.key: b for b in counted["comunidad"].values()
    }
    assert [b.outstanding for b in ledger.by_comunidad] == sorted(
        (b.outstanding for b in ledger.by_comunidad), reverse=True
    )
    assert {c.original: (c.generations, c.farmers, c.returned) for c in ledger.cascades} == (
        counted["cascades"]
    )
    assert ledger.originals == len(counted["cascades"])
    top = plantain_ledger(scope=scope, limit=5)
    assert top.by_producer == ledger.by_producer[:5]
    assert top.by_comunidad == ledger.by_comunidad[:5]
