"""One read of the plots per page: tables are reused inside ``reuse_tables`` and only there."""

from __future__ import annotations

from typing import Any

import numpy as np

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.insights.data import plot_table, producer_table, reuse_tables

STAFF = Scope(role=Role.STAFF)


def test_tables_are_read_once_inside_the_block_and_afresh_outside(demo_db: Any) -> None:
    with reuse_tables():
        first = plot_table(scope=STAFF)
        assert plot_table(scope=STAFF) is first
        assert plot_table(scope=STAFF, region="San Martín") is not first  # another key
        people = producer_table(scope=STAFF, plots=first)
        assert producer_table(scope=STAFF, plots=first) is people
    again = plot_table(scope=STAFF)
    assert again is not first
    assert np.array_equal(again.installed_ha, first.installed_ha)
