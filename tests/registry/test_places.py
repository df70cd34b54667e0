"""Loading INEI ubigeo tables: a programme brings the districts it works in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chacra.registry.models import Distrito

pytestmark = pytest.mark.django_db


def _load(tmp_path: Path, text: str) -> str:
    path = tmp_path / "ubigeo.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("places", str(path), stdout=out)
    return out.getvalue()


def test_districts_load_with_their_province_and_region(tmp_path: Path) -> None:
    out = _load(
        tmp_path,
        "ubigeo,departamento,provincia,distrito,capital,latitude,longitude\n"
        "220604,San Martín,Mariscal Cáceres,Pachiza,Pachiza,-7.30,-76.77\n"
        "10101,Amazonas,Chachapoyas,Chachapoyas,,,\n",  # a spreadsheet dropped the leading zero
    )
    assert "2 distritos created" in out
    pachiza = Distrito.objects.get(ubigeo="220604")
    assert pachiza.provincia.ubigeo == "2206"
    assert pachiza.provincia.departamento.name == "San Martín"
    assert pachiza.capital_location.coords == pytest.approx((-76.77, -7.30))
    assert Distrito.objects.get(ubigeo="010101").provincia.departamento.name == "Amazonas"
    assert "0 distritos created, 2 updated" in _load(
        tmp_path,
        "ubigeo,departamento,provincia,distrito\n220604,San Martín,Mariscal Cáceres,Pachiza\n"
        "010101,Amazonas,Chachapoyas,Chachapoyas\n",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ubigeo,distrito\n220604,Pachiza\n", "missing columns"),
        ("ubigeo,departamento,provincia,distrito\n22X604,a,b,c\n", "row 2: ubigeo '22X604'"),
        (  # 10901 read as 010901 would file Puerto Inca under Amazonas (01), not Huánuco (10)
            "ubigeo,departamento,provincia,distrito\n220601,San Martín,Mariscal Cáceres,Juanjuí\n"
            "10901,San Martín,Puerto Inca,Puerto Inca\n",
            "row 3: ubigeo 010901",
        ),
        (
            "ubigeo,departamento,provincia,distrito,latitude,longitude\n220604,a,b,c,norte,-76\n",
            "not numbers",
        ),
    ],
)
def test_bad_tables_are_refused_whole(tmp_path: Path, text: str, message: str) -> None:
    before = Distrito.objects.count()
    with pytest.raises(CommandError, match=message):
        _load(tmp_path, text)
    assert Distrito.objects.count() == before
