"""Uploaded files are untrusted: no network fetches through GDAL, no zip bombs."""

from __future__ import annotations

import http.server
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chacra.intake.readers import reader_for
from chacra.intake.readers.base import MAX_UNZIPPED_BYTES, IntakeError


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Any:
    _Recorder.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".kml"])
def test_a_crafted_vrt_file_makes_no_request(tmp_path: Path, listener: Any, suffix: str) -> None:
    port = listener.server_address[1]
    path = tmp_path / f"crafted{suffix}"
    path.write_text(
        "<OGRVRTDataSource><OGRVRTLayer name='x'>"
        f"<SrcDataSource>/vsicurl/http://127.0.0.1:{port}/leak.csv</SrcDataSource>"
        "<GeometryType>wkbPoint</GeometryType></OGRVRTLayer></OGRVRTDataSource>"
    )
    with pytest.raises(IntakeError):
        reader_for(path).read(path)
    assert _Recorder.seen == []


def test_a_zip_that_unpacks_too_far_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    chunk = b"\n" * (1 << 20)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("chacra_registro.csv", "w", force_zip64=True) as member,
    ):
        for _ in range((MAX_UNZIPPED_BYTES >> 20) + 1):
            member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk ...
    with pytest.raises(IntakeError, match="unzips to"):  # ... refused before inflating
        reader_for(path)
