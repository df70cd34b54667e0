"""Purchases, post-harvest tonnes, farmers' nursery work and funds leveraged: hand counts on the
built programme, with every breakdown summing to its total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.monitoring import computed, services
from chacra.monitoring.computed import Breakdown, basis_for
from chacra.monitoring.ledger import FarmersRow, farmers_by_region, farmers_inkind
from chacra.monitoring.models import Currency, InKindActivity, InKindUnitValue, Nature, Sector
from chacra.registry.models import Organisation, OrganisationKind, Producer
from tests.monitoring.records import add_nurseries, add_supply
from tests.monitoring.scenario import DAY, REGION, build

pytestmark = pytest.mark.django_db
REGION_NAME = "Región Prueba"


@pytest.fixture
def built() -> dict[str, Any]:
    built = build()
    add_supply(built)
    add_nurseries(built)
    return built


def _basis(scope: Scope | None = None, region: str | None = REGION) -> computed.Basis:
    return basis_for(scope=scope or Scope(role=Role.STAFF), region=region)


def _sums_to_total(b: Breakdown, people: bool) -> None:
    assert sum(b.by_region.values()) == pytest.approx(b.total)
    assert sum(b.by_year.values()) == pytest.approx(b.total)
    if people:
        assert sum(b.by_sex.values()) == pytest.approx(b.total)


def test_producers_with_purchases_count_each_seller_once(built: dict[str, Any]) -> None:
    b = computed.producers_purchases(_basis())
    assert b.total == 3  # producer 0 sold twice
    assert b.by_sex == {"F": 1, "M": 2}
    assert b.by_year == {2014: 1, 2015: 2}  # producer 0 counts in 2014, her first sale
    assert b.by_region == {REGION_NAME: 3}
    _sums_to_total(b, people=True)


def test_tonnes_post_harvest_count_drying_in_the_region_only(built: dict[str, Any]) -> None:
    for region in (REGION, REGION_NAME):  # by ubigeo or by name
        b = computed.tonnes_post_harvest(_basis(region=region))
        assert b.total == 3.75  # 1,500 kg at the plant + 2,250 kg with no facility
        assert b.by_year == {2014: 1.5, 2015: 2.25}
        assert b.by_region == {REGION_NAME: 3.75}
        _sums_to_total(b, people=False)


def test_a_regional_office_counts_its_own_regions_tonnes(built: dict[str, Any]) -> None:
    office = Scope(role=Role.REGIONAL, region_id=built["region"].pk)
    b = computed.tonnes_post_harvest(_basis(office, region=None))
    assert b.total == 3.75  # not the other region's tonne
    everywhere = computed.tonnes_post_harvest(_basis(region=None))
    assert everywhere.by_region["Región Otra"] == 1.0


def _price_nursery_work(staff: Any) -> None:
    InKindUnitValue.objects.all().delete()  # only these count (the demo sets its own)
    for activity, usd in (
        (InKindActivity.PLANTAIN_RETURNED, "0.50"),
        (InKindActivity.BUDWOOD, "0.20"),
        (InKindActivity.NURSERY_BUILDING, "300"),
    ):
        services.unit_value_set(
            actor=staff, activity=activity, usd_per_unit=Decimal(usd),
            valid_from=dt.date(2012, 1, 1),
        )  # fmt: skip


def test_farmers_nursery_work_is_valued_from_the_nursery_ledger(built: dict[str, Any]) -> None:
    _price_nursery_work(built["staff"])
    producers = Producer.objects.filter(comunidad__distrito__provincia__departamento__ubigeo=REGION)
    by_year = {a.year: a.usd for a in farmers_inkind(producers)}
    # 2014: a nursery (300) + 200 sticks x 0.20 (40); 2015: 60 suckers x 0.50 (30)
    assert by_year == {2014: 340.0, 2015: 30.0}
    # producers 1 (nursery), 2 (budwood) and 3 (suckers); not the municipal nursery's operator
    assert farmers_by_region(producers) == [FarmersRow(REGION_NAME, 3, 370.0)]


def test_funds_leveraged_add_partners_and_farmers_but_not_the_donor(
    built: dict[str, Any],
) -> None:
    staff = built["staff"]
    _price_nursery_work(staff)
    for name, sector in (("Empresa L", Sector.PRIVATE), ("Donante L", Sector.DONOR)):
        org = Organisation.objects.create(name=name, kind=OrganisationKind.BUYER)
        partner = services.partner_register(actor=staff, organisation=org, sector=sector)
        services.contribution_record(
            actor=staff, partner=partner, date=DAY, amount=Decimal("2800"), currency=Currency.PEN,
            nature=Nature.CASH, region=built["region"],
        )  # fmt: skip
    b = computed.funds_leveraged(_basis())
    assert b.total == 1000 + 370  # S/ 2,800 at 2.80 from the company, and the farmers' work
    assert b.by_year == {2014: 1340, 2015: 30}
    assert b.by_region == {REGION_NAME: 1370}
    _sums_to_total(b, people=False)
