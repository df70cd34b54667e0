"""CSV and XLSX spreadsheets of producers and plots, one row per plot."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from chacra.intake.headings import HEADINGS, map_headings
from chacra.intake.readers.base import IntakeError
from chacra.intake.rows import PLANTING_KEYS, IntakeRow, ReadResult, SourceRef

ENCODINGS = ("utf-8-sig", "cp1252")  # Excel in Peru saves CSV as UTF-8 or Windows-1252
ACCEPTED = "the record's Spanish headings or their English aliases (see the template)"


def _rows_from_table(file: str, table: Iterable[list[Any]], sheet: str | None = None) -> ReadResult:
    result = ReadResult()
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise IntakeError(f"{file}: the file is empty; expected a header row with {ACCEPTED}")
    columns, _unknown = map_headings(list(header))
    if not ({"full_name", "surnames", "dni", "producer_code"} & set(columns.values())):
        shown = ", ".join(repr(h) for h in header[:8] if h)
        raise IntakeError(
            f"{file}: no producer column among the headings ({shown}); expected {ACCEPTED}, "
            f"e.g. {HEADINGS['full_name'][0]!r} or {HEADINGS['dni'][0]!r}"
        )
    for number, raw in enumerate(rows, start=2):
        if raw is None or all(v is None or str(v).strip() == "" for v in raw):
            continue
        values = {key: raw[i] for i, key in columns.items() if i < len(raw)}
        values = {k: v for k, v in values.items() if v is not None and str(v).strip() != ""}
        planting = {k: values.pop(k) for k in PLANTING_KEYS if k in values}
        row = IntakeRow(ref=SourceRef(file=file, row=number, sheet=sheet), values=values)
        if planting:
            row.plantings.append(planting)
        result.rows.append(row)
    return result


class CsvReader:
    name: str = "csv"
    description: str = "CSV spreadsheet with the record's headings"
    extensions: tuple[str, ...] = (".csv", ".txt")

    def can_handle(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.extensions

    def read(self, path: Path) -> ReadResult:
        data = path.read_bytes()
        for encoding in ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # cp1252 decodes almost anything; this is for bytes it cannot
            raise IntakeError(f"{path.name}: not a text file in UTF-8 or Windows-1252")
        if "\x00" in text:
            raise IntakeError(f"{path.name}: binary data in a CSV file; save it as CSV UTF-8")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            table = list(csv.reader(io.StringIO(text), dialect))
        except csv.Error as exc:
            raise IntakeError(f"{path.name}: unreadable CSV ({exc})") from exc
        return _rows_from_table(path.name, table)


class XlsxReader:
    name: str = "xlsx"
    description: str = "Excel workbook (first sheet) with the record's headings"
    extensions: tuple[str, ...] = (".xlsx",)

    def can_handle(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".xlsx" and head.startswith(b"PK")

    def read(self, path: Path) -> ReadResult:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise IntakeError(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
        try:
            sheet = book.worksheets[0]
            table = [list(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
        return _rows_from_table(path.name, table, sheet=sheet.title)
