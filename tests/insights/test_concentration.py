"""H3 and distrito sums add up to the registry's totals; thin cells never show."""

from __future__ import annotations

from typing import Any

import pytest

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.insights import selectors
from chacra.registry.selectors import programme_totals

INVESTOR = Scope(role=Role.INVESTOR)


@pytest.mark.parametrize("resolution", [5, 6, 7, 8])
def test_hexagon_totals_equal_the_registry_totals(demo_db: Any, resolution: int) -> None:
    # Given the demo programme and its registry totals
    registry = programme_totals(scope=INVESTOR)
    # When an investor sums it on hexagons at any resolution
    found = selectors.concentration_hexagons(scope=INVESTOR, resolution=resolution)
    # Then published cells plus the suppressed row give the registry's figures exactly
    for name, key in [
        ("producers", "producers"),
        ("hectares_installed", "hectares_installed"),
        ("hectares_fine_flavour", "hectares_grafted_fine_flavour"),
    ]:
        published = sum(r[name] for r in found.rows) + found.suppressed[name]
        assert published == pytest.approx(registry[key], abs=0.01)
    assert found.totals["producers"] == registry["producers"]


def test_no_published_cell_has_fewer_than_five_producers(demo_db: Any) -> None:
    for resolution in (5, 8):
        found = selectors.concentration_hexagons(scope=INVESTOR, resolution=resolution)
        assert all(r["producers"] >= selectors.MIN_PRODUCERS for r in found.rows)
    # At res 8 the small demo's cells are all thin: nothing is published, all is suppressed
    assert found.rows == []
    assert found.suppressed["producers"] == found.totals["producers"]
    assert selectors.concentration_hexagons(scope=INVESTOR, resolution=5).rows


def test_distrito_totals_equal_the_region_totals(demo_db: Any) -> None:
    registry = programme_totals(scope=INVESTOR, region="San Martín")
    found = selectors.concentration_distritos(scope=INVESTOR, region="San Martín")
    assert found.totals["producers"] == registry["producers"]
    assert found.totals["hectares_installed"] == pytest.approx(
        registry["hectares_installed"], abs=0.01
    )


def test_hot_spots_are_marked_where_expected_tonnes_cluster(demo_db: Any) -> None:
    found = selectors.concentration_hexagons(scope=INVESTOR, resolution=6)
    assert all("hot_spot_z" in r for r in found.rows)
    hot = [r for r in found.rows if r["hot_spot"]]
    cold = [r for r in found.rows if not r["hot_spot"]]
    if hot and cold:
        assert max(r["expected_t"] for r in hot) >= min(r["expected_t"] for r in cold)
