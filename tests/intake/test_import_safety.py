"""What a review found an import could do, and must not: merge namesakes, reach past the
importer's scope, leak where a DNI lives, or duplicate plots when an edited file comes back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from django.contrib.auth import get_user_model

from chacra.intake.models import ImportStatus
from chacra.intake.services import import_file
from chacra.registry.models import Comunidad, Membership, Plot, PlotGeometryVersion, Producer
from tests.factories import plot_polygon

HEADER = "Distrito;Comunidad;Apellidos;Nombres;N° DNI;Sexo;Organización"


def _csv(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _agent() -> Any:
    return get_user_model().objects.get(username="agent-sm-01")


def test_a_namesake_with_another_dni_is_another_producer(demo_db: Any, tmp_path: Path) -> None:
    known = Producer.objects.exclude(dni=None).first()
    place = known.comunidad
    row = f"{place.distrito.name};{place.name};{known.surnames};{known.given_names};45678912;M;"
    report = import_file(actor=None, path=_csv(tmp_path, "a.csv", row))
    assert report.counts["producers_created"] == 1
    known.refresh_from_db()
    assert known.dni != "45678912"


def test_dni_outside_the_agents_scope_says_only_that(demo_db: Any, tmp_path: Path) -> None:
    far = (
        Producer.objects.filter(comunidad__distrito__provincia__departamento__ubigeo="25")
        .exclude(dni=None)
        .first()
    )
    row = f"Juanjuí;Nuevo Sitio;Otro;Nombre;{far.dni};F;"
    report = import_file(actor=_agent(), path=_csv(tmp_path, "b.csv", row), dry_run=True)
    (error,) = report.errors
    assert "outside your scope" in error.message
    assert far.comunidad.name not in error.message
    assert far.surnames not in error.message


def test_refused_rows_leave_no_comunidad_organisation_or_membership(
    demo_db: Any, tmp_path: Path
) -> None:
    far = (
        Producer.objects.filter(comunidad__distrito__provincia__departamento__ubigeo="25")
        .exclude(dni=None)
        .first()
    )
    rows = [
        f"{far.comunidad.distrito.name};{far.comunidad.name};{far.surnames};{far.given_names};"
        f"{far.dni};{far.sex};Asociación Fantasma",
        "Campoverde;Inventada;Nuevo;Vecino;45678913;M;",
    ]
    report = import_file(actor=_agent(), path=_csv(tmp_path, "c.csv", *rows), valid_only=True)
    assert len(report.errors) == 2
    assert not Comunidad.objects.filter(name="Inventada").exists()
    assert not Membership.objects.filter(organisation__name="Asociación Fantasma").exists()


def test_an_edited_gis_file_does_not_duplicate_its_plots(demo_db: Any, tmp_path: Path) -> None:
    producer = Producer.objects.filter(agents__username="agent-sm-01").first()
    poly = shapely.from_wkb(bytes(plot_polygon(seed=9).wkb)).geoms[0]  # a Polygon, not Multi
    feature = {"type": "Feature", "geometry": json.loads(shapely.to_geojson(poly)),
               "properties": {"Nombre parcela": "Loma"}}  # fmt: skip
    path = tmp_path / "loma.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    first = import_file(actor=_agent(), path=path, for_producer=producer)
    assert first.status == ImportStatus.IMPORTED, first.errors
    plots, versions = Plot.objects.count(), PlotGeometryVersion.objects.count()
    path.write_text(path.read_text() + " \n")  # another file: same content, other bytes
    again = import_file(actor=_agent(), path=path, for_producer=producer)
    assert again.status == ImportStatus.IMPORTED
    assert again.counts["plots_unchanged"] == 1
    assert (Plot.objects.count(), PlotGeometryVersion.objects.count()) == (plots, versions)


def test_rows_without_coordinates_do_not_multiply_plots(demo_db: Any, tmp_path: Path) -> None:
    header = (
        "Distrito;Comunidad;Apellidos y Nombres;N° DNI;Sexo;Cacao instalado (ha);"
        "Mes-año instalación"
    )
    for n, ha in enumerate(["1,0", "1,1", "1,2"]):
        path = tmp_path / f"v{n}.csv"
        path.write_text(f"{header}\nJuanjuí;Nuevo Sitio;Ruiz Vela Ana;45678914;F;{ha};03-2015\n")
        import_file(actor=None, path=path)
    producer = Producer.objects.get(dni="45678914")
    assert producer.plots.count() == 1
    planting = producer.plots.get().plantings.get()
    assert str(planting.cacao_installed_ha) == "1.20"


def test_a_file_imported_in_part_can_be_run_again(demo_db: Any, tmp_path: Path) -> None:
    rows = [
        "Juanjuí;Nuevo Sitio;Pinedo;Luis;45678915;M;",
        "Juanjuí;Nuevo Sitio;Mal;Sexo;45678916;Q;",
    ]
    path = _csv(tmp_path, "d.csv", *rows)
    assert import_file(actor=None, path=path, valid_only=True).counts["producers_created"] == 1
    again = import_file(actor=None, path=path, valid_only=True)
    assert again.status == ImportStatus.IMPORTED  # read again, not "imported before"
    assert again.counts["producers_unchanged"] == 1


def test_the_same_walk_for_another_producer_is_not_taken_for_a_repeat(
    demo_db: Any, tmp_path: Path
) -> None:
    walk = Path(__file__).parent / "samples/gis/walk.gpx"
    first, second = Producer.objects.filter(agents__username="agent-sm-01")[:2]
    import_file(actor=_agent(), path=walk, for_producer=first)
    report = import_file(actor=_agent(), path=walk, for_producer=second)
    assert report.status == ImportStatus.IMPORTED
    assert second.plots.filter(name="Parcela 1").exists()


def test_names_longer_than_the_record_holds_are_refused(demo_db: Any, tmp_path: Path) -> None:
    row = f"Juanjuí;{'Comunidad muy larga ' * 8};Ruiz;Ana;45678917;F;"
    report = import_file(actor=None, path=_csv(tmp_path, "e.csv", row))
    assert report.status == ImportStatus.REJECTED
    assert [(e.field, e.message) for e in report.errors] == [
        ("comunidad", "expected at most 120 characters")
    ]
