"""Every source format chacra reads, registered in one place."""

from __future__ import annotations

from pathlib import Path

from chacra.intake.readers.base import IntakeError, Reader, gdal_lockdown, head_of, zip_guard
from chacra.intake.readers.gpx import GpxReader
from chacra.intake.readers.kobo import KoboReader
from chacra.intake.readers.odk import OdkReader
from chacra.intake.readers.spreadsheet import CsvReader, XlsxReader
from chacra.intake.readers.vector import (
    GeoJsonReader,
    GpkgReader,
    KmlReader,
    KmzReader,
    ShapefileReader,
)

gdal_lockdown()  # before any reader opens a file with GDAL (vector formats, GPX)

# Order matters: the first reader that can handle a file reads it. Kobo exports are .xlsx too.
READERS: list[Reader] = [
    KoboReader(),
    OdkReader(),
    XlsxReader(),
    CsvReader(),
    GeoJsonReader(),
    KmlReader(),
    KmzReader(),
    ShapefileReader(),
    GpkgReader(),
    GpxReader(),
]


def reader_for(path: Path, format: str | None = None) -> Reader:
    """The reader for a file: the one named by ``format``, else the first that can handle it."""
    names = {r.name: r for r in READERS}
    if format:
        zip_guard(path)
        if format not in names:
            raise IntakeError(f"--format {format!r} is not known; use one of {', '.join(names)}")
        return names[format]
    zip_guard(path)
    head = head_of(path)
    for reader in READERS:
        if reader.can_handle(path, head):
            return reader
    known = ", ".join(f"{r.name} ({' '.join(r.extensions)})" for r in READERS)
    raise IntakeError(f"{path.name}: no reader for this kind of file; chacra reads {known}")


__all__ = ["READERS", "IntakeError", "Reader", "reader_for"]
