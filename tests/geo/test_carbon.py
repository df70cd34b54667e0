"""Carbon arithmetic for a hand-computed plot."""

from __future__ import annotations

import doctest

import pytest

import chacra.geo.carbon
from chacra.errors import InvalidInput
from chacra.geo.carbon import CarbonModel, carbon_balance


def test_hand_computed_plot() -> None:
    # Given 2 ha of cacao and 1 ha of timber trees planted in 2012, seen in 2013, 2016 and 2021
    b = carbon_balance([2012], [2.0], [1.0], [2013, 2016, 2021])
    # cacao: 2 ha x 2.6 t C/ha/yr x 44/12 = 19.0667 tCO2/yr, years 0-7 only
    cacao = 2 * 2.6 * 44 / 12
    # trees: 1 ha x 5 t dm x (1 + 0.24) x 0.47 t C/t dm x 44/12 = 10.6847 tCO2/yr, years 0-19
    trees = 1 * 5 * 1.24 * 0.47 * 44 / 12
    assert b["removals"][0].tolist() == pytest.approx([-(cacao + trees)] * 2 + [-trees])
    # N2O: 2 ha x 30 kg N x (0.01 + 0.1 x 0.01 + 0.3 x 0.0075) x 44/28 x 265 / 1000, from age 3
    n2o = 2 * 30 * (0.01 + 0.001 + 0.00225) * 44 / 28 * 265 / 1000
    assert b["emissions"][0].tolist() == pytest.approx([0.0, n2o, n2o])
    assert b["net"][0].tolist() == pytest.approx(
        [-(cacao + trees), -(cacao + trees) + n2o, -trees + n2o]
    )


def test_every_coefficient_names_its_source_and_can_be_changed() -> None:
    model = CarbonModel()
    # Each value cites a table of a publication, or says plainly that it is an assumption.
    for key, c in model.coefficients.items():
        cited = c.source.startswith("IPCC") and ("Table" in c.source)
        assert cited or c.source.startswith("assumption:"), (key, c.source)
    assumed = {k for k, c in model.coefficients.items() if c.source.startswith("assumption")}
    assert assumed == {"n_rate", "timber_cycle_years"}  # the ones the docstring names
    changed = model.with_values({"gwp_n2o": 273})
    assert changed["gwp_n2o"] == 273.0
    assert changed.n2o_per_kg_n() == pytest.approx(model.n2o_per_kg_n() * 273 / 265)
    with pytest.raises(InvalidInput, match="known"):
        model.with_values({"nonsense": 1})


def test_doctests_pass() -> None:
    assert doctest.testmod(chacra.geo.carbon).failed == 0
