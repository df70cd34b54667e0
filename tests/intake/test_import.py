"""Importing spreadsheets: atomic per file, idempotent, exact previews, errors that say where."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook, load_workbook

from chacra.accounts.models import AuditEntry
from chacra.accounts.services import bulk_entries_about
from chacra.intake.export import ERROR_COLUMNS, errors_xlsx, template_xlsx
from chacra.intake.models import ImportJob, ImportStatus
from chacra.intake.services import import_file
from chacra.registry.models import (
    ExtensionVisit,
    Graft,
    Planting,
    Plot,
    PlotGeometryVersion,
    Producer,
)

HEADER = (
    "Departamento;Provincia;Distrito;Comunidad;Apellidos y Nombres;N° DNI;Sexo;Edad;"
    "Sombra temporal (ha);Cacao instalado (ha);Mes-año instalación;Cacao injertado (ha);"
    "Clon utilizado;Mes-año injertación;Forestales (ha);Área del predio (ha);"
    "Cacao en producción (ha);Título de propiedad;Latitud;Longitud;Área declarada (ha)"
)
ROWS = [
    "San Martín;Mariscal Cáceres;Juanjuí;Nuevo Edén;Vela Tapullima Rosa;71234567;F;44;"
    "0,5;1,20;03-2014;1,0;ICS-95;ene-2015;0,3;3,00;1,00;SI;-7.190;-76.740;1,20",
    "San Martín;Mariscal Cáceres;Juanjuí;Nuevo Edén;Ríos Pezo Juan;71234568;M;51;"
    "0,4;0,80;dic-2013;;;;0;2,00;0,80;NO;-7.195;-76.745;0,80",
    "Ucayali;Padre Abad;Irazola;Alto Irazola Nuevo;Fasabi Salas Nelly;71234569;Femenino;38;"
    "0,6;2,10;2015-06;2,0;CCN-51;2016-02;0,5;5,00;0;no;-8.830;-75.210;2,10",
]
REGISTRY = (Producer, Plot, PlotGeometryVersion, Planting, Graft, ExtensionVisit, AuditEntry)


def _csv(tmp_path: Path, rows: list[str], name: str = "padron.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in REGISTRY}


def test_csv_import_creates_the_record(demo_db: Any, tmp_path: Path) -> None:
    report = import_file(actor=None, path=_csv(tmp_path, ROWS))
    assert report.status == ImportStatus.IMPORTED
    assert report.errors == []
    assert report.counts["producers_created"] == 3
    assert report.counts["plots_created"] == 3
    rosa = Producer.objects.get(dni="71234567")
    assert (rosa.surnames, rosa.given_names, rosa.sex) == ("Vela Tapullima", "Rosa", "F")
    assert rosa.comunidad.name == "Nuevo Edén"
    assert rosa.comunidad.distrito.ubigeo == "220601"
    plot = rosa.plots.get()
    assert plot.location.coords == pytest.approx((-76.74, -7.19))
    assert str(plot.declared_area_ha) == "1.20"
    assert plot.land_title is True
    planting = plot.plantings.get()
    assert (planting.installed_on.isoformat(), str(planting.cacao_installed_ha)) == (
        "2014-03-01",
        "1.20",
    )
    graft = plot.grafts.get()
    assert (graft.clone.code, graft.grafted_on.isoformat()) == ("ICS-95", "2015-01-01")
    assert Producer.objects.get(dni="71234569").comunidad.distrito.name == "Irazola"
    entry = AuditEntry.objects.get(source=f"import:{report.job_id}", model="registry.Producer")
    assert entry.changes["count"] == 3
    assert bulk_entries_about("registry.Producer", [rosa.pk]) == [entry.pk]


def test_the_same_file_twice_changes_nothing(demo_db: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, ROWS)
    import_file(actor=None, path=path)
    before = _counts()
    again = import_file(actor=None, path=path)
    assert again.status == "unchanged"
    assert again.duplicate_of is not None
    assert _counts() == before


def test_an_edited_file_updates_only_what_changed(demo_db: Any, tmp_path: Path) -> None:
    import_file(actor=None, path=_csv(tmp_path, ROWS, "v1.csv"))
    before = _counts()
    edited = [ROWS[0].replace(";44;", ";45;"), *ROWS[1:]]
    report = import_file(actor=None, path=_csv(tmp_path, edited, "v2.csv"))
    assert report.counts["producers_updated"] == 1
    assert report.counts["producers_unchanged"] == 2
    assert report.counts["plots_unchanged"] == 3
    assert report.counts["plantings_unchanged"] == 3
    after = _counts()
    assert {k: after[k] - before[k] for k in after} == {
        "Producer": 0, "Plot": 0, "PlotGeometryVersion": 0, "Planting": 0, "Graft": 0,
        "ExtensionVisit": 0, "AuditEntry": 1,
    }  # fmt: skip
    assert Producer.objects.get(dni="71234567").age_at_registration == 45


@pytest.mark.parametrize(
    ("bad_row", "field", "value", "accepted"),
    [
        (ROWS[1].replace("71234568", "7123456X"), "dni", "7123456X", "8 digits"),
        (ROWS[1].replace(";M;", ";Q;"), "sex", "Q", "F or M"),
        (ROWS[1].replace("dic-2013", "13-2013"), "installed_on", "13-2013", "month 1-12"),
        (ROWS[1].replace("Juanjuí", "Juanjuy"), "distrito", "Juanjuy", "distrito known"),
        (ROWS[1].replace(";NO;", ";QUIZÁS;"), "land_title", "QUIZÁS", "SI or NO"),
        (ROWS[1].replace(";;;;0;", ";0,5;XYZ-9;ene-2015;0;"), "clone", "XYZ-9", "ICS-95"),
    ],
)
def test_a_file_with_an_error_writes_nothing(
    demo_db: Any, tmp_path: Path, bad_row: str, field: str, value: str, accepted: str
) -> None:
    before = _counts()
    report = import_file(actor=None, path=_csv(tmp_path, [ROWS[0], bad_row, ROWS[2]]))
    assert report.status == ImportStatus.REJECTED
    assert _counts() == before
    (error,) = report.errors
    assert (error.ref.file, error.ref.row, error.field, error.value) == (
        "padron.csv",
        3,
        field,
        value,
    )
    assert accepted in error.message


def test_valid_rows_only_when_asked(demo_db: Any, tmp_path: Path) -> None:
    bad = ROWS[1].replace("71234568", "123")
    report = import_file(actor=None, path=_csv(tmp_path, [ROWS[0], bad, ROWS[2]]), valid_only=True)
    assert report.status == ImportStatus.IMPORTED
    assert len(report.errors) == 1
    assert set(Producer.objects.filter(dni__startswith="712345").values_list("dni", flat=True)) == {
        "71234567", "71234569"
    }  # fmt: skip


def test_progress_counts_every_row_of_the_file_refused_ones_too(
    demo_db: Any, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    bad = [row.replace("7123456", "1") for row in ROWS]  # every DNI refused
    import_file(actor=None, path=_csv(tmp_path, bad), progress=lambda *a: seen.append(a))
    assert seen[-1] == (3, 3)
    seen.clear()
    import_file(
        actor=None,
        path=_csv(tmp_path, [ROWS[0], bad[1], ROWS[2]]),
        progress=lambda *a: seen.append(a),
    )
    assert seen[-1] == (3, 3)


def test_dry_run_previews_exactly_and_writes_nothing(demo_db: Any, tmp_path: Path) -> None:
    before = _counts()
    report = import_file(actor=None, path=_csv(tmp_path, ROWS), dry_run=True)
    assert report.status == ImportStatus.PREVIEWED
    assert report.counts["producers_created"] == 3
    assert report.counts["comunidades_created"] == 2
    assert _counts() == before
    # a preview does not count as an import: the real run still happens
    assert import_file(actor=None, path=_csv(tmp_path, ROWS)).status == ImportStatus.IMPORTED


def test_xlsx_with_english_headings_and_a_number_dni(demo_db: Any, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["district ubigeo", "community", "surnames", "given names", "DNI", "sex", "age",
                  "latitude", "longitude", "declared area (ha)"])  # fmt: skip
    sheet.append(
        ["220601", "Bello Horizonte", "Amasifuén", "Lidia", 1234567, "female", 29, -7.2, -76.7, 0.9]
    )
    path = tmp_path / "agents.xlsx"
    book.save(path)
    report = import_file(actor=None, path=path)
    assert report.errors == []
    producer = Producer.objects.get(surnames="Amasifuén")
    assert producer.dni == "01234567"  # the spreadsheet dropped the leading zero; it is put back


def test_the_template_imports_its_own_example(demo_db: Any, tmp_path: Path) -> None:
    report = import_file(actor=None, path=template_xlsx(tmp_path / "plantilla.xlsx"))
    assert report.errors == []
    producer = Producer.objects.get(dni="00000000")
    assert producer.comunidad.name == "San Juan de Pacayzapa"
    assert producer.age_at_registration == 56


def test_agent_rows_outside_her_region_are_refused(demo_db: Any, tmp_path: Path) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    before = _counts()
    report = import_file(actor=agent, path=_csv(tmp_path, ROWS))
    assert report.status == ImportStatus.REJECTED
    assert [(e.ref.row, "outside your region" in e.message) for e in report.errors] == [(4, True)]
    assert _counts() == before


def test_errors_download_names_every_column(demo_db: Any, tmp_path: Path) -> None:
    report = import_file(actor=None, path=_csv(tmp_path, [ROWS[1].replace("71234568", "1")]))
    out = errors_xlsx(report.errors, tmp_path / "errores.xlsx")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[0]) == ERROR_COLUMNS
    assert rows[1][0] == "padron.csv"
    assert rows[1][2] == 2
    assert rows[1][4] == "dni"
    assert ImportJob.objects.get(pk=report.job_id).errors[0]["row"] == 2


def test_an_imported_file_is_archived_under_its_hash(demo_db: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, ROWS)
    report = import_file(actor=None, path=path)
    job = ImportJob.objects.get(pk=report.job_id)
    archived = Path(job.archived_as)
    assert archived.name == f"{job.sha256}.csv"
    assert archived.read_bytes() == path.read_bytes()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == job.sha256
