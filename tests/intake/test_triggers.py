"""SpatiaLite's per-row insert triggers, done once per batch: the spatial index holds exactly the
new rows, bad geometries are still refused, and the triggers are back after any import, good or
failed (on PostGIS, which has no such triggers, the same checks hold of its own indexes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.db import DatabaseError, connection, transaction

from chacra.accounts.records import record_defaults, records_insert
from chacra.errors import ChacraError
from chacra.intake.models import ImportStatus
from chacra.intake.services import import_file
from chacra.intake.triggers import insert_triggers_batched, page_cache
from chacra.registry.models import Plot, PlotGeometryVersion, Producer

TABLES = [Plot._meta.db_table, PlotGeometryVersion._meta.db_table]
BOWTIE = [(-76.4, -6.5), (-76.39, -6.49), (-76.39, -6.5), (-76.4, -6.49)]


def _triggers() -> list[tuple[str, str]]:
    """(name, definition) of every trigger on the plot tables, as the database lists them."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name IN (%s, %s) ORDER BY name",
                TABLES,
            )
        else:
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE c.relname IN (%s, %s) ORDER BY tgname",
                TABLES,
            )
        return list(cursor.fetchall())


def _indexed(box: tuple[float, float, float, float]) -> set[int]:
    """Geometry versions whose original's box overlaps ``box``, found through the spatial
    index: SpatiaLite's R*Tree read directly, PostGIS's GiST index through ``&&``."""
    west, south, east, north = box
    if connection.vendor != "sqlite":
        return set(
            PlotGeometryVersion.objects.filter(
                original__bboverlaps=shapely.box(*box).wkt
            ).values_list("pk", flat=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pkid FROM idx_registry_plotgeometryversion_original "
            "WHERE xmin <= %s AND xmax >= %s AND ymin <= %s AND ymax >= %s",
            [east, west, north, south],
        )
        return {pk for (pk,) in cursor.fetchall()}


def _versions(originals: list[Any]) -> list[int]:
    """Geometry versions of a demo plot with these originals, written as an import writes
    them; their ids."""
    plot = Plot.objects.exclude(boundary=None).order_by("pk").first()
    assert plot is not None
    last = PlotGeometryVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    defaults = record_defaults(PlotGeometryVersion)
    records_insert(
        PlotGeometryVersion,
        [
            {**defaults, "plot_id": plot.pk, "version": 100 + i, "original": original}
            for i, original in enumerate(originals)
        ],
    )
    return list(
        PlotGeometryVersion.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)
    )


def test_the_spatial_index_holds_exactly_the_rows_written_in_a_batch(demo_db: Any) -> None:
    before = _triggers()
    everywhere = (-180.0, -90.0, 180.0, 90.0)
    indexed_before = _indexed(everywhere)
    boxes = [shapely.box(-76.5 + i / 10, -6.5, -76.45 + i / 10, -6.45) for i in range(5)]
    originals = [*boxes, None, shapely.Point(-70.0, -10.0), shapely.Polygon(BOWTIE)]
    with transaction.atomic(), insert_triggers_batched([Plot, PlotGeometryVersion]):
        ids = _versions(originals)
    assert _triggers() == before
    assert len(ids) == len(originals)
    with_original = {pk for pk, g in zip(ids, originals, strict=True) if g is not None}
    assert _indexed(everywhere) == indexed_before | with_original
    for i in range(5):  # each box alone
        found = _indexed((-76.48 + i / 10, -6.48, -76.47 + i / 10, -6.47)) - indexed_before
        assert found == {ids[i]}
    # the bowtie's box lies inside the second box's
    assert _indexed((-76.395, -6.495, -76.394, -6.494)) - indexed_before == {ids[1], ids[7]}
    assert _indexed((-70.01, -10.01, -69.99, -9.99)) - indexed_before == {ids[6]}


def test_a_geometry_of_the_wrong_type_is_refused_and_nothing_stays(demo_db: Any) -> None:
    before, count = _triggers(), PlotGeometryVersion.objects.count()
    plot = Plot.objects.exclude(boundary=None).order_by("pk").first()
    assert plot is not None
    record = {
        **record_defaults(PlotGeometryVersion),
        "plot_id": plot.pk,
        "version": 200,
        "boundary": shapely.Point(-76.5, -6.5),  # a MultiPolygon column
    }

    def write() -> None:
        with transaction.atomic(), insert_triggers_batched([PlotGeometryVersion]):
            _versions([shapely.box(-76.5, -6.5, -76.4, -6.4)])  # a good row first
            records_insert(PlotGeometryVersion, [record])

    with pytest.raises((ChacraError, DatabaseError)) as refused:
        write()
    if connection.vendor == "sqlite":  # the message of the trigger it stands for
        assert "registry_plotgeometryversion.boundary violates Geometry constraint" in str(
            refused.value
        )
    assert _triggers() == before
    assert PlotGeometryVersion.objects.count() == count


def _file(tmp_path: Path, n: int, bad: int | None = None) -> Path:
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(
                shapely.to_geojson(
                    shapely.Polygon(BOWTIE)
                    if i == 1
                    else shapely.box(-76.7 + i / 100, -7.2, -76.695 + i / 100, -7.195)
                )
            ),
            "properties": {
                "Apellidos y Nombres": f"Prueba Gatillo Persona{i}",
                "Sexo": "X" if i == bad else "F",
                "Ubigeo": "220601",
                "Comunidad": "Caserío Gatillo",
                "N° DNI": f"{61_000_000 + i}",
            },
        }
        for i in range(n)
    ]
    path = tmp_path / "parcelas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_an_import_indexes_its_repaired_originals_and_keeps_the_triggers(
    demo_db: Any, tmp_path: Path
) -> None:
    before = _triggers()
    report = import_file(actor=None, path=_file(tmp_path, 6))
    assert report.status == ImportStatus.IMPORTED, report.errors
    assert _triggers() == before
    version = PlotGeometryVersion.objects.get(plot__producer__dni="61000001")
    assert version.original is not None
    assert version.pk in _indexed((-76.395, -6.495, -76.394, -6.494))
    assert Plot.objects.filter(producer__dni__startswith="6100000").count() == 6


def test_a_rejected_import_leaves_the_triggers_and_the_data_as_they_were(
    demo_db: Any, tmp_path: Path
) -> None:
    before, indexed = _triggers(), _indexed((-76.395, -6.495, -76.394, -6.494))
    counts = (Producer.objects.count(), Plot.objects.count(), PlotGeometryVersion.objects.count())
    report = import_file(actor=None, path=_file(tmp_path, 6, bad=4))
    assert report.status == ImportStatus.REJECTED
    assert [e.ref.feature for e in report.errors] == [5]
    assert _triggers() == before
    assert (
        Producer.objects.count(),
        Plot.objects.count(),
        PlotGeometryVersion.objects.count(),
    ) == counts
    assert _indexed((-76.395, -6.495, -76.394, -6.494)) == indexed


def _cache_size() -> int | None:
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (size,) = cursor.fetchone()
        return int(size)


def test_an_import_has_a_large_page_cache_on_sqlite_and_leaves_the_one_before(
    demo_db: Any, tmp_path: Path
) -> None:
    before = _cache_size()
    with page_cache(1024):
        inside = _cache_size()
    report = import_file(actor=None, path=_file(tmp_path, 2))
    assert report.status == ImportStatus.IMPORTED, report.errors
    if connection.vendor == "sqlite":
        assert inside == -1024
        assert before != inside
    else:  # PostgreSQL has no such setting: nothing is changed
        assert inside is None
    assert _cache_size() == before


def test_a_small_batch_keeps_the_per_row_triggers(demo_db: Any) -> None:
    before = _triggers()
    with transaction.atomic(), insert_triggers_batched([Plot, PlotGeometryVersion], rows=10):
        assert _triggers() == before  # not dropped: other connections keep reading
        ids = _versions([shapely.box(-76.5, -6.5, -76.45, -6.45)])
    assert _triggers() == before
    assert len(ids) == 1
