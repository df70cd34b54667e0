"""Spreadsheets chacra hands out: the import template, and the errors of an import."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font

from chacra.intake.headings import HEADINGS, template_headings
from chacra.intake.parse import SEXES
from chacra.intake.rows import RowError
from chacra.registry.models import Clone, ConsentMethod, VisitActivity

# The record shown in the programme's 2016 report (DOMAIN.md), as a filled-in example row.
EXAMPLE = {
    "departamento": "San Martín", "provincia": "Lamas", "distrito": "Alonso de Alvarado",
    "ubigeo": "220502", "comunidad": "San Juan de Pacayzapa", "full_name": "Ejemplo Ejemplo Juan",
    "dni": "00000000", "sex": "M", "age": 56, "temporary_shade_ha": 0.5, "cacao_installed_ha": 0.49,
    "installed_on": "12-2015", "property_area_ha": 2.0, "cacao_in_production_ha": 0.5,
    "land_title": "NO", "latitude": -6.41, "longitude": -76.74, "declared_area_ha": 0.49,
}  # fmt: skip

ERROR_COLUMNS = ["file", "sheet", "row", "feature", "field", "value", "problem"]


def _bold_header(sheet: Any, headings: list[str]) -> None:
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def template_xlsx(path: Path | BinaryIO) -> Path | BinaryIO:
    """The import template: the record's headings, the report's example row, what is accepted."""
    book = Workbook()
    sheet = book.active
    sheet.title = "productores"
    keys = list(HEADINGS)
    _bold_header(sheet, template_headings())
    sheet.append([EXAMPLE.get(k, "") for k in keys])
    help_sheet = book.create_sheet("instrucciones")
    _bold_header(help_sheet, ["columna", "también se acepta", "valores"])
    accepted = {
        "sex": ", ".join(sorted(SEXES)),
        "dni": "8 dígitos (texto): 04512345",
        "installed_on": "12-2015, dic-2015, 2015-12",
        "grafted_on": "12-2015, dic-2015, 2015-12",
        "land_title": "SI / NO",
        "clone": ", ".join(Clone.objects.values_list("code", flat=True)),
        "consent_method": ", ".join(ConsentMethod.values),
        "activities": " ".join(VisitActivity.values),
        "geometry": "WKT o GeoJSON en grados lon/lat (EPSG:4326)",
        "ubigeo": "6 dígitos del distrito (INEI), p. ej. 220601",
    }
    for key, aliases in HEADINGS.items():
        help_sheet.append([aliases[0], ", ".join(aliases[1:]), accepted.get(key, "")])
    book.save(path)
    return path


def errors_table(errors: Iterable[RowError]) -> list[list[Any]]:
    return [
        [e.ref.file, e.ref.sheet or "", e.ref.row or "", e.ref.feature or "", e.field, str(e.value),
         e.message]
        for e in errors
    ]  # fmt: skip


def errors_xlsx(errors: Iterable[RowError], path: Path | BinaryIO) -> Path | BinaryIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "errores"
    _bold_header(sheet, ERROR_COLUMNS)
    for row in errors_table(errors):
        sheet.append(row)
    book.save(path)
    return path
