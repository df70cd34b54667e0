"""ODK Central's "CSV zip" export of the chacra form (form_id ``chacra_registro``).

The zip holds the main table ``<form_id>.csv`` (one row per submission, groups joined with ``-``:
``producer-surnames``; a geopoint split into ``plot-point-Latitude``/``-Longitude``/``-Altitude``/
``-Accuracy``; ``meta-instanceID``, ``SubmissionDate``, ``KEY``) and one table per repeat,
``<form_id>-<repeat>.csv``, whose rows point at their submission with ``PARENT_KEY`` = ``KEY``.
Columns are matched through ``formfields.FIELDS``; columns the form does not have are ignored.

Edits: a version's ``meta-deprecatedID`` is the instanceID it replaces. The root id is found by
``formfields.root_ids``: ODK Central keeps a submission's first instanceID in ``KEY`` through
edits, so a ``KEY`` that differs from ``meta-instanceID`` is the root; otherwise the
``deprecatedID`` chain is followed within the file (e.g. two exports put together, or Briefcase),
and ends at the earliest version present, or at the id it replaces when that one is missing.
Ids keep ODK's ``uuid:`` prefix.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from chacra.intake.readers.base import IntakeError
from chacra.intake.readers.formfields import (
    FORM_ID,
    GROUPS,
    Version,
    answers_of,
    root_ids,
    submission_row,
    table_columns,
)
from chacra.intake.rows import ReadResult, RowError, SourceRef, SubmissionId

ACCEPTED = (
    f"an ODK Central CSV zip export of the {FORM_ID} form: {FORM_ID}.csv (with a KEY column) "
    f"and {FORM_ID}-<repeat>.csv files"
)
MAX_CSV_BYTES = 512 * 1024 * 1024  # refuse zip bombs before inflating them
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError, zlib.error, KeyError)  # fmt: skip


@dataclass
class _Table:
    name: str
    header: list[str]
    rows: list[list[str]]

    def column(self, name: str) -> int | None:
        return self.header.index(name) if name in self.header else None


def _csv_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """CSV files by name, wherever they are in the zip (media/ attachments are skipped)."""
    return {
        PurePosixPath(info.filename).name: info
        for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".csv")
    }


def _table(file: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Table:
    name = PurePosixPath(info.filename).name
    if info.file_size > MAX_CSV_BYTES:
        raise IntakeError(f"{file}: {name} is larger than {MAX_CSV_BYTES >> 20} MB")
    try:
        text = archive.read(info).decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text, newline="")))
    except UnicodeDecodeError as exc:
        raise IntakeError(f"{file}: {name} is not UTF-8 text; expected {ACCEPTED}") from exc
    except csv.Error as exc:
        raise IntakeError(f"{file}: {name} is not a readable CSV ({exc})") from exc
    if not table:
        return _Table(name, [], [])
    return _Table(name, [h.strip() for h in table[0]], table[1:])


def _main_name(names: list[str], headers: dict[str, list[str]]) -> str | None:
    """The submissions table: has KEY and no PARENT_KEY; the form's own id wins a tie."""
    mains = [n for n in names if "KEY" in headers[n] and "PARENT_KEY" not in headers[n]]
    if f"{FORM_ID}.csv" in mains:
        return f"{FORM_ID}.csv"
    return mains[0] if len(mains) == 1 else None


def _repeat_of(main: str, name: str) -> str | None:
    """'chacra_registro-plantings.csv' -> 'plantings' (Central adds ~2 to a repeated name)."""
    stem = main.removesuffix(".csv")
    m = re.fullmatch(re.escape(stem) + r"-(.+?)(?:~\d+)?\.csv", name)
    return m.group(1) if m else None


class OdkReader:
    name = "odk"
    description = f"ODK Central CSV zip export of the {FORM_ID} form"
    extensions: tuple[str, ...] = (".zip",)

    def can_handle(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() != ".zip" or not head.startswith(b"PK"):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = [info.filename.lower() for info in archive.infolist()]
        except _ZIP_ERRORS:
            return False
        # CSV tables, and no Shapefile (whose zips can carry a CSV too): so order in READERS
        # does not matter between this reader and the zipped Shapefile reader.
        return any(n.endswith(".csv") for n in names) and not any(n.endswith(".shp") for n in names)

    def read(self, path: Path) -> ReadResult:
        file = path.name
        try:
            with zipfile.ZipFile(path) as archive:
                members = _csv_members(archive)
                tables = {name: _table(file, archive, info) for name, info in members.items()}
        except IntakeError:
            raise
        except _ZIP_ERRORS as exc:
            raise IntakeError(
                f"{file}: not a readable zip file ({exc}); expected {ACCEPTED}"
            ) from exc
        main_name = _main_name(sorted(tables), {n: t.header for n, t in tables.items()})
        if main_name is None:
            found = ", ".join(sorted(tables)) or "no CSV files"
            raise IntakeError(
                f"{file}: no main submissions CSV in the zip ({found}); expected {ACCEPTED}"
            )
        main = tables[main_name]
        columns = table_columns(main.header, sep="-")
        if not columns:
            raise IntakeError(
                f"{file}: {main_name} has none of the {FORM_ID} form's columns "
                f"(e.g. producer-surnames); expected {ACCEPTED}"
            )
        result = ReadResult()
        repeats = self._repeats(file, main_name, tables, result)
        key_at = main.column("KEY")
        keys = [_cell(raw, key_at) for raw in main.rows]
        for key in sorted(set(repeats) - set(keys)):
            for ref, _ in repeats[key]:
                result.errors.append(
                    RowError(
                        ref, "PARENT_KEY", key, f"expected the KEY of a submission in {main_name}"
                    )
                )
        versions = [self._version(main, raw) for raw in main.rows]
        roots = root_ids(versions)
        submitted_at = main.column("SubmissionDate")
        for number, (raw, key, version, root) in enumerate(
            zip(main.rows, keys, versions, roots, strict=True), start=2
        ):
            if all(v.strip() == "" for v in raw):
                continue
            ref = SourceRef(file=file, row=number, sheet=main_name)
            plantings = [answers for _, answers in repeats.get(key, [])] if key else []
            row, errors = submission_row(ref, answers_of(columns, raw), plantings)
            if version.instance_id:
                row.submission = SubmissionId(
                    source=self.name,
                    instance_id=version.instance_id,
                    root_id=root,
                    deprecated_id=version.deprecated_id,
                    submitted_at=_cell(raw, submitted_at),
                )
            result.errors.extend(errors)
            if not errors:
                result.rows.append(row)
        return result

    @staticmethod
    def _version(main: _Table, raw: list[str]) -> Version:
        instance_id = _cell(raw, main.column("meta-instanceID"))
        key = _cell(raw, main.column("KEY"))
        return Version(
            instance_id=instance_id or key,
            deprecated_id=_cell(raw, main.column("meta-deprecatedID")),
            root_hint=key if key and instance_id and key != instance_id else "",
        )

    @staticmethod
    def _repeats(
        file: str, main_name: str, tables: dict[str, _Table], result: ReadResult
    ) -> dict[str, list[tuple[SourceRef, dict[str, Any]]]]:
        """Repeat rows' answers by PARENT_KEY, for the repeats the form has."""
        by_parent: dict[str, list[tuple[SourceRef, dict[str, Any]]]] = {}
        for name, table in sorted(tables.items()):
            repeat = _repeat_of(main_name, name)
            if repeat not in GROUPS or not GROUPS[repeat].repeat:
                continue
            parent_at = table.column("PARENT_KEY")
            if parent_at is None:
                raise IntakeError(f"{file}: {name} has no PARENT_KEY column; expected {ACCEPTED}")
            columns = table_columns(table.header, sep="-", repeat=repeat)
            for number, raw in enumerate(table.rows, start=2):
                answers = answers_of(columns, raw)
                if not answers:
                    continue
                ref = SourceRef(file=file, row=number, sheet=name)
                parent = _cell(raw, parent_at)
                if not parent:
                    result.errors.append(
                        RowError(
                            ref,
                            "PARENT_KEY",
                            "",
                            f"expected the KEY of a submission in {main_name}",
                        )
                    )
                    continue
                by_parent.setdefault(parent, []).append((ref, answers))
        return by_parent


def _cell(raw: list[str], at: int | None) -> str:
    return raw[at].strip() if at is not None and at < len(raw) else ""
