"""The reader interface: every source format answers ``can_handle`` and ``read``."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

from chacra.errors import InvalidInput
from chacra.intake.rows import ReadResult


class IntakeError(InvalidInput):
    """A file chacra cannot read at all; the message names the file and what is accepted."""

    code = "intake_error"


class Reader(Protocol):
    name: str
    description: str
    extensions: tuple[str, ...]

    def can_handle(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> ReadResult: ...


# A zip (ODK export, XLSX, KMZ, Shapefile) may unpack to at most this much: far beyond any real
# programme file, and well below what would take the server down (zip bombs).
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024


def zip_guard(path: Path) -> None:
    """Refuse a zip whose members add up to more than MAX_UNZIPPED_BYTES, before inflating any."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader says what it expected
    if total > MAX_UNZIPPED_BYTES:
        raise IntakeError(
            f"{path.name}: unzips to {total >> 20} MB, more than {MAX_UNZIPPED_BYTES >> 20} MB; "
            "split the export into smaller files"
        )


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time: what archives and imports
    are known by."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def gdal_lockdown() -> None:
    """Uploaded files are untrusted: GDAL must not follow a file's pointers to other files or to
    the network. The VRT drivers would open whatever a crafted file names (even http:// URLs),
    and /vsicurl/ would fetch it; chacra needs neither. Applies to every GDAL reader."""
    import pyogrio

    pyogrio.set_gdal_config_options(
        {
            "GDAL_SKIP": "VRT OGR_VRT",
            "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".chacra-no-network",
            "GDAL_HTTP_PROXY": "127.0.0.1:9",
        }
    )


def head_of(path: Path, size: int = 4096) -> bytes:
    with path.open("rb") as f:
        return f.read(size)
