"""Programme figures checked against sums computed independently in SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.registry.selectors import programme_totals, totals_by_region

SQL = {
    "hectares_installed": "SELECT SUM(cacao_installed_ha) FROM registry_planting",
    "hectares_georeferenced": "SELECT SUM(area_ha) FROM registry_plot WHERE boundary IS NOT NULL",
    "hectares_agroforestry": (
        "SELECT SUM(cacao_installed_ha) FROM registry_planting WHERE forestry_ha > 0"
    ),
    "hectares_grafted_fine_flavour": (
        "SELECT SUM(g.grafted_ha) FROM registry_graft g JOIN registry_clone c ON c.id = g.clone_id "
        """WHERE c."group" = 'fine_flavour'"""
    ),
    "producers_female": "SELECT COUNT(*) FROM registry_producer WHERE sex = 'F'",
    "plots_mapped": "SELECT COUNT(*) FROM registry_plot WHERE boundary IS NOT NULL",
}


def _sql(query: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return float(cursor.fetchone()[0])


@pytest.mark.parametrize("figure", sorted(SQL))
def test_programme_figure_matches_sql(demo_db: Any, figure: str) -> None:
    totals = programme_totals(scope=Scope(role=Role.INVESTOR))
    assert totals[figure] == pytest.approx(_sql(SQL[figure]), abs=0.01)


def test_regions_add_up_to_the_programme(demo_db: Any) -> None:
    scope = Scope(role=Role.STAFF)
    regions = totals_by_region(scope=scope)
    programme = programme_totals(scope=scope)
    assert len(regions) == 3
    for key in ("producers", "hectares_installed", "hectares_georeferenced"):
        assert sum(r[key] for r in regions) == pytest.approx(programme[key], abs=0.05)
