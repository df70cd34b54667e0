"""The yield-by-age curve at given ages, and the forecast built on it."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import chacra.geo.forecast
from chacra.geo.forecast import YieldModel, forecast_kg


@pytest.mark.parametrize(
    ("age", "fraction"),
    [(0, 0.0), (2, 0.0), (3, 0.2), (4, 0.45), (5, 0.7), (6, 0.9), (7, 1.0), (25, 1.0)],
)
def test_default_curve_at_given_ages(age: float, fraction: float) -> None:
    assert YieldModel().fraction([age])[0] == pytest.approx(fraction)


def test_a_later_first_harvest_is_configurable() -> None:
    late = YieldModel(curve=((0, 0), (4, 0), (5, 0.3), (9, 1.0)))
    assert late.fraction([4, 5, 7, 9]).tolist() == pytest.approx([0.0, 0.3, 0.65, 1.0])


def test_forecast_by_clone_group_and_shade() -> None:
    kg = forecast_kg(
        [2010, 2010, np.nan],
        [2.0, 2.0, 5.0],
        ["ccn51", "ccn51", "none"],
        [False, True, False],
        [2020],
    )
    assert kg[:, 0].tolist() == pytest.approx([3000.0, 2550.0, 0.0])  # no planting date: nothing


def test_doctests_pass() -> None:
    assert doctest.testmod(chacra.geo.forecast).failed == 0
