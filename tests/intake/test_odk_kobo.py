"""Reading ODK Central and KoboToolbox exports of the chacra form: pure reading, no database."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from chacra.geo.area import geodesic_area_ha
from chacra.intake.readers import READERS
from chacra.intake.readers.base import IntakeError, head_of
from chacra.intake.readers.formfields import Version, geoshape_polygon, root_ids
from chacra.intake.readers.kobo import KoboReader
from chacra.intake.readers.odk import OdkReader
from chacra.intake.readers.spreadsheet import XlsxReader
from chacra.intake.rows import PLANTING_KEYS, PLOT_KEYS, PRODUCER_KEYS, IntakeRow, SubmissionId

SAMPLES = Path(__file__).parent / "samples"
ODK_ZIP = SAMPLES / "odk" / "chacra_registro.zip"
KOBO_XLSX = SAMPLES / "kobo" / "chacra_registro.xlsx"
ROSA = "uuid:6f1c2a8e-4b7d-4e0a-9c31-2d5e8f7a1b01"
ROSA_EDIT = "uuid:a93e5d20-17c4-4f6b-8e2a-5c0d9b4f3e02"
JUAN = "uuid:3b8d6f41-9a2e-4c17-b5d0-7e1f2a6c8d03"
MARIA = "c2e7a915-6d3b-48f0-a1c4-9b8e5d2f7a04"
MARIA_EDIT = "e5f1b3c7-2a9d-4e86-b0f3-1c7d4a9e6b05"
WILDER = "7d4a2c9e-5b1f-4a38-9e6d-0f2b8c5a1d06"
TWO_POINTS = "-7.1838 -76.7316 312 4;-7.1838 -76.7307 313 4"


def _plot_checks(row: IntakeRow) -> None:
    """A walked plot near Juanjuí: lon/lat order kept, about one hectare."""
    shape = row.geometry
    assert shape.geom_type == "Polygon"
    assert shape.centroid.x == pytest.approx(-76.73, abs=0.02)  # longitude first
    assert shape.centroid.y == pytest.approx(-7.18, abs=0.02)
    assert 0.9 < float(geodesic_area_ha([shape])[0]) < 1.1
    assert shape.contains(row.point)
    assert row.mapping_method == "gps_walk"


# ODK Central -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odk() -> list[IntakeRow]:
    result = OdkReader().read(ODK_ZIP)
    assert result.errors == []
    return result.rows


def test_odk_reads_the_producer_as_exported(odk: list[IntakeRow]) -> None:
    rosa = odk[0]
    assert rosa.values == {
        "surnames": "Tuanama Sangama", "given_names": "Rosa Elvira", "dni": "04512345",
        "sex": "F", "age": "56", "phone": "942118305", "household_size": "5",
        "departamento": "San Martín", "provincia": "Mariscal Cáceres", "distrito": "Juanjuí",
        "ubigeo": "220601", "comunidad": "Nuevo Progreso",
        "organisation": "Cooperativa Agraria Río Huallaga", "consent_method": "signed_form",
        "consent_given_on": "2024-05-14", "declared_area_ha": "1.0", "property_area_ha": "2.5",
        "land_title": "no", "cacao_in_production_ha": "0.5", "gps_accuracy_m": 4.5,
    }  # fmt: skip
    assert str(rosa.ref) == "chacra_registro.zip, sheet chacra_registro.csv, row 2"
    assert rosa.visits == [
        {"visit_date": "2024-05-14", "activities": "registration mapping",
         "notes": "Parcela recorrida con la productora"}
    ]  # fmt: skip


def test_odk_geoshape_is_read_latitude_first(odk: list[IntakeRow]) -> None:
    _plot_checks(odk[0])
    assert (odk[0].point.x, odk[0].point.y) == (-76.73118, -7.18335)
    juan = odk[1]
    assert juan.geometry is None
    assert (juan.point.x, juan.point.y) == (-76.73844, -7.19021)
    assert juan.mapping_method == "gps_point"
    assert juan.values["gps_accuracy_m"] == 6.0


def test_odk_plantings_follow_parent_key(odk: list[IntakeRow]) -> None:
    rosa, juan, rosa_edit = odk
    assert [p["installed_on"] for p in rosa.plantings] == ["2015-12-01", "2018-03-01"]
    assert rosa.plantings[1] == {
        "cacao_installed_ha": "0.5", "installed_on": "2018-03-01", "temporary_shade_ha": "0.2",
        "grafted_ha": "0.5", "clone": "ICS-95", "grafted_on": "2019-06-01",
    }  # fmt: skip
    assert [p["clone"] for p in juan.plantings] == ["CCN-51"]
    assert [p.get("grafted_ha") for p in rosa_edit.plantings] == [None, "0.45"]
    assert all(set(p) <= set(PLANTING_KEYS) for row in odk for p in row.plantings)


def test_odk_edit_keeps_the_first_submission_as_root(odk: list[IntakeRow]) -> None:
    assert [r.submission for r in odk] == [
        SubmissionId("odk", ROSA, ROSA, "", "2024-05-14T21:03:11.512Z"),
        SubmissionId("odk", JUAN, JUAN, "", "2024-05-15T19:47:02.090Z"),
        SubmissionId("odk", ROSA_EDIT, ROSA, ROSA, "2024-05-20T14:12:45.301Z"),
    ]
    assert odk[2].values["phone"] == "942118350"


def test_odk_ignores_columns_the_form_does_not_have(odk: list[IntakeRow]) -> None:
    assert all(set(r.values) <= {*PRODUCER_KEYS, *PLOT_KEYS} for r in odk)


def _odk_tables() -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(ODK_ZIP) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def _odk_zip(path: Path, tables: dict[str, list[list[str]]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in tables.items():
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            archive.writestr(name, out.getvalue())
    return path


def _set(table: list[list[str]], row: int, column: str, value: str) -> None:
    table[row][table[0].index(column)] = value


def test_odk_central_key_is_the_root_of_an_edit(tmp_path: Path) -> None:
    # One Central export after an edit: KEY keeps the first instanceID; no deprecatedID column.
    tables = _odk_tables()
    main = tables["chacra_registro.csv"]
    at = main[0].index("meta-deprecatedID")
    tables["chacra_registro.csv"] = [r[:at] + r[at + 1 :] for r in [main[0], main[3]]]
    _set(tables["chacra_registro.csv"], 1, "KEY", ROSA)
    plantings = tables["chacra_registro-plantings.csv"]
    tables["chacra_registro-plantings.csv"] = [plantings[0], plantings[1], plantings[2]]
    (row,) = OdkReader().read(_odk_zip(tmp_path / "central.zip", tables)).rows
    assert row.submission is not None
    assert (row.submission.instance_id, row.submission.root_id) == (ROSA_EDIT, ROSA)
    assert len(row.plantings) == 2


def test_odk_two_point_geoshape_is_a_row_error(tmp_path: Path) -> None:
    tables = _odk_tables()
    _set(tables["chacra_registro.csv"], 1, "plot-boundary", TWO_POINTS)
    result = OdkReader().read(_odk_zip(tmp_path / "bad.zip", tables))
    (error,) = result.errors
    assert (error.field, error.value) == ("boundary", TWO_POINTS)
    assert "lat lon alt acc" in error.message
    assert "at least 4 points" in error.message
    assert str(error.ref) == "bad.zip, sheet chacra_registro.csv, row 2"
    assert [r.ref.row for r in result.rows] == [3, 4]  # the bad submission is left out


def test_odk_repeat_row_without_its_submission_is_a_row_error(tmp_path: Path) -> None:
    tables = _odk_tables()
    _set(tables["chacra_registro-plantings.csv"], 3, "PARENT_KEY", "uuid:gone")
    result = OdkReader().read(_odk_zip(tmp_path / "orphan.zip", tables))
    (error,) = result.errors
    assert (error.field, error.value, error.ref.row) == ("PARENT_KEY", "uuid:gone", 4)
    assert error.ref.sheet == "chacra_registro-plantings.csv"
    assert [len(r.plantings) for r in result.rows] == [2, 0, 2]


def test_odk_zip_without_the_main_csv_is_refused(tmp_path: Path) -> None:
    tables = _odk_tables()
    del tables["chacra_registro.csv"]
    path = _odk_zip(tmp_path / "solo_repeats.zip", tables)
    with pytest.raises(IntakeError, match=r"^solo_repeats\.zip: no main submissions CSV") as exc:
        OdkReader().read(path)
    assert "chacra_registro.csv" in exc.value.message


def test_odk_csv_of_another_form_is_refused(tmp_path: Path) -> None:
    path = _odk_zip(tmp_path / "other.zip", {"other.csv": [["SubmissionDate", "q1", "KEY"]]})
    with pytest.raises(IntakeError, match="none of the chacra_registro form's columns"):
        OdkReader().read(path)


def test_odk_can_handle_only_zips_with_csv(tmp_path: Path) -> None:
    assert OdkReader().can_handle(ODK_ZIP, head_of(ODK_ZIP))
    shapefile = tmp_path / "parcelas.zip"
    with zipfile.ZipFile(shapefile, "w") as archive:
        archive.writestr("parcelas.shp", b"\x00" * 100)
        archive.writestr("parcelas.csv", b"codigo,area\n")
    assert not OdkReader().can_handle(shapefile, head_of(shapefile))


# KoboToolbox -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kobo() -> list[IntakeRow]:
    result = KoboReader().read(KOBO_XLSX)
    assert result.errors == []
    return result.rows


def test_kobo_reads_the_producer_as_exported(kobo: list[IntakeRow]) -> None:
    maria = kobo[0]
    assert maria.values["dni"] == "00871234"  # text, both leading zeros kept
    assert (maria.values["surnames"], maria.values["given_names"]) == (
        "Amasifuen Cachique",
        "María Elena",
    )
    assert (maria.values["age"], maria.values["ubigeo"], maria.values["land_title"]) == (
        42,
        "220601",
        "si",
    )
    assert maria.values["gps_accuracy_m"] == 3.9
    assert maria.visits == [
        {"visit_date": "2024-06-03", "activities": "registration mapping grafting"}
    ]
    assert str(maria.ref) == "chacra_registro.xlsx, sheet chacra productor y parcela, row 2"
    assert all(set(r.values) <= {*PRODUCER_KEYS, *PLOT_KEYS} for r in kobo)


def test_kobo_geoshape_and_geopoint(kobo: list[IntakeRow]) -> None:
    _plot_checks(kobo[0])
    wilder = kobo[1]
    assert wilder.geometry is None
    assert (wilder.point.x, wilder.point.y) == (-76.72011, -7.18502)
    assert wilder.mapping_method == "gps_point"


def test_kobo_plantings_follow_parent_index(kobo: list[IntakeRow]) -> None:
    maria, wilder, maria_edit = kobo
    assert maria.plantings == [
        {"cacao_installed_ha": 0.8, "installed_on": "2016-02-01", "temporary_shade_ha": 0.4,
         "grafted_ha": 0.8, "clone": "TSH-565", "grafted_on": "2017-04-01"}
    ]  # fmt: skip
    assert [p.get("clone") for p in wilder.plantings] == ["CCN-51", None]
    assert len(maria_edit.plantings) == 1


def test_kobo_edit_shares_the_root_uuid(kobo: list[IntakeRow]) -> None:
    assert [r.submission for r in kobo] == [
        SubmissionId("kobo", MARIA, MARIA, "", "2024-06-03T16:20:41"),
        SubmissionId("kobo", WILDER, WILDER, "", "2024-06-04T15:05:12"),
        SubmissionId("kobo", MARIA_EDIT, MARIA, MARIA, "2024-06-10T13:44:09"),
    ]
    assert (kobo[0].values["household_size"], kobo[2].values["household_size"]) == (6, 7)


def _kobo_copy(path: Path, change: Callable[[Any], None]) -> Path:
    book = load_workbook(KOBO_XLSX)
    change(book)
    book.save(path)
    return path


def _column(sheet: Any, name: str) -> int:
    return [c.value for c in sheet[1]].index(name) + 1


def test_kobo_two_point_geoshape_is_a_row_error(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        main = book.worksheets[0]
        main.cell(row=4, column=_column(main, "plot/boundary"), value=TWO_POINTS)

    result = KoboReader().read(_kobo_copy(tmp_path / "bad.xlsx", change))
    (error,) = result.errors
    assert (error.field, error.value, error.ref.row) == ("boundary", TWO_POINTS, 4)
    assert [r.ref.row for r in result.rows] == [2, 3]


def test_kobo_split_geopoint_columns_without_the_text_column(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        main = book.worksheets[0]
        main.delete_cols(_column(main, "plot/point"))

    rows = KoboReader().read(_kobo_copy(tmp_path / "split.xlsx", change)).rows
    assert (rows[1].point.x, rows[1].point.y) == (-76.72011, -7.18502)
    assert rows[1].values["gps_accuracy_m"] == 5.2


def test_kobo_headers_without_group_names(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        for sheet in book.worksheets:
            for cell in sheet[1]:
                if "/" in str(cell.value) and not str(cell.value).startswith(("_", "meta/")):
                    cell.value = str(cell.value).split("/", 1)[1]

    rows = KoboReader().read(_kobo_copy(tmp_path / "bare.xlsx", change)).rows
    assert rows[0].values["dni"] == "00871234"
    assert rows[0].geometry is not None
    assert len(rows[1].plantings) == 2


def test_kobo_is_told_apart_from_a_plain_spreadsheet(tmp_path: Path) -> None:
    plain = tmp_path / "padron.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Apellidos y Nombres", "N° DNI"])
    sheet.append(["Tuanama Sangama Rosa", "04512345"])
    book.save(plain)
    assert KoboReader().can_handle(KOBO_XLSX, head_of(KOBO_XLSX))
    assert not KoboReader().can_handle(plain, head_of(plain))
    assert XlsxReader().can_handle(KOBO_XLSX, head_of(KOBO_XLSX))  # so Kobo must be tried first
    with pytest.raises(IntakeError, match=r"^padron\.xlsx: the first sheet .* no _uuid"):
        KoboReader().read(plain)


def test_readers_try_kobo_before_the_plain_xlsx_reader() -> None:
    names = [r.name for r in READERS]
    if "kobo" not in names:
        pytest.skip("KoboReader is not registered in chacra.intake.readers.READERS yet")
    assert names.index("kobo") < names.index("xlsx")


# Shared ------------------------------------------------------------------------------------------


def test_geoshape_closes_an_open_ring_and_keeps_lon_lat() -> None:
    shape = geoshape_polygon("-7.18 -76.73;-7.18 -76.72 300 5;-7.17 -76.72;")
    assert list(shape.exterior.coords) == [(-76.73, -7.18), (-76.72, -7.18), (-76.72, -7.17),
                                           (-76.73, -7.18)]  # fmt: skip
    for bad in (TWO_POINTS, "-7.18 -76.73 0 0 9;-7.18 -76.72;-7.17 -76.72", "a b;c d;e f", "",
                "-97.18 -76.73;-7.18 -76.72;-7.17 -76.72"):  # fmt: skip
        with pytest.raises(ValueError):  # noqa: PT011 - the reader turns it into a RowError
            geoshape_polygon(bad)


def test_root_ids_follow_the_chain_within_the_file() -> None:
    versions = [
        Version("c", deprecated_id="b"),
        Version("b", deprecated_id="a"),
        Version("a"),
        Version("z", deprecated_id="y"),  # y is not in the file
        Version("k", root_hint="first"),
        Version("p", deprecated_id="q"),  # a cycle ends, it does not loop
        Version("q", deprecated_id="p"),
    ]
    assert root_ids(versions) == ["a", "a", "a", "y", "first", "p", "q"]


SAMPLE_BYTES = {".zip": ODK_ZIP.read_bytes(), ".xlsx": KOBO_XLSX.read_bytes()}


@st.composite
def damaged(draw: st.DrawFn, suffix: str) -> bytes:
    """Arbitrary bytes, or a sample export cut short or with bytes overwritten."""
    sample = SAMPLE_BYTES[suffix]
    kind = draw(st.sampled_from(["random", "cut", "overwrite"]))
    if kind == "random":
        return draw(
            st.one_of(st.binary(max_size=2000), st.binary(max_size=200).map(b"PK\x03\x04".__add__))
        )
    if kind == "cut":
        return sample[: draw(st.integers(0, len(sample) - 1))]
    at = draw(st.integers(0, len(sample) - 1))
    patch = draw(st.binary(min_size=1, max_size=64))
    return sample[:at] + patch + sample[at + len(patch) :]


@pytest.mark.parametrize(("reader", "suffix"), [(OdkReader(), ".zip"), (KoboReader(), ".xlsx")])
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_files_raise_only_intake_errors(
    reader: Any, suffix: str, tmp_path: Path, data: st.DataObject
) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data.draw(damaged(suffix)))
    reader.can_handle(path, head_of(path))  # never raises
    message = ""
    try:
        result = reader.read(path)
    except IntakeError as exc:
        message = exc.message
    else:
        assert all(isinstance(r.geometry, shapely.Polygon | None) for r in result.rows)
    assert message == "" or message.startswith(f"export{suffix}: ")
