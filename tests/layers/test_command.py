"""``chacra layers add|list``: thin over the services, with clear refusals."""

from __future__ import annotations

import io

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from chacra.layers.models import Layer
from tests.factories import DistritoFactory
from tests.layers.files import vector_write

RIVER = shapely.LineString([(-76.0, -9.3), (-76.1, -8.9), (-76.5, -8.2)])


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("layers", *args, stdout=out)
    return out.getvalue()


def test_add_then_add_again_then_list(db, tmp_path) -> None:
    path = vector_write(tmp_path / "rios.geojson", [RIVER], {"nombre": ["Río Huallaga"]})
    said = _run("add", "river", str(path), "--name", "Ríos ANA", "--version", "2020",
                "--source", "ANA")  # fmt: skip
    assert said.strip() == "river 'Ríos ANA' 2020: 1 features loaded"
    said = _run("add", "river", str(path), "--name", "Ríos ANA", "--version", "2021")
    assert "1 features replaced (1 earlier features)" in said
    Layer.objects.exclude(name="Ríos ANA").delete()  # the session's demo layers, if loaded
    listing = _run("list").splitlines()
    assert listing[0].split() == ["kind", "name", "version", "features", "source", "loaded", "file"]
    assert listing[1].startswith("river  Ríos ANA  2021     1")
    assert listing[1].endswith("rios.geojson")


def test_list_says_when_nothing_is_loaded(db) -> None:
    Layer.objects.all().delete()
    assert "No reference layers loaded" in _run("list")


def test_boundaries_through_the_command(db, tmp_path) -> None:
    DistritoFactory()  # Juanjuí, 220601 (the demo's, when the session loaded it)
    path = vector_write(
        tmp_path / "d.gpkg", [shapely.box(-76.9, -7.3, -76.6, -7.05)], {"UBIGEO": ["220601"]}
    )
    said = _run("add", "boundaries", str(path), "--level", "distrito", "--code-field", "UBIGEO",
                "--name", "INEI", "--version", "2017")  # fmt: skip
    assert said.strip() == "distrito_boundaries 'INEI' 2017: 1 places loaded"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "boundaries", "{path}", "--name", "x", "--version", "1"],
         "boundaries need --level"),
        (["add", "road", "{path}", "--name", "x", "--version", "1", "--level", "distrito"],
         "--level is for boundaries only"),
        (["add", "road", "{path}", "--name", "x", "--version", "1", "--as", "nobody"],
         "--as: no user named 'nobody'"),
        (["add", "road", "{path}", "--name", "x", "--version", "1"],
         "rios.geojson: feature 1 is a LineString"),  # a river file is fine as a road ...
    ],
    ids=["no-level", "level-for-road", "unknown-user", "ok-as-road"],
)  # fmt: skip
def test_refusals_are_clear(db, tmp_path, args, message) -> None:
    path = vector_write(tmp_path / "rios.geojson", [RIVER], {"nombre": ["Río Huallaga"]})
    args = [a.replace("{path}", str(path)) for a in args]
    if message.endswith("LineString"):  # ... so this one loads: lines are what roads take
        assert "1 features loaded" in _run(*args)
        return
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not Layer.objects.filter(name="x").exists()
