"""Each computed indicator equals a hand count on a built programme; breakdowns sum to totals."""

from __future__ import annotations

from typing import Any

import pytest

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.monitoring import computed
from chacra.monitoring.computed import Breakdown, basis_for
from tests.monitoring.scenario import REGION, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def built() -> dict[str, Any]:
    return build()


def _basis() -> computed.Basis:
    return basis_for(scope=Scope(role=Role.STAFF), region=REGION)


def _sums_to_total(b: Breakdown, people: bool) -> None:
    assert sum(b.by_region.values()) == pytest.approx(b.total)
    assert sum(b.by_year.values()) == pytest.approx(b.total)
    if people:
        assert sum(b.by_sex.values()) == pytest.approx(b.total)


def test_families_are_the_registered_producers_by_sex_and_year(built: dict[str, Any]) -> None:
    b = computed.families(_basis())
    assert b.total == 5
    assert b.by_sex == {"F": 3, "M": 2}
    assert b.by_year == {2013: 3, 2014: 2}
    assert b.by_region == {"Región Prueba": 5}
    _sums_to_total(b, people=True)


def test_hectares_planted_agroforestry_and_georeferenced_by_hand(built: dict[str, Any]) -> None:
    basis = _basis()
    planted = computed.hectares_planted(basis)
    assert planted.total == 15  # 1 + 2 + 3 + 4 + 5
    assert planted.by_year == {2014: 9, 2015: 6}  # plots 0, 2, 4 in 2014; 1, 3 in 2015
    assert planted.by_sex == {"F": 6, "M": 9}
    _sums_to_total(planted, people=True)
    agroforestry = computed.hectares_agroforestry(basis)
    assert agroforestry.total == 9  # plots 0, 2, 4 have timber trees
    _sums_to_total(agroforestry, people=False)
    georeferenced = computed.hectares_georeferenced(basis)
    assert georeferenced.total == 10  # plots 0-3 are mapped; plot 4 is not
    _sums_to_total(georeferenced, people=False)


def test_organisations_trained_count_those_with_a_trained_member(built: dict[str, Any]) -> None:
    b = computed.organisations_trained(_basis())
    assert b.total == 1  # coop A; coop B's member had technical assistance only
    assert b.by_year == {2014: 1}
    assert b.by_region == {"Región Prueba": 1}
    _sums_to_total(b, people=False)


def test_finance_indicators_by_hand(built: dict[str, Any]) -> None:
    basis = _basis()
    value = computed.loans_value(basis)
    # 1,000 US$ + S/ 3,200 at 3.20 (1,000 US$) + 500 US$
    assert value.total == 2500
    assert value.by_year == {2014: 1000, 2015: 1500}
    _sums_to_total(value, people=True)
    families = computed.families_finance(basis)
    assert families.total == 2  # producer 0 twice, producer 3 once
    assert families.by_sex == {"F": 1, "M": 1}
    assert families.by_year == {2014: 1, 2015: 1}
    unsupported = computed.families_finance_unsupported(basis)
    assert unsupported.total == 1
    assert unsupported.by_sex == {"F": 0, "M": 1}


def test_another_region_counts_nothing_of_the_built_one(built: dict[str, Any]) -> None:
    basis = basis_for(scope=Scope(role=Role.STAFF), region="Región que no existe")
    assert computed.families(basis).total == 0
    assert computed.loans_value(basis).total == 0
