"""Two clerks taking the same kilos at the same moment: one of them is refused.

PostgreSQL only: there the service locks the purchase row (select_for_update), so the second
transaction waits for the first and then sees the kilos gone. SQLite runs one write transaction
at a time; the database check that backs the service on both is tested below.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from chacra.errors import Conflict
from chacra.supply import services
from chacra.supply.models import Lot, Purchase
from tests.supply.scenario import DAY, Chain, build_chain


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_double_use_is_refused() -> None:
    chain = build_chain()
    chain.pb.refresh_from_db()
    assert chain.pb.allocated_kg == Decimal("500.00")  # 500 kg left
    start = threading.Barrier(2)
    results: list[Any] = []

    def clerk() -> None:
        try:
            start.wait()
            results.append(
                services.lot_collect(actor=None, purchases=[(chain.pb.pk, "400")], date=DAY)
            )
        except Conflict as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    made = [r for r in results if isinstance(r, Lot)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(made), len(refused)) == (1, 1)
    assert "has 100.00 kg left" in refused[0].message or "taken meanwhile" in refused[0].message
    assert Purchase.objects.get(pk=chain.pb.pk).allocated_kg == Decimal("900.00")


def test_the_database_refuses_more_kilos_than_a_purchase_has(chain: Chain) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Purchase.objects.filter(pk=chain.pb.pk).update(allocated_kg=Decimal("1000.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.filter(pk=chain.part_200.pk).update(allocated_kg=Decimal("200.01"))
