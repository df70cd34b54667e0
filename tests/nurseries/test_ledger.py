"""The plantain ledger's arithmetic: twice the count owed, partial returns, returns redistributed
onward to new farmers, generations, and what the original donation produced in the end."""

from __future__ import annotations

import pytest

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import Conflict
from chacra.nurseries import services
from chacra.nurseries.ledger import plantain_ledger
from tests.nurseries.scenario import REGION, Scenario, day, give

STAFF = Scope(role=Role.STAFF)
INVESTOR = Scope(role=Role.INVESTOR)


def test_a_donation_owes_twice_its_count_and_partial_returns_add_up(scenario: Scenario) -> None:
    d5 = scenario.d5_plantain
    d5.refresh_from_db()
    assert (d5.obligation, d5.returned, d5.outstanding) == (400, 400, 0)
    d6 = scenario.d6_plantain
    d6.refresh_from_db()
    assert (d6.obligation, d6.returned, d6.outstanding) == (500, 100, 400)
    assert scenario.r1.count + scenario.r2.count == 400


def test_balances_by_producer_count_what_went_onward(scenario: Scenario) -> None:
    ledger = plantain_ledger(scope=STAFF, region=REGION)
    rows = {b.key: b for b in ledger.by_producer}
    a, c, d = rows[scenario.a.code], rows[scenario.c.code], rows[scenario.d.code]
    assert (a.received, a.owed, a.returned, a.outstanding, a.redistributed) == (
        200,
        400,
        400,
        0,
        250,
    )
    assert (c.received, c.owed, c.returned, c.outstanding, c.redistributed) == (
        250,
        500,
        100,
        400,
        100,
    )
    assert (d.received, d.owed, d.returned, d.outstanding, d.redistributed) == (100, 200, 0, 200, 0)
    # those owing most first
    assert [b.key for b in ledger.by_producer] == [
        scenario.c.code,
        scenario.d.code,
        scenario.a.code,
    ]


def test_totals_comunidad_and_region_agree(scenario: Scenario) -> None:
    ledger = plantain_ledger(scope=STAFF, region=REGION)
    t = ledger.totals
    assert (t.donations, t.received, t.owed, t.returned, t.outstanding) == (3, 550, 1100, 500, 600)
    assert t.redistributed == 350
    (comunidad,) = ledger.by_comunidad
    assert comunidad.outstanding == 600
    assert comunidad.label == f"{scenario.a.comunidad.name} ({scenario.a.comunidad.distrito.name})"
    (region,) = ledger.by_region
    assert (region.label, region.outstanding) == ("Loreto", 600)


def test_generations_and_what_the_original_donation_produced(scenario: Scenario) -> None:
    ledger = plantain_ledger(scope=STAFF, region=REGION)
    assert [(g.generation, g.donations, g.farmers, g.suckers) for g in ledger.generations] == [
        (1, 1, 1, 200),
        (2, 1, 1, 250),
        (3, 1, 1, 100),
    ]
    assert ledger.originals == 1
    assert ledger.reached_generations == {3: 1}
    (cascade,) = ledger.cascades
    assert cascade.original == scenario.d5_plantain.code
    assert (cascade.generations, cascade.farmers) == (3, 3)
    assert (cascade.count, cascade.given_onward, cascade.returned) == (200, 350, 500)
    assert cascade.outstanding == 600
    assert ledger.produced_per_original == 2.5


def test_returns_redistributed_onward_start_the_next_generation(scenario: Scenario) -> None:
    """R2 (150 suckers A returned) goes to B: generation 2 of the same cascade, owing 300."""
    onward = give(scenario.r2, scenario.b1, 150, day(2015, 4))
    assert (onward.generation, onward.obligation, onward.root_id) == (
        2, 300, scenario.d5_plantain.pk,
    )  # fmt: skip
    ledger = plantain_ledger(scope=STAFF, region=REGION)
    (cascade,) = ledger.cascades
    assert (cascade.farmers, cascade.given_onward) == (4, 500)
    a = next(b for b in ledger.by_producer if b.key == scenario.a.code)
    assert a.redistributed == 400


def test_a_return_beyond_what_is_owed_is_refused_and_writes_nothing(scenario: Scenario) -> None:
    with pytest.raises(
        Conflict, match=r"owes 200 suckers .* cannot return 201; accepted: at most 200"
    ):
        services.plantain_return_record(
            actor=None, distribution=scenario.d7_plantain, count=201, date=day(2015, 12)
        )
    scenario.d7_plantain.refresh_from_db()
    assert scenario.d7_plantain.returned == 0
    assert not scenario.d7_plantain.returns.exists()


def test_investors_get_totals_regions_and_generations_but_no_producers(scenario: Scenario) -> None:
    ledger = plantain_ledger(scope=INVESTOR, region=REGION)
    assert ledger.totals.outstanding == 600
    assert ledger.reached_generations == {3: 1}
    assert ledger.by_producer == []
    assert ledger.by_comunidad == []
    assert ledger.cascades == []
