"""Write the ODK Central and KoboToolbox sample exports of the chacra form (deterministic).

    .venv/bin/python tests/intake/samples/make_form_samples.py

writes ``odk/chacra_registro.zip`` and ``kobo/chacra_registro.xlsx`` next to this script. The
data are made up (San Martín, Mariscal Cáceres, Juanjuí, ubigeo 220601); the layouts follow the
exports: ODK Central's CSV zip (groups joined with ``-``, geopoints split in four columns, repeats
in ``<form_id>-<repeat>.csv`` linked by PARENT_KEY -> KEY) and Kobo's XLSX with XML values and
headers (groups joined with ``/``, a sheet per repeat linked by _parent_index -> _index).

Each export has three submissions and one edit. The ODK edit has its own KEY, as when two exports
(before and after the edit) are put together; in a single Central export the edit's KEY stays the
first instanceID (tests/intake/test_odk_kobo.py builds that case).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path
from typing import Any

from chacra.intake.readers.formfields import CHOICES, FIELDS, FORM_ID, FORM_VERSION

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 6, 1, 0, 0, 0)
PLACE = {
    "departamento": "San Martín",
    "provincia": "Mariscal Cáceres",
    "distrito": "Juanjuí",
    "ubigeo": "220601",
    "comunidad": "Nuevo Progreso",
    "organisation": "Cooperativa Agraria Río Huallaga",
}
M_PER_DEG_LAT = 110_574.0


def ring(lon: float, lat: float, offsets_m: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(lat, lon) vertices at east/north offsets in metres from a centre, closed."""
    m_per_deg_lon = 111_320.0 * math.cos(math.radians(lat))
    points = [
        (round(lat + n / M_PER_DEG_LAT, 7), round(lon + e / m_per_deg_lon, 7)) for e, n in offsets_m
    ]
    return [*points, points[0]]


def geoshape(points: list[tuple[float, float]], alt: float = 312.0) -> str:
    """ODK's geoshape text: 'lat lon alt acc;...', latitude first."""
    return ";".join(
        f"{lat} {lon} {alt + i % 3} {4.0 + i % 4 * 0.5}" for i, (lat, lon) in enumerate(points)
    )


# About 1 ha each, near Juanjuí (lon -76.73, lat -7.18).
SHAPE_ROSA = ring(
    -76.7312, -7.1834, [(-50, -48), (52, -45), (55, 20), (30, 52), (-48, 50), (-53, 0)]
)
SHAPE_MARIA = ring(-76.7265, -7.1768, [(-60, -40), (58, -42), (62, 38), (-55, 45)])

PRODUCERS: dict[str, dict[str, Any]] = {
    "rosa": {
        "surnames": "Tuanama Sangama", "given_names": "Rosa Elvira", "dni": "04512345", "sex": "F",
        "age": 56, "phone": "942118305", "household_size": 5, **PLACE, "consent": "si",
        "consent_method": "signed_form", "consent_given_on": "2024-05-14",
        "boundary": geoshape(SHAPE_ROSA), "point": (-7.18335, -76.73118, 318.2, 4.5),
        "declared_area_ha": 1.0, "property_area_ha": 2.5, "land_title": "no",
        "cacao_in_production_ha": 0.5, "visit_date": "2024-05-14",
        "activities": "registration mapping", "notes": "Parcela recorrida con la productora",
    },
    "juan": {
        "surnames": "Pinedo Ríos", "given_names": "Juan Carlos", "dni": "41234567", "sex": "M",
        "age": 61, "phone": "965402117", "household_size": 4, **PLACE, "consent": "si",
        "consent_method": "thumbprint", "consent_given_on": "2024-05-15",
        "point": (-7.19021, -76.73844, 305.0, 6.0), "declared_area_ha": 1.2,
        "property_area_ha": 3.0, "land_title": "si", "cacao_in_production_ha": 1.2,
        "visit_date": "2024-05-15", "activities": "registration technical_assistance",
        "notes": "Sin recorrido: lluvia",
    },
    "maria": {
        "surnames": "Amasifuen Cachique", "given_names": "María Elena", "dni": "00871234",
        "sex": "F", "age": 42, "phone": "978330164", "household_size": 6, **PLACE,
        "consent": "si", "consent_method": "digital", "consent_given_on": "2024-06-03",
        "boundary": geoshape(SHAPE_MARIA, alt=298.0), "point": (-7.17681, -76.72648, 299.5, 3.9),
        "declared_area_ha": 1.0, "property_area_ha": 1.5, "land_title": "si",
        "cacao_in_production_ha": 0.8, "visit_date": "2024-06-03",
        "activities": "registration mapping grafting", "notes": "",
    },
    "wilder": {
        "surnames": "Satalaya Panduro", "given_names": "Wilder", "dni": "45678901", "sex": "M",
        "age": 61, "phone": "", "household_size": 3, **PLACE, "consent": "si",
        "consent_method": "verbal_recorded", "consent_given_on": "2024-06-04",
        "point": (-7.18502, -76.72011, 321.0, 5.2), "declared_area_ha": 1.5,
        "property_area_ha": 2.0, "land_title": "no", "cacao_in_production_ha": 1.0,
        "visit_date": "2024-06-04", "activities": "registration", "notes": "",
    },
}  # fmt: skip

PLANTING = ("cacao_installed_ha", "installed_on", "temporary_shade_ha", "forestry_ha",
            "grafted_ha", "clone", "grafted_on")  # fmt: skip
PLANTINGS: dict[str, list[tuple[Any, ...]]] = {
    "rosa": [
        (0.49, "2015-12-01", 0.5, 0.1, "", "", ""),
        (0.5, "2018-03-01", 0.2, "", 0.5, "ICS-95", "2019-06-01"),
    ],
    "rosa_edited": [
        (0.49, "2015-12-01", 0.5, 0.1, "", "", ""),
        (0.5, "2018-03-01", 0.2, "", 0.45, "ICS-95", "2019-06-01"),
    ],
    "juan": [(1.2, "2014-09-01", 0.6, 0.2, 1.2, "CCN-51", "2015-03-01")],
    "maria": [(0.8, "2016-02-01", 0.4, "", 0.8, "TSH-565", "2017-04-01")],
    "wilder": [
        (1.0, "2014-09-01", "", 0.3, 1.0, "CCN-51", "2015-03-01"),
        (0.5, "2020-01-01", 0.5, "", "", "", ""),
    ],
}  # fmt: skip

ROSA, ROSA_EDIT = (
    "uuid:6f1c2a8e-4b7d-4e0a-9c31-2d5e8f7a1b01",
    "uuid:a93e5d20-17c4-4f6b-8e2a-5c0d9b4f3e02",
)
JUAN = "uuid:3b8d6f41-9a2e-4c17-b5d0-7e1f2a6c8d03"
MARIA, MARIA_EDIT = (
    "uuid:c2e7a915-6d3b-48f0-a1c4-9b8e5d2f7a04",
    "uuid:e5f1b3c7-2a9d-4e86-b0f3-1c7d4a9e6b05",
)
WILDER = "uuid:7d4a2c9e-5b1f-4a38-9e6d-0f2b8c5a1d06"


def _main_fields() -> list[tuple[str, str]]:
    return [(p, f.type) for p, f in FIELDS.items() if not p.startswith("plantings/")]


def _cell(answers: dict[str, Any], name: str) -> Any:
    value = answers.get(name, "")
    return "" if value is None else value


def _zip_write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def odk_export(path: Path) -> None:
    """ODK Central's CSV zip: chacra_registro.csv and chacra_registro-plantings.csv."""
    header = ["SubmissionDate"]
    for p, kind in _main_fields():
        column = p.replace("/", "-")
        header += (
            [f"{column}-{s}" for s in ("Latitude", "Longitude", "Altitude", "Accuracy")]
            if kind == "geopoint"
            else [column]
        )
    header += ["meta-instanceID", "meta-deprecatedID", "KEY", "SubmitterID", "SubmitterName",
               "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID",
               "Edits", "FormVersion"]  # fmt: skip
    rosa_edit = {**PRODUCERS["rosa"], "phone": "942118350", "household_size": 6}
    subs = [
        ("2024-05-14T21:03:11.512Z", PRODUCERS["rosa"], ROSA, "", "rosa", 0),
        ("2024-05-15T19:47:02.090Z", PRODUCERS["juan"], JUAN, "", "juan", 0),
        ("2024-05-20T14:12:45.301Z", rosa_edit, ROSA_EDIT, ROSA, "rosa_edited", 1),
    ]
    main = [header]
    plantings = [[*PLANTING, "PARENT_KEY", "KEY"]]
    for submitted, answers, instance, deprecated, planted, edits in subs:
        row: list[Any] = [submitted]
        for p, kind in _main_fields():
            value = _cell(answers, p.split("/")[1])
            row += list(value or ("", "", "", "")) if kind == "geopoint" else [value]
        row += [instance, deprecated, instance, 7, "Lucía Vásquez (técnica)", 0, 0, "", "approved",
                "collect:Xq2LmB7cR9vT4wYz", edits, FORM_VERSION]  # fmt: skip
        main.append(row)
        for i, planting in enumerate(PLANTINGS[planted], start=1):
            plantings.append([*planting, instance, f"{instance}/plantings[{i}]"])
    with zipfile.ZipFile(path, "w") as archive:
        _zip_write(archive, f"{FORM_ID}.csv", _csv_bytes(main))
        _zip_write(archive, f"{FORM_ID}-plantings.csv", _csv_bytes(plantings))


def kobo_export(path: Path) -> None:
    """KoboToolbox's XLSX (XML values and headers): submissions, then a plantings sheet."""
    from openpyxl import Workbook

    header = ["start", "end"]
    for p, kind in _main_fields():
        header.append(p)
        if kind == "geopoint":
            header += [f"_{p}_{s}" for s in ("latitude", "longitude", "altitude", "precision")]
        if kind.startswith("select_multiple"):
            header += [f"{p}/{name}" for name, _, _ in CHOICES[kind.split()[1]]]
    header += ["meta/instanceID", "meta/rootUuid", "meta/deprecatedID", "_id", "_uuid",
               "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
               "__version__", "_tags", "_index"]  # fmt: skip
    maria_edit = {**PRODUCERS["maria"], "household_size": 7, "notes": "Corrige miembros del hogar"}
    subs = [
        ("2024-06-03T16:20:41", PRODUCERS["maria"], MARIA, MARIA, "", 101, "maria"),
        ("2024-06-04T15:05:12", PRODUCERS["wilder"], WILDER, WILDER, "", 102, "wilder"),
        ("2024-06-10T13:44:09", maria_edit, MARIA_EDIT, MARIA, MARIA, 103, "maria"),
    ]
    book = Workbook()
    main = book.active
    assert main is not None
    main.title = "chacra productor y parcela"
    main.append(header)
    plantings = book.create_sheet("plantings")
    plantings.append([f"plantings/{k}" for k in PLANTING] + [
        "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
        "_submission__submission_time", "_submission__validation_status", "_submission__notes",
        "_submission__status", "_submission__submitted_by", "_submission___version__",
        "_submission__tags"])  # fmt: skip
    planting_index = 0
    for index, (submitted, answers, instance, root, deprecated, kobo_id, planted) in enumerate(
        subs, start=1
    ):
        row: list[Any] = [
            f"{submitted[:10]}T10:02:13.114-05:00",
            f"{submitted[:10]}T10:31:55.870-05:00",
        ]
        for p, kind in _main_fields():
            value = _cell(answers, p.split("/")[1])
            if kind == "geopoint":
                row += [
                    " ".join(str(v) for v in value) if value else "",
                    *(value or ("", "", "", "")),
                ]
            else:
                row.append(value)
            if kind.startswith("select_multiple"):
                chosen = str(value).split()
                row += [int(name in chosen) for name, _, _ in CHOICES[kind.split()[1]]]
        uuid = instance.removeprefix("uuid:")
        row += [instance, root, deprecated, kobo_id, uuid, submitted, "", "", "submitted_via_web",
                "lvasquez", "vKx7Qm2pRtY9aB3cD4eF5g", "", index]  # fmt: skip
        main.append([None if v == "" else v for v in row])
        for planting in PLANTINGS[planted]:
            planting_index += 1
            plantings.append([None if v == "" else v for v in planting] + [
                planting_index, main.title, index, kobo_id, uuid, submitted, "", "",
                "submitted_via_web", "lvasquez", "vKx7Qm2pRtY9aB3cD4eF5g", ""])  # fmt: skip
    book.save(path)
    _freeze_times(path)


def _freeze_times(path: Path) -> None:
    """Rewrite a workbook with fixed zip and document times: the same output on every run."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2024-06-10T00:00:00Z",
                    data,
                )
            _zip_write(archive, name, data)


def main() -> None:
    (HERE / "odk").mkdir(exist_ok=True)
    (HERE / "kobo").mkdir(exist_ok=True)
    odk_export(HERE / "odk" / f"{FORM_ID}.zip")
    kobo_export(HERE / "kobo" / f"{FORM_ID}.xlsx")


if __name__ == "__main__":
    main()
