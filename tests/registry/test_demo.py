"""The demo programme looks like the programme in DOMAIN.md and carries its deliberate problems."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from chacra.errors import Conflict
from chacra.registry.demo.build import FULL_PRODUCERS, demo_build
from chacra.registry.demo.places import REGION_FARMERS, REGION_HECTARES
from chacra.registry.models import CloneGroup, Graft, Planting, Plot, Producer
from tests.conftest import DEMO_SEED


def test_demo_counts_and_region_shares(demo_db) -> None:
    assert Producer.objects.count() == 500
    total_farmers = sum(REGION_FARMERS.values())
    for code, farmers in REGION_FARMERS.items():
        n = Producer.objects.filter(
            comunidad__distrito__provincia__departamento__ubigeo=code
        ).count()
        assert n == pytest.approx(500 * farmers / total_farmers, abs=2)


def test_demo_hectares_mapping_and_clone_mix(demo_db) -> None:
    installed = float(Planting.objects.aggregate(s=Sum("cacao_installed_ha"))["s"])
    expected = sum(REGION_HECTARES.values()) * 500 / FULL_PRODUCERS
    assert installed == pytest.approx(expected, rel=0.05)
    plots = Plot.objects.count()
    mapped = Plot.objects.filter(boundary__isnull=False).count()
    assert 0.70 < mapped / plots < 0.82
    fine = float(
        Graft.objects.filter(clone__group=CloneGroup.FINE_FLAVOUR).aggregate(s=Sum("grafted_ha"))[
            "s"
        ]
    )
    assert 0.74 < fine / installed < 0.88
    agro = float(
        Planting.objects.filter(forestry_ha__gt=0).aggregate(s=Sum("cacao_installed_ha"))["s"]
    )
    assert 0.48 < agro / installed < 0.64
    # EUDR: a point is allowed only up to 4 ha; larger plots in the demo always have a polygon.
    assert not Plot.objects.filter(boundary__isnull=True, declared_area_ha__gt=4).exists()


def test_demo_plot_sizes_are_realistic(demo_db) -> None:
    areas = list(Plot.objects.filter(boundary__isnull=False).values_list("area_ha", flat=True))
    in_range = sum(0.5 <= a <= 5 for a in areas)
    assert in_range / len(areas) > 0.75


def test_demo_has_the_record_from_the_report(demo_db) -> None:
    producer = Producer.objects.get(comunidad__name="San Juan de Pacayzapa", code="P000001")
    assert producer.comunidad.distrito.name == "Alonso de Alvarado"
    assert producer.sex == "M"
    plot = producer.plots.get()
    assert plot.property_area_ha == Decimal("2.00")
    assert plot.land_title is False
    assert plot.area_ha == pytest.approx(0.49, abs=0.01)
    assert not plot.grafts.exists()


def test_demo_deliberate_problems_are_real(demo_db) -> None:
    problems = demo_db.problems
    for pair in problems["overlapping"]:
        a, b = (Plot.objects.get(code=c) for c in pair.split("/"))
        assert a.boundary.intersects(b.boundary)
        assert a.boundary.intersection(b.boundary).area > 0
    lost = Plot.objects.get(code=problems["no_geometry"][0])
    assert lost.boundary is None
    assert lost.location is None
    odd = Plot.objects.get(code=problems["declared_vs_measured"][0])
    assert float(odd.declared_area_ha) / odd.area_ha > 3


# Each database's own ellipsoidal area: PostGIS on geography, SpatiaLite with use_ellipsoid=1.
DB_GEODESIC_AREA = {
    "postgresql": "SELECT code, area_ha, ST_Area(boundary::geography) FROM registry_plot",
    "sqlite": "SELECT code, area_ha, ST_Area(boundary, 1) FROM registry_plot",
}


def test_stored_areas_agree_with_the_database_geodesic_area(demo_db) -> None:
    """pyproj's area (stored) against SpatiaLite's or PostGIS's own geodesic area: within 0.01%."""
    with connection.cursor() as cursor:
        cursor.execute(DB_GEODESIC_AREA[connection.vendor] + " WHERE boundary IS NOT NULL")
        rows = cursor.fetchall()
    assert len(rows) > 300
    for code, stored_ha, db_m2 in rows:
        assert stored_ha == pytest.approx(db_m2 / 10_000, rel=1e-4), code


def test_demo_refuses_a_registry_with_data(demo_db) -> None:
    with pytest.raises(Conflict, match="already holds producers"):
        demo_build(size="small", seed=DEMO_SEED)
    with pytest.raises(Conflict, match="small, full"):
        demo_build(size="huge")
