"""Demand for planned hectares against nursery stock, and a plot against its model."""

from __future__ import annotations

import pytest

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied
from chacra.nurseries import services
from chacra.nurseries.models import AgroforestryModel
from chacra.nurseries.planning import demand_totals, demand_vs_stock, plot_comparison
from tests.nurseries.scenario import REGION, Scenario, day

STAFF = Scope(role=Role.STAFF)


@pytest.fixture
def planned(scenario: Scenario) -> Scenario:
    """Plans for Loreto: 0.5 ha in Aug 2016, 1 ha in Oct 2016; 1,000 seedlings ready in Sep."""
    region = scenario.a.comunidad.distrito.provincia.departamento
    model = services.agroforestry_model_define(
        actor=None, code="AF-TEST", name="Test", cacao_per_ha=1000, plantain_per_ha=500,
        timber_per_ha=100, budwood_per_ha=100, clone_mix={"ICS-95": 60, "TSH-565": 40},
        region=region,
    )  # fmt: skip
    services.planting_plan_set(
        actor=None, region=region, month=day(2016, 8), hectares="0.5", model=model
    )
    services.planting_plan_set(
        actor=None, region=region, month=day(2016, 10), hectares=1, model=model
    )
    services.batch_start(
        actor=None, kind="cacao_seedling", count=1000, started_on=day(2016, 3),
        ready_on=day(2016, 9), nursery=scenario.v1,
    )  # fmt: skip
    return scenario


def test_demand_is_served_in_order_from_stock_ready_by_each_month(planned: Scenario) -> None:
    rows = {(r.month.month, r.material): r for r in demand_vs_stock(scope=STAFF, region=REGION)}
    got = {k: (r.needed, r.stock, r.supplied, r.shortfall) for k, r in rows.items()}
    assert got == {
        # S1 still holds 50 seedlings; the 1,000 ready in September serve October
        (8, "cacao_seedling"): (500, 50, 50, 450),
        (10, "cacao_seedling"): (1000, 1000, 1000, 0),
        # BW1 holds 10 sticks and BW2 20
        (8, "budwood"): (50, 30, 30, 20),
        (10, "budwood"): (100, 0, 0, 100),
        # P0 holds 800 suckers at V2 and A still holds R2's 150
        (8, "plantain"): (250, 950, 250, 0),
        (10, "plantain"): (500, 700, 500, 0),
        (8, "timber"): (50, 200, 50, 0),
        (10, "timber"): (100, 150, 100, 0),
    }


def test_totals_name_the_first_month_short(planned: Scenario) -> None:
    totals = {t.material: t for t in demand_totals(demand_vs_stock(scope=STAFF, region=REGION))}
    cacao = totals["cacao_seedling"]
    assert (cacao.needed, cacao.supplied, cacao.shortfall) == (1500, 1050, 450)
    assert cacao.first_short == day(2016, 8)
    assert totals["plantain"].first_short is None


def test_a_later_plan_for_the_same_month_replaces_the_earlier(planned: Scenario) -> None:
    region = planned.a.comunidad.distrito.provincia.departamento
    services.planting_plan_set(
        actor=None, region=region, month=day(2016, 8), hectares=0,
        model=AgroforestryModel.objects.get(code="AF-TEST"),
    )  # fmt: skip
    rows = {(r.month.month, r.material): r for r in demand_vs_stock(scope=STAFF, region=REGION)}
    assert rows[(8, "cacao_seedling")].needed == 0
    assert rows[(10, "cacao_seedling")].supplied == 1000


def test_demand_needs_a_login() -> None:
    with pytest.raises(AccessDenied):
        demand_vs_stock(scope=Scope(role=None))


def test_a_plot_compared_with_its_model(planned: Scenario) -> None:
    a1 = plot_comparison(scope=STAFF, plot=planned.a1)
    assert a1 is not None
    parts = {c.material: c for c in a1.components}
    assert parts["cacao_seedling"].per_ha_plot == pytest.approx(1000)
    assert parts["cacao_seedling"].follows
    assert parts["plantain"].per_ha_plot == pytest.approx(666.67, abs=0.01)
    assert not parts["plantain"].follows
    assert not a1.follows  # not grafted: its clone mix is all missing
    assert a1.mix_gap == pytest.approx(0.5)


def test_a_grafted_plots_clone_mix_against_the_model(planned: Scenario) -> None:
    b1 = plot_comparison(scope=STAFF, plot=planned.b1)
    assert b1 is not None
    mix = {m.clone: (m.model_share, round(m.plot_share, 3)) for m in b1.mix}
    assert mix == {"ICS-95": (0.6, 0.667), "TSH-565": (0.4, 0.333)}
    assert b1.mix_gap == pytest.approx(0.0667, abs=0.001)
    budwood = next(c for c in b1.components if c.material == "budwood")
    assert (budwood.delivered, budwood.hectares) == (50, b1.grafted_ha)
