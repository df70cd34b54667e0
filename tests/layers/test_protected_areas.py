"""Protected areas from WDPA and SERNANP files, each with its category, replaced on reload."""

from __future__ import annotations

import io

import pytest
import shapely
from django.core.management import call_command

from chacra.accounts.models import AuditEntry
from chacra.errors import InvalidInput
from chacra.layers.models import Layer, LayerFeature
from chacra.layers.protected import designation_category
from chacra.layers.services import protected_areas_load
from chacra.layers.vectors import LayerFileError
from tests.layers.files import to_utm18s, vector_write

PARK = shapely.box(-76.4, -7.6, -76.0, -7.2)
RESERVE = shapely.box(-75.5, -9.0, -75.2, -8.7)
BUFFER = shapely.box(-76.5, -7.7, -75.9, -7.1).difference(PARK)
ODD = shapely.box(-74.5, -9.5, -74.4, -9.4)
WDPA = {
    "WDPAID": [1, 2, 3],
    "NAME": ["Cordillera Azul", "El Sira", "Bosque de Pucallpa"],
    "DESIG": ["Parque Nacional", "Reserva Comunal", "Área de uso especial"],
    "DESIG_ENG": ["National Park", "Communal Reserve", "Special use area"],
    "IUCN_CAT": ["II", "VI", "Not Reported"],
    "STATUS": ["Designated"] * 3,
    "STATUS_YR": [2001, 2001, 2019],
}


@pytest.fixture
def audit_mark(db) -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _load(path, **kw):
    return protected_areas_load(
        actor=None, path=path, name=kw.pop("name", "WDPA"), version=kw.pop("version", "2025-11"),
        **kw,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("designation", "iucn", "category"),
    [
        ("Parque Nacional", "", "strict"),
        ("Santuario Nacional", "", "strict"),
        ("SANTUARIO HISTORICO", "", "strict"),
        ("Reserva Nacional", "VI", "direct_use"),
        ("Bosque de Protección", "", "direct_use"),
        ("Refugio de Vida Silvestre", "", "direct_use"),
        ("Coto de Caza", "", "direct_use"),
        ("Área de Conservación Regional", "", "direct_use"),
        ("Zona de Amortiguamiento del Parque Nacional Cordillera Azul", "", "buffer"),
        ("", "Ib", "strict"),
        ("Something new", "", "direct_use"),
    ],
)
def test_designations_map_to_categories(designation, iucn, category) -> None:
    found = designation_category(designation, iucn)
    assert found.category == category
    assert bool(found.note) == (designation == "Something new")


def test_a_wdpa_file_loads_with_names_and_categories(audit_mark, tmp_path) -> None:
    path = vector_write(tmp_path / "wdpa.gpkg", [PARK, RESERVE, ODD], WDPA)
    loaded = _load(path, source="UNEP-WCMC and IUCN, WDPA")
    assert (loaded.created, loaded.features) == (True, 3)
    layer = Layer.objects.get(kind="protected_area", name="WDPA")
    features = list(layer.features.order_by("id"))
    assert [f.name for f in features] == WDPA["NAME"]
    assert [f.properties["category"] for f in features] == ["strict", "direct_use", "direct_use"]
    assert features[0].properties["WDPAID"] == 1
    assert features[0].properties["designation"] == "Parque Nacional"
    # The unknown designation is kept as direct use, and said so, not silently passed
    assert "not in chacra's table" in features[2].properties["category_note"]
    assert loaded.notes == [
        "1 areas with designation 'Área de uso especial', not in chacra's table: treated as "
        "direct use (a legality review, never a silent pass)"
    ]
    assert layer.details["unknown_designations"] == loaded.notes
    assert AuditEntry.objects.filter(id__gt=audit_mark, model="layers.LayerFeature").exists()


def test_a_sernanp_file_of_buffer_zones_takes_one_category(db, tmp_path) -> None:
    path = vector_write(
        tmp_path / "za.shp", [to_utm18s(BUFFER)], {"za_nomb": ["ZA PN Cordillera Azul"]},
        crs="EPSG:32718",
    )  # fmt: skip
    _load(path, name="SERNANP ZA", version="2024", category="buffer")
    feature = LayerFeature.objects.get(layer__name="SERNANP ZA")
    assert feature.name == "ZA PN Cordillera Azul"
    assert feature.properties["category"] == "buffer"
    assert shapely.from_wkt(feature.geom.wkt).equals_exact(BUFFER, 1e-6)


def test_a_designation_field_can_be_named(db, tmp_path) -> None:
    path = vector_write(
        tmp_path / "anp.geojson", [PARK], {"nombre": ["Tingo María"], "tipo": ["Parque Nacional"]}
    )
    _load(path, name="ANP", category_field="TIPO")
    assert LayerFeature.objects.get(layer__name="ANP").properties["category"] == "strict"


def test_reloading_replaces_the_areas(db, tmp_path) -> None:
    _load(vector_write(tmp_path / "a.gpkg", [PARK, RESERVE, ODD], WDPA))
    fewer = {k: v[:1] for k, v in WDPA.items()}
    loaded = _load(vector_write(tmp_path / "b.gpkg", [PARK], fewer), version="2026-01")
    assert (loaded.created, loaded.replaced, loaded.features) == (False, 3, 1)
    assert LayerFeature.objects.filter(layer__name="WDPA").count() == 1
    assert Layer.objects.get(kind="protected_area", name="WDPA").version == "2026-01"


@pytest.mark.parametrize(
    ("make", "field", "message"),
    [
        (lambda d: vector_write(d / "roads.gpkg", [shapely.LineString([(-76, -7), (-75, -8)])]),
         None, r"roads.gpkg: feature 1 is a LineString .* this layer takes Polygon"),
        (lambda d: d / "missing.gpkg", None, "missing.gpkg: no such file"),
        (lambda d: vector_write(d / "anp.gpkg", [PARK], {"nombre": ["x"]}), "CATEGORIA",
         "anp.gpkg: no field 'CATEGORIA' for the designations; its fields are nombre"),
    ],
    ids=["lines", "missing", "no-such-field"],
)  # fmt: skip
def test_a_bad_file_is_refused_and_writes_nothing(audit_mark, tmp_path, make, field, message):
    with pytest.raises(LayerFileError, match=message):
        _load(make(tmp_path), category_field=field)
    assert not Layer.objects.filter(kind="protected_area", name="WDPA").exists()
    assert not AuditEntry.objects.filter(id__gt=audit_mark, model__startswith="layers.").exists()


def test_an_unknown_category_is_refused(db, tmp_path) -> None:
    path = vector_write(tmp_path / "wdpa.gpkg", [PARK], {"NAME": ["x"]})
    with pytest.raises(InvalidInput, match="'park' is not a protected-area category"):
        _load(path, category="park")


def test_the_command_loads_protected_areas_and_says_what_it_guessed(db, tmp_path) -> None:
    path = vector_write(tmp_path / "wdpa.gpkg", [PARK, RESERVE, ODD], WDPA)
    out = io.StringIO()
    call_command("layers", "add", "protected_area", str(path), "--name", "WDPA", "--version",
                 "2025-11", "--source", "UNEP-WCMC", stdout=out)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0] == "protected_area 'WDPA' 2025-11: 3 features loaded"
    assert "'Área de uso especial', not in chacra's table" in lines[1]
