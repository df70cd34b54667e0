"""What the audit log keeps of geometries: a digest that names the geometry version, never the
outline itself (it stays in the plot's geometry history)."""

from __future__ import annotations

import doctest
import json
from typing import Any

import shapely
import shapely.affinity
from django.contrib.gis.geos import GEOSGeometry

import chacra.accounts.services
from chacra.accounts.models import AuditEntry
from chacra.accounts.services import geometry_digests, snapshot
from chacra.registry.models import Plot, Producer
from chacra.registry.services import plot_register, plot_remap

FIRST = shapely.box(-76.7312, -7.2144, -76.7251, -7.2087)
SECOND = shapely.box(-76.7412, -7.2244, -76.7351, -7.2187)


def test_accounts_services_doctests_pass() -> None:
    result = doctest.testmod(chacra.accounts.services)
    assert result.attempted > 0
    assert result.failed == 0


def test_digests_tell_geometries_apart_and_agree_between_shapely_and_geos() -> None:
    a, b, moved, point = geometry_digests(
        [FIRST, SECOND, shapely.affinity.translate(FIRST, 1e-7), FIRST.centroid]
    )
    assert len({a, b, moved}) == 3  # a tenth of a micro-degree is another outline
    assert str(a).startswith("Polygon (5 pts, sha256 ")
    assert str(point).startswith("Point (1 pts, sha256 ")
    multi = shapely.MultiPolygon([FIRST])
    geos = GEOSGeometry(multi.wkt, srid=4326)
    assert snapshot(Plot(boundary=geos))["boundary"] == geometry_digests([multi])[0]


def _entries(plot: Plot) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model="registry.Plot", object_id=str(plot.pk)))


def test_a_plots_audit_names_each_geometry_version_by_digest_without_its_outline(
    demo_db: Any,
) -> None:
    producer = Producer.objects.filter(comunidad__distrito__ubigeo="220601").first()
    assert producer is not None
    plot = plot_register(actor=None, producer=producer, boundary=GEOSGeometry(FIRST.wkt, srid=4326))
    plot_remap(actor=None, plot=plot, boundary=GEOSGeometry(SECOND.wkt, srid=4326))
    created, remapped = sorted(_entries(plot), key=lambda e: e.pk)
    versions = {
        v.version: shapely.from_wkb(bytes(v.boundary.wkb)) for v in plot.geometry_versions.all()
    }
    assert set(versions) == {1, 2}
    first, second = geometry_digests([versions[1], versions[2]])
    assert created.changes["boundary"] == first
    assert remapped.changes["boundary"] == [first, second]
    text = json.dumps([created.changes, remapped.changes])
    for x, y in [*FIRST.exterior.coords, *SECOND.exterior.coords]:
        assert f"{x}" not in text
        assert f"{y}" not in text
