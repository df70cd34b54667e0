"""Property tests: malformed rows never crash an import, and a rejected file writes nothing."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chacra.errors import ChacraError
from chacra.intake.models import ImportStatus
from chacra.intake.services import import_file
from chacra.registry.models import Graft, Planting, Plot, PlotGeometryVersion, Producer

HEADINGS = [
    "Distrito", "Comunidad", "Apellidos y Nombres", "N° DNI", "Sexo", "Edad",
    "Cacao instalado (ha)", "Mes-año instalación", "Clon utilizado", "Cacao injertado (ha)",
    "Mes-año injertación", "Título de propiedad", "Latitud", "Longitud",
    "Geometría (WKT o GeoJSON)",
]  # fmt: skip
GOOD = ["Juanjuí", "Nuevo Edén", "Vela Tapullima Rosa", "71234567", "F", "44", "1,2", "03-2014",
        "ICS-95", "1,0", "ene-2015", "SI", "-7.19", "-76.74", ""]  # fmt: skip
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "0", "-1", "1e9", "nan", "ñ", "13-2013", "POLYGON((0 0))", "{", "12AB"]),
    st.integers(-(10**9), 10**9).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
row = st.lists(cell, min_size=len(HEADINGS), max_size=len(HEADINGS))
TABLES = (Producer, Plot, PlotGeometryVersion, Planting, Graft)


def _counts() -> dict[str, int]:
    return {t.__name__: t.objects.count() for t in TABLES}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.one_of(row, st.just(GOOD)), min_size=1, max_size=4))
def test_no_row_crashes_and_rejected_files_write_nothing(
    demo_db: Any, rows: list[list[str]]
) -> None:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filas.csv"
        path.write_text(text.getvalue(), encoding="utf-8")
        before = _counts()
        try:
            report = import_file(actor=None, path=path)
        except ChacraError:
            assert _counts() == before
            return
    if report.status == ImportStatus.REJECTED:
        assert report.errors
        assert _counts() == before
        for error in report.errors:
            assert error.ref.file == "filas.csv"
            assert error.ref.row is not None
            assert 2 <= error.ref.row <= len(rows) + 1
            assert error.field
