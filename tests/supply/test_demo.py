"""The supply demo on the demo programme: every rule holds and every shipment traces back."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from chacra.errors import Conflict
from chacra.registry.management.commands.demo import Command as DemoCommand
from chacra.supply.demo import supply_demo_build
from chacra.supply.models import Purchase, Shipment
from chacra.supply.trace import trace_back


def test_supply_demo_builds_a_traceable_season(demo_db: Any) -> None:
    report = supply_demo_build(producers_per_coop=4)
    assert report.shipments == Shipment.objects.count() > 0
    assert report.purchases == Purchase.objects.count()
    for shipment in Shipment.objects.all():
        by_plot = trace_back(shipment).by_plot()
        total = sum((kg for kg, _ in by_plot.values()), Decimal(0))
        assert abs(total - shipment.kg) <= Decimal("0.01") * len(by_plot)
    with pytest.raises(Conflict, match="loads once"):
        supply_demo_build()


def test_chacra_demo_loads_a_supply_season_after_the_registry(demo_db: Any) -> None:
    out = io.StringIO()
    DemoCommand(stdout=out)._supply(producers_per_coop=4)
    assert Purchase.objects.exists()
    assert Shipment.objects.exists()
    assert f"{Purchase.objects.count()} purchases" in out.getvalue()
