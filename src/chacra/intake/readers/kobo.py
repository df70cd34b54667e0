"""KoboToolbox's XLSX export of the chacra form (form_id ``chacra_registro``).

Export with "XML values and headers" and the group separator ``/`` (Kobo's defaults); headers
without group names also match. The first sheet holds the submissions (``producer/surnames``,
``_uuid``, ``_submission_time``, ``_index``, ``meta/instanceID``, ``meta/rootUuid``); each
repeat has a sheet named after it (``plantings``) whose ``_parent_index`` is the submission's
``_index``. A geopoint is read from its text column ('lat lon alt acc') or from Kobo's split
columns (``_plot/point_latitude``, ``_longitude``, ``_altitude``, ``_precision``).

Edits: Kobo keeps the first submission's id in ``meta/rootUuid``; without it, the root is
found as for ODK (``formfields.root_ids``), else it is the submission's own ``_uuid``. Ids are kept
without the ``uuid:`` prefix, as in ``_uuid``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from pathlib import Path
from typing import Any

from chacra.intake.readers.base import IntakeError
from chacra.intake.readers.formfields import (
    FORM_ID,
    GROUPS,
    Version,
    answers_of,
    root_ids,
    strip_uuid,
    submission_row,
    table_columns,
)
from chacra.intake.rows import ReadResult, RowError, SourceRef, SubmissionId

ACCEPTED = (
    f"a KoboToolbox XLSX export of the {FORM_ID} form (XML values and headers; a first sheet of "
    "submissions with _uuid and _index columns, one sheet per repeat)"
)
KOBO_COLUMNS = ("_uuid", "_index")
# What openpyxl and the zip and XML layers under it raise for a file that is not a workbook.
_XLSX_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError,
                ValueError, TypeError, AttributeError, IndexError, SyntaxError, zlib.error,
                NotImplementedError, RuntimeError)  # fmt: skip

Table = list[list[Any]]


def _load(path: Path, first_only: bool = False) -> list[tuple[str, Table]]:
    """The workbook's sheets as (title, rows of cell values); raises the errors openpyxl raises."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException as exc:
        raise ValueError(str(exc)) from exc
    try:
        sheets = book.worksheets[:1] if first_only else book.worksheets
        return [
            (
                sheet.title,
                [
                    list(r)
                    for r in sheet.iter_rows(values_only=True, max_row=1 if first_only else None)
                ],
            )
            for sheet in sheets
        ]
    finally:
        book.close()


def _ident(value: Any) -> str:
    """A cell as an id: 3.0 -> '3', None -> ''."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return _ident(value)


class _Sheet:
    def __init__(self, title: str, table: Table) -> None:
        self.title = title
        self.header = [_ident(h) for h in table[0]] if table else []
        self.rows = [
            (number, raw)
            for number, raw in enumerate(table[1:], start=2)
            if not all(v is None or str(v).strip() == "" for v in raw)
        ]

    def cell(self, raw: list[Any], name: str) -> Any:
        at = self.header.index(name) if name in self.header else None
        return raw[at] if at is not None and at < len(raw) else None


class KoboReader:
    name = "kobo"
    description = f"KoboToolbox XLSX export of the {FORM_ID} form"
    extensions: tuple[str, ...] = (".xlsx",)

    def can_handle(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() != ".xlsx" or not head.startswith(b"PK"):
            return False
        try:
            sheets = _load(path, first_only=True)
        except _XLSX_ERRORS:
            return False
        header = [_ident(h) for h in sheets[0][1][0]] if sheets and sheets[0][1] else []
        return any(c in header for c in KOBO_COLUMNS)

    def read(self, path: Path) -> ReadResult:
        file = path.name
        try:
            sheets = _load(path)
        except _XLSX_ERRORS as exc:
            raise IntakeError(
                f"{file}: not a readable .xlsx workbook ({exc}); expected {ACCEPTED}"
            ) from exc
        if not sheets:
            raise IntakeError(f"{file}: the workbook has no sheets; expected {ACCEPTED}")
        main = _Sheet(*sheets[0])
        if not any(c in main.header for c in KOBO_COLUMNS):
            raise IntakeError(
                f"{file}: the first sheet ({main.title}) has no _uuid or _index column; "
                f"expected {ACCEPTED}"
            )
        columns = table_columns(main.header, sep="/")
        if not columns:
            raise IntakeError(
                f"{file}: the first sheet ({main.title}) has none of the {FORM_ID} form's columns "
                f"(e.g. producer/surnames); expected {ACCEPTED}"
            )
        result = ReadResult()
        repeats = self._repeats(file, sheets[1:], result)
        versions = [self._version(main, raw) for _, raw in main.rows]
        roots = root_ids(versions)
        claimed: set[tuple[str, str]] = set()
        for (number, raw), version, root in zip(main.rows, versions, roots, strict=True):
            ref = SourceRef(file=file, row=number, sheet=main.title)
            parents = {
                ("_parent_index", _ident(main.cell(raw, "_index"))),
                ("_submission__uuid", strip_uuid(main.cell(raw, "_uuid"))),
            }
            claimed |= parents
            plantings = [a for p in sorted(parents) for _, a in repeats.get(p, [])]
            row, errors = submission_row(ref, answers_of(columns, raw), plantings)
            if version.instance_id:
                row.submission = SubmissionId(
                    source=self.name,
                    instance_id=version.instance_id,
                    root_id=root,
                    deprecated_id=version.deprecated_id,
                    submitted_at=_when(main.cell(raw, "_submission_time")),
                )
            result.errors.extend(errors)
            if not errors:
                result.rows.append(row)
        for field, value in sorted(set(repeats) - claimed):
            wanted = "_index" if field == "_parent_index" else "_uuid"
            for ref, _ in repeats[field, value]:
                message = f"expected the {wanted} of a submission in sheet {main.title}"
                result.errors.append(RowError(ref, field, value, message))
        return result

    @staticmethod
    def _version(main: _Sheet, raw: list[Any]) -> Version:
        return Version(
            instance_id=strip_uuid(main.cell(raw, "meta/instanceID") or main.cell(raw, "_uuid")),
            deprecated_id=strip_uuid(main.cell(raw, "meta/deprecatedID")),
            root_hint=strip_uuid(main.cell(raw, "meta/rootUuid")),
        )

    @staticmethod
    def _repeats(
        file: str, sheets: list[tuple[str, Table]], result: ReadResult
    ) -> dict[tuple[str, str], list[tuple[SourceRef, dict[str, Any]]]]:
        """Repeat rows' answers by ('_parent_index', '3'), or ('_submission__uuid', id)."""
        by_parent: dict[tuple[str, str], list[tuple[SourceRef, dict[str, Any]]]] = {}
        for title, table in sheets:
            if title not in GROUPS or not GROUPS[title].repeat:
                continue
            sheet = _Sheet(title, table)
            columns = table_columns(sheet.header, sep="/", repeat=title)
            for number, raw in sheet.rows:
                answers = answers_of(columns, raw)
                if not answers:
                    continue
                ref = SourceRef(file=file, row=number, sheet=title)
                if parent := _ident(sheet.cell(raw, "_parent_index")):
                    by_parent.setdefault(("_parent_index", parent), []).append((ref, answers))
                elif parent := strip_uuid(sheet.cell(raw, "_submission__uuid")):
                    by_parent.setdefault(("_submission__uuid", parent), []).append((ref, answers))
                else:
                    message = "expected the _index of a submission in the first sheet"
                    result.errors.append(RowError(ref, "_parent_index", "", message))
        return by_parent
