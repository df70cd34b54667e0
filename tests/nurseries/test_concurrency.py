"""Two agents handing out the same seedlings at the same moment: one of them is refused.

PostgreSQL only: there the service locks the batch row (select_for_update), so the second
transaction waits for the first and then sees the seedlings gone. SQLite runs one write
transaction at a time; the database check behind the service is tested in test_services.
"""

from __future__ import annotations

import threading
from importlib import import_module
from typing import Any

import pytest
from django.db import connection

from chacra.errors import Conflict
from chacra.nurseries import services
from chacra.nurseries.models import Batch, Distribution
from chacra.registry.models import Clone
from tests.nurseries.scenario import build, day

CLONES = import_module("chacra.registry.migrations.0002_clone_catalogue").CLONES


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_concurrent_over_distribution_is_refused() -> None:
    # A transactional test may follow a live-server test whose flush took the migrated catalogue.
    for code, name, group, self_compatible in CLONES:
        Clone.objects.get_or_create(
            code=code, defaults={"name": name, "group": group, "self_compatible": self_compatible}
        )
    s = build()  # S1 holds 50 seedlings
    start = threading.Barrier(2)
    results: list[Any] = []

    def agent(plot: Any) -> None:
        try:
            start.wait()
            results.append(
                services.distribution_record(
                    actor=None, batch=s.s1, plot=plot, count=40, date=day(2014, 7), signed_by="x"
                )
            )
        except Conflict as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=agent, args=(p,)) for p in (s.b1, s.d1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    made = [r for r in results if isinstance(r, Distribution)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(made), len(refused)) == (1, 1)
    # The material's name is in the threads' language; the figures are not.
    assert "holds 10 " in refused[0].message
    assert "(490 of 500 already taken)" in refused[0].message
    assert Batch.objects.get(pk=s.s1.pk).taken == 490
