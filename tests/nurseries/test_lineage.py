"""Lineage both ways on the built scenario: plot back to mother plant, mother plant forward."""

from __future__ import annotations

from decimal import Decimal

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.nurseries.lineage import batch_forward, plot_lineage, source_forward
from tests.nurseries.scenario import Scenario

STAFF = Scope(role=Role.STAFF)


def test_a_planting_traces_back_through_batches_and_nursery_to_the_mother_plant(
    scenario: Scenario,
) -> None:
    lineage = plot_lineage(scope=STAFF, plot=scenario.a1)
    planting = next(c for c in lineage.chains if c.use == "planting" and c.clone)
    assert [s.code for s in planting.steps] == [
        scenario.d1_seedlings.code,
        scenario.s1.code,
        scenario.bw1.code,
        scenario.mother.code,
    ]
    assert planting.count == 300
    assert planting.clone == "ICS-95"
    assert planting.nurseries == [f"at Vivero Prueba ({scenario.v1.code}, farmer nursery)"] * 2
    assert planting.sources == [scenario.mother.code]


def test_material_delivered_but_not_linked_is_shown_as_delivered(scenario: Scenario) -> None:
    lineage = plot_lineage(scope=STAFF, plot=scenario.a1)
    delivered = {c.steps[0].code: c.count for c in lineage.chains if c.use == "delivered"}
    assert delivered == {scenario.d5_plantain.code: 200, scenario.d8_bolaina.code: 100}


def test_plantain_traces_back_through_the_returns_to_the_nursery(scenario: Scenario) -> None:
    """D's suckers came from C's return of what C got from A's return of V2's donation."""
    lineage = plot_lineage(scope=STAFF, plot=scenario.d1)
    (chain,) = lineage.chains
    assert [s.code for s in chain.steps] == [
        scenario.d7_plantain.code,
        scenario.r3.code,
        scenario.d6_plantain.code,
        scenario.r1.code,
        scenario.d5_plantain.code,
        scenario.p0.code,
    ]
    assert chain.steps[1].where == f"returned by {scenario.c.code}"
    assert chain.steps[-1].nursery == scenario.v2.code


def test_clone_composition_of_a_grafted_plot(scenario: Scenario) -> None:
    lineage = plot_lineage(scope=STAFF, plot=scenario.b1)
    rows = {c.clone: c for c in lineage.composition}
    assert set(rows) == {"ICS-95", "TSH-565"}
    assert rows["ICS-95"].grafted_ha == Decimal("0.20")
    assert round(rows["ICS-95"].share, 3) == 0.667
    assert rows["ICS-95"].sources == [scenario.mother.code]
    assert rows["TSH-565"].sources == [scenario.garden.code]
    assert all(r.traced for r in rows.values())


def test_a_mother_plant_reaches_every_plot_that_got_its_material(scenario: Scenario) -> None:
    forward = source_forward(scope=STAFF, source=scenario.mother)
    got = {(r.plot_code, r.kind, r.count) for r in forward.reached}
    assert got == {
        (scenario.a1.code, "cacao_seedling", 300),
        (scenario.b1.code, "budwood", 30),
        (scenario.c1.code, "cacao_seedling", 150),
    }
    a1 = next(r for r in forward.reached if r.plot_code == scenario.a1.code)
    assert a1.path == [scenario.bw1.code, scenario.s1.code]
    assert a1.uses == ["planting 2014-05 0.30 ha"]
    b1 = next(r for r in forward.reached if r.plot_code == scenario.b1.code)
    assert b1.uses == ["graft 2014-06 ICS-95 0.20 ha"]
    assert forward.plots == 3
    assert forward.hidden_plots == 0


def test_the_garden_reaches_only_its_own_clone(scenario: Scenario) -> None:
    forward = source_forward(scope=STAFF, source=scenario.garden)
    assert [(r.plot_code, r.clone, r.count) for r in forward.reached] == [
        (scenario.b1.code, "TSH-565", 20)
    ]


def test_forward_from_a_nursery_batch_follows_the_plantain_cascade(scenario: Scenario) -> None:
    forward = batch_forward(scope=STAFF, first=[scenario.p0])
    assert [(r.plot_code, r.count) for r in forward.reached] == [
        (scenario.a1.code, 200),
        (scenario.c1.code, 250),
        (scenario.d1.code, 100),
    ]
    assert {b.code for b in forward.batches} == {
        scenario.p0.code, scenario.r1.code, scenario.r2.code, scenario.r3.code,
    }  # fmt: skip
