"""Every sample format imported end to end: what it creates, edits, flags and refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shapely
from django.contrib.auth import get_user_model
from pyproj import Transformer

from chacra.accounts.models import AuditEntry
from chacra.intake.models import ImportStatus, Submission
from chacra.intake.services import import_file
from chacra.registry.models import Plot, Producer

SAMPLES = Path(__file__).parent / "samples"


def _agent() -> Any:
    return get_user_model().objects.get(username="agent-sm-01")


@pytest.mark.parametrize(
    ("sample", "edited_dni", "edited_names"),
    [
        ("odk/chacra_registro.zip", "04512345", "Rosa Elvira"),
        ("kobo/chacra_registro.xlsx", "00871234", "María Elena"),
    ],
)
def test_form_exports_import_and_edits_update_the_same_records(
    demo_db: Any, sample: str, edited_dni: str, edited_names: str
) -> None:
    path = SAMPLES / sample
    report = import_file(actor=_agent(), path=path)
    assert report.status == ImportStatus.IMPORTED, report.errors
    assert report.counts["producers_created"] == 2
    assert report.counts["submission_edits"] == 1
    rosa = Producer.objects.get(dni=edited_dni)  # the producer whose submission was edited
    assert rosa.given_names == edited_names
    plot = rosa.plots.get()  # the edit updated her plot; it did not add one
    assert plot.mapping_method == "gps_walk"
    assert plot.area_ha == pytest.approx(1.0, abs=0.05)
    lon, lat = plot.location.coords
    assert (round(lon, 1), round(lat, 1)) == (-76.7, -7.2)  # latitude-first text read correctly
    subs = list(Submission.objects.filter(producer=rosa).order_by("version"))
    assert [s.version for s in subs] == [1, 2]
    assert subs[0].root_id == subs[1].root_id
    # every version is kept as it was submitted
    assert subs[0].payload["values"]["dni"] == subs[1].payload["values"]["dni"] == edited_dni
    assert subs[0].payload != subs[1].payload
    assert rosa.agents.filter(username="agent-sm-01").exists()
    assert plot.plantings.exists()
    # the earlier values stay in the audit log, old and new side by side
    assert AuditEntry.objects.filter(source=f"import:{report.job_id}", action="update").exists()
    again = import_file(actor=_agent(), path=path)
    assert again.status == "unchanged"


def test_utm_shapefile_is_reprojected_and_measured_geodesically(demo_db: Any) -> None:
    report = import_file(actor=_agent(), path=SAMPLES / "gis/plots_utm18s.zip")
    assert report.status == ImportStatus.IMPORTED, report.errors
    plots = list(Plot.objects.filter(producer__dni__in=["04512345", "41234567", "00876543"]))
    assert len(plots) == report.counts["plots_created"] == 3
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32718", always_xy=True)
    for plot in plots:
        lon, lat = plot.location.coords
        assert -76.8 < lon < -76.6
        assert -7.3 < lat < -7.1
        poly = shapely.from_wkb(bytes(plot.boundary.wkb))
        planar = shapely.transform(poly, lambda xy: __import__("numpy").column_stack(
            to_utm.transform(xy[:, 0], xy[:, 1])
        )).area / 1e4  # fmt: skip
        # UTM's scale factor makes planar areas ~0.01-0.08% larger than the true (geodesic) area
        assert plot.area_ha == pytest.approx(planar, rel=2e-3)
        assert plot.area_ha < planar


def test_gpx_walk_imports_for_a_producer_with_its_cleaning_notes(demo_db: Any) -> None:
    producer = Producer.objects.filter(agents__username="agent-sm-01").first()
    report = import_file(actor=_agent(), path=SAMPLES / "gis/walk.gpx", for_producer=producer)
    assert report.status == ImportStatus.IMPORTED, report.errors
    assert any("stationary" in note for note in report.notes)
    walked = producer.plots.get(mapping_method="gps_walk", name="Parcela 1")
    assert walked.area_ha == pytest.approx(1.0, rel=0.05)
    assert producer.plots.filter(mapping_method="gps_point").count() == 2  # the waypoints


def test_swapped_coordinates_are_imported_and_flagged(demo_db: Any) -> None:
    producer = Producer.objects.filter(agents__username="agent-sm-01").first()
    report = import_file(
        actor=_agent(), path=SAMPLES / "gis/swapped.geojson", for_producer=producer
    )
    assert report.status == ImportStatus.IMPORTED, report.errors
    plot = producer.plots.latest("id")
    assert set(plot.flags.values_list("code", flat=True)) >= {"swapped_coordinates", "outside_peru"}


def test_files_without_producer_data_say_what_is_missing(demo_db: Any) -> None:
    report = import_file(actor=_agent(), path=SAMPLES / "gis/eudr.geojson")
    assert report.status == ImportStatus.REJECTED
    missing = {(e.ref.feature, e.field) for e in report.errors}
    assert {(1, "sex"), (1, "distrito"), (1, "comunidad"), (2, "sex")} <= missing
    assert all("eudr.geojson" in str(e) for e in report.errors)


def test_geopackage_with_polygons_and_a_point(demo_db: Any) -> None:
    report = import_file(actor=_agent(), path=SAMPLES / "gis/plots.gpkg")
    assert report.status == ImportStatus.IMPORTED, report.errors
    plots = {p.code: p for p in Plot.objects.filter(code__in=["BV-001-1", "BV-001-2", "BV-002-1"])}
    assert len(plots) == 3
    assert {p.boundary is None for p in plots.values()} == {True, False}
    assert plots["BV-001-1"].producer_id == plots["BV-001-2"].producer_id  # one producer, two plots
