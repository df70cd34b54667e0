"""Plausibility flags name their figures: yields past the ceiling, unmapped sellers, odd prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from chacra.registry.models import Clone, Graft, Planting
from chacra.supply.plausibility import (
    OVER_YIELD,
    PRICE_OUTLIER,
    UNMAPPED_PRODUCER,
    season_bounds,
    season_flags,
)
from tests.factories import ProducerFactory
from tests.supply.scenario import Chain, buy, plot


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _codes(flags: list[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in flags:
        out.setdefault(f.code, []).append(f)
    return out


def test_the_chain_alone_is_plausible(chain: Chain) -> None:
    assert season_flags(season=2015) == []


def test_a_young_small_plot_cannot_sell_that_much(chain: Chain) -> None:
    small = plot(chain.a, "TSMALL", 7)
    Planting.objects.create(
        plot=small, cacao_installed_ha=Decimal("0.20"), installed_on=dt.date(2013, 6, 1)
    )
    buy(chain.coop, chain.a, "R-Y1", [(small, "400")], date=dt.date(2015, 8, 1))
    (flag,) = _codes(season_flags(season=2015))[OVER_YIELD]
    assert flag.plot_id == small.pk
    # 400 kg wet x 0.40 = 160 kg dry; 0.2 ha of trees 943 days old (2.58 years) by the end of
    # 2015: 300 + 600 x 0.58 = 649 kg/ha, so 129.8 kg
    assert flag.figures["dry_equivalent_kg"] == 160.0
    assert flag.figures["ceiling_kg"] == 129.8
    assert "plot TSMALL sold 160 kg dry equivalent (400 kg wet x 0.4 + 0 kg dry)" in flag.message
    assert "0.20 ha of cacao can give at most 130 kg" in flag.message
    assert season_flags(season=2014) == []


def test_a_producer_with_no_mapped_plot_is_flagged(chain: Chain) -> None:
    unmapped = ProducerFactory(comunidad=chain.a.comunidad)
    somewhere = plot(unmapped, "TU1", 8)
    type(somewhere).objects.filter(pk=somewhere.pk).update(
        boundary=None, location=None, mapping_method="not_mapped"
    )
    buy(chain.coop, unmapped, "R-U1", [(somewhere, "30")])
    (flag,) = _codes(season_flags(season=2015))[UNMAPPED_PRODUCER]
    assert flag.producer_id == unmapped.pk
    assert f"producer {unmapped.code} sold 30.00 kg" in flag.message
    assert "with no plot mapped" in flag.message


def test_a_price_far_from_the_months_median_is_flagged(chain: Chain) -> None:
    for i in range(3):
        buy(chain.coop, chain.b, f"R-P{i}", [(chain.b1, "10")])
    odd = buy(chain.coop, chain.b, "R-ODD", [(chain.b1, "10")], price_per_kg="5.00")
    (flag,) = _codes(season_flags(season=2015))[PRICE_OUTLIER]
    assert flag.purchase_id == odd.pk
    assert flag.message == (
        "purchase R-ODD: S/ 5.00 per kg is 100% above the median S/ 2.50 of 6 wet (en baba) "
        "purchases in 2015-06"
    )


def test_seasons_may_start_in_another_month(settings: Any) -> None:
    settings.CHACRA_SEASON_START_MONTH = 4
    assert season_bounds(2015) == (dt.date(2015, 4, 1), dt.date(2016, 3, 31))


def test_the_yield_ceiling_curve_comes_from_the_settings_by_clone(
    chain: Chain, settings: Any
) -> None:
    # Mature trees (no planting recorded) on 1.5 ha: a ceiling of 100 kg/ha gives 150 kg.
    settings.CHACRA_YIELD_CEILING = {"default": [(1, 0), (5, 100)], "TSC-01": [(1, 0), (5, 200)]}
    flagged = {f.plot_id: f for f in _codes(season_flags(season=2015))[OVER_YIELD]}
    assert set(flagged) == {chain.a1.pk, chain.a2.pk, chain.b1.pk}  # 240, 160, 400 kg dry
    assert flagged[chain.a1.pk].figures["ceiling_kg"] == 150.0
    assert flagged[chain.a1.pk].figures["curve"] == "default"
    clone = Clone.objects.create(code="TSC-01", group="fine_flavour")
    Graft.objects.create(
        plot=chain.a1, clone=clone, grafted_ha=Decimal("1.5"), grafted_on=dt.date(2012, 1, 1)
    )
    flagged = {f.plot_id: f for f in _codes(season_flags(season=2015))[OVER_YIELD]}
    assert set(flagged) == {chain.a2.pk, chain.b1.pk}  # TA1's clone may give 300 kg


def test_the_price_tolerance_comes_from_the_settings(chain: Chain, settings: Any) -> None:
    for i in range(3):
        buy(chain.coop, chain.b, f"R-T{i}", [(chain.b1, "10")])
    buy(chain.coop, chain.b, "R-T9", [(chain.b1, "10")], price_per_kg="3.00")  # 20% above
    assert PRICE_OUTLIER not in _codes(season_flags(season=2015))
    settings.CHACRA_PRICE_TOLERANCE = 0.10
    (flag,) = _codes(season_flags(season=2015))[PRICE_OUTLIER]
    assert "S/ 3.00 per kg is 20% above the median S/ 2.50" in flag.message
