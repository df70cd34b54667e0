"""Trace back and forward on a chain whose answers are known to the gram."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chacra.supply import services
from chacra.supply.trace import trace_back, trace_forward
from tests.supply.scenario import DAY, Chain, buy

D = Decimal


def test_shipment_traces_back_to_every_plot_with_kg(chain: Chain) -> None:
    trace = trace_back(chain.shipment)
    assert trace.by_plot() == {
        chain.a1.pk: (D("120.00"), D("360.00")),
        chain.a2.pk: (D("80.00"), D("240.00")),
        chain.b1.pk: (D("100.00"), D("300.00")),
    }
    assert trace.by_producer() == {
        chain.a.pk: (D("200.00"), D("600.00")),
        chain.b.pk: (D("100.00"), D("300.00")),
    }
    assert round(sum(o.kg for o in trace.origins), 9) == 300
    assert trace.harvest() == (DAY, DAY)
    assert {o.purchase_id for o in trace.origins} == {chain.pa.pk, chain.pb.pk}


def test_lot_traces_back_proportionally_through_the_split(chain: Chain) -> None:
    trace = trace_back(chain.part_200)
    assert trace.by_plot() == {
        chain.a1.pk: (D("80.00"), D("240.00")),
        chain.a2.pk: (D("53.33"), D("160.00")),
        chain.b1.pk: (D("66.67"), D("200.00")),
    }
    wet = trace_back(chain.collected)
    assert wet.by_plot()[chain.b1.pk] == (D("500.00"), D("500.00"))


def test_merge_of_split_parts_counts_each_origin_once(chain: Chain) -> None:
    # the two halves of one lot meet again: the same kilos must not be counted twice
    rest = services.lot_split(actor=None, lot=chain.part_200, parts=["120", "80"], date=DAY)
    merged = services.lot_merge(actor=None, lots=rest, date=DAY)
    trace = trace_back(merged)
    assert trace.by_plot() == {
        chain.a1.pk: (D("80.00"), D("240.00")),
        chain.a2.pk: (D("53.33"), D("160.00")),
        chain.b1.pk: (D("66.67"), D("200.00")),
    }


def test_plot_traces_forward_to_every_lot_and_shipment(chain: Chain) -> None:
    held = {(h.kind, h.id): (h.kg, h.purchased_kg) for h in trace_forward(plot_ids=[chain.a1.pk])}
    assert held == {
        ("lot", chain.collected.pk): (D("600.00"), D("600.00")),
        ("lot", chain.fermented.pk): (D("540.00"), D("600.00")),
        ("lot", chain.dried.pk): (D("200.00"), D("600.00")),
        ("lot", chain.part_300.pk): (D("120.00"), D("360.00")),
        ("lot", chain.part_200.pk): (D("80.00"), D("240.00")),
        ("shipment", chain.shipment.pk): (D("120.00"), D("360.00")),
    }


def test_producer_forward_covers_all_her_plots(chain: Chain) -> None:
    held = trace_forward(plot_ids=[chain.a1.pk, chain.a2.pk])
    shipment = next(h for h in held if h.kind == "shipment")
    assert shipment.kg == D("200.00")
    assert shipment.by_plot == {chain.a1.pk: D("120.00"), chain.a2.pk: D("80.00")}


def test_a_plot_whose_beans_went_nowhere_yet_has_no_holdings(chain: Chain) -> None:
    from tests.supply.scenario import plot

    fresh = plot(chain.b, "TB2", 9)
    buy(chain.coop, chain.b, "R-9", [(fresh, "50")])
    assert trace_forward(plot_ids=[fresh.pk]) == []


def test_forward_needs_a_plot() -> None:
    from chacra.errors import InvalidInput

    with pytest.raises(InvalidInput, match="at least one plot"):
        trace_forward(plot_ids=[])


def test_a_lot_traces_forward_to_its_shipment(chain: Chain) -> None:
    held = {(h.kind, h.id): h.kg for h in trace_forward(lot=chain.fermented)}
    assert held == {
        ("lot", chain.dried.pk): D("500.00"),
        ("lot", chain.part_300.pk): D("300.00"),
        ("lot", chain.part_200.pk): D("200.00"),
        ("shipment", chain.shipment.pk): D("300.00"),
    }
