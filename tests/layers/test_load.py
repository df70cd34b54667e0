"""Roads and rivers from any GDAL file: in lon/lat, audited, replaced on reload, all or nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import shapely
from django.contrib.auth import get_user_model

from chacra.accounts.models import AuditAction, AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.errors import AccessDenied, InvalidInput
from chacra.layers.models import Layer, LayerFeature, LayerKind
from chacra.layers.services import layer_load
from chacra.layers.vectors import LayerFileError
from tests.factories import DepartamentoFactory, UserFactory
from tests.layers.files import to_utm18s, vector_write

ROADS = [
    shapely.LineString([(-76.73, -7.18), (-76.65, -7.49)]),
    shapely.LineString([(-76.51, -8.19), (-76.46, -8.46), (-76.11, -8.93)]),
]
NAMES = ["Juanjuí - Campanilla", "Tocache - Aucayacu"]


def _roads(path: Path, geometries=ROADS, names=NAMES, **kw) -> Path:
    return vector_write(path, geometries, {"nombre": names, "km": [35.5, 90.0]}, **kw)


def _load(
    path: Path, *, kind: str = LayerKind.ROAD, name: str = "Red vial", version: str = "1", **kw
):
    return layer_load(actor=None, kind=kind, path=path, name=name, version=version, **kw)


@pytest.fixture
def audit_mark(db) -> int:
    """The last audit entry before the test: the session's demo may have layers of its own."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _nothing_written(audit_mark: int) -> None:
    assert not Layer.objects.filter(name__in=["Red vial", "Ríos", "x", ""]).exists()
    assert not AuditEntry.objects.filter(id__gt=audit_mark, model__startswith="layers.").exists()


def test_a_geopackage_of_roads_loads_with_names_properties_and_audit(audit_mark, tmp_path) -> None:
    loaded = _load(_roads(tmp_path / "vias.gpkg"), source="MTC, licencia abierta")
    layer = Layer.objects.get(name="Red vial")
    assert loaded.created
    assert loaded.features == 2
    assert loaded.replaced == 0
    assert (layer.kind, layer.name, layer.version, layer.source) == (
        "road", "Red vial", "1", "MTC, licencia abierta",
    )  # fmt: skip
    assert layer.file_name == "vias.gpkg"
    assert len(layer.sha256) == 64
    assert layer.feature_count == 2
    assert layer.loaded_at is not None
    features = list(layer.features.order_by("id"))
    assert [f.name for f in features] == NAMES
    assert features[1].properties == {"nombre": NAMES[1], "km": 90.0}
    assert shapely.from_wkt(features[0].geom.wkt).equals_exact(ROADS[0], 1e-9)
    entries = AuditEntry.objects.filter(id__gt=audit_mark, model__startswith="layers.")
    assert set(entries.values_list("model", "action")) == {
        ("layers.Layer", AuditAction.CREATE),
        ("layers.LayerFeature", AuditAction.BULK_CREATE),
    }


def test_loading_the_same_layer_again_replaces_it(audit_mark, tmp_path) -> None:
    _load(_roads(tmp_path / "vias.gpkg"))
    more = [*ROADS, shapely.LineString([(-76.0, -9.3), (-75.5, -9.0)])]
    newer = vector_write(tmp_path / "vias-2024.geojson", more, {"name": ["a", "b", "c"]})
    loaded = _load(newer, version="2024")
    assert not loaded.created
    assert loaded.replaced == 2
    assert loaded.features == 3
    layer = Layer.objects.get(name="Red vial")
    assert (layer.version, layer.file_name, layer.feature_count) == ("2024", "vias-2024.geojson", 3)
    assert list(layer.features.values_list("name", flat=True).order_by("id")) == [
        "a",
        "b",
        "c",
    ]
    replaced = AuditEntry.objects.get(
        id__gt=audit_mark, model="layers.LayerFeature", action=AuditAction.DELETE
    )
    assert replaced.changes["count"] == 2
    assert replaced.changes["version"] == "1"
    assert AuditEntry.objects.filter(
        id__gt=audit_mark, model="layers.Layer", action=AuditAction.UPDATE
    ).exists()
    # The same file a third time still leaves one copy.
    _load(newer, version="2024")
    assert layer.features.count() == 3


def test_a_layer_in_utm_18s_is_stored_in_lonlat(db, tmp_path) -> None:
    path = _roads(
        tmp_path / "vias-utm.gpkg", geometries=[to_utm18s(g) for g in ROADS], crs="EPSG:32718"
    )
    _load(path)
    layer = Layer.objects.get(name="Red vial")
    stored = [shapely.from_wkt(f.geom.wkt) for f in layer.features.order_by("id")]
    for got, expected in zip(stored, ROADS, strict=True):
        assert got.equals_exact(expected, 1e-7)  # about a centimetre
    assert "32718" in layer.details["crs"]


def test_a_zipped_shapefile_loads(db, tmp_path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    vector_write(folder / "rios.shp", ROADS, {"NOMBRE": NAMES})
    archive = tmp_path / "rios.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    loaded = _load(archive, kind=LayerKind.RIVER, name="Ríos")
    assert loaded.features == 2
    features = LayerFeature.objects.filter(layer__name="Ríos")
    assert sorted(features.values_list("name", flat=True)) == sorted(NAMES)


def test_rivers_take_polygons_and_repair_them(db, tmp_path) -> None:
    bowtie = shapely.Polygon([(-74.6, -8.4), (-74.5, -8.3), (-74.5, -8.4), (-74.6, -8.3)])
    path = vector_write(tmp_path / "lagunas.geojson", [bowtie], {"name": ["Yarinacocha"]})
    _load(path, kind=LayerKind.RIVER, name="Lagunas")
    geom = LayerFeature.objects.get(layer__name="Lagunas").geom
    assert geom.valid
    assert geom.geom_type == "MultiPolygon"


def test_features_without_geometry_are_skipped_and_counted(db, tmp_path) -> None:
    path = vector_write(tmp_path / "vias.geojson", [ROADS[0], None], {"name": ["a", "b"]})
    loaded = _load(path)
    assert (loaded.features, loaded.skipped) == (1, 1)


def _shapefile_without_prj(folder: Path) -> Path:
    path = vector_write(folder / "utm.shp", [to_utm18s(ROADS[0])], crs="EPSG:32718")
    path.with_suffix(".prj").unlink()
    return path


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: d / "missing.gpkg",
            "missing.gpkg: no such file; expected a vector file GDAL reads",
        ),
        (lambda d: _write_text(d / "empty.geojson", ""), "empty.geojson: the file is empty"),
        (
            lambda d: _write_text(d / "notes.geojson", "not a map"),
            r"notes.geojson: cannot be read .*; chacra reads a vector file GDAL reads: GeoPackage",
        ),
        (
            lambda d: vector_write(d / "plots.gpkg", [shapely.box(-76.7, -7.2, -76.6, -7.1)]),
            r"plots.gpkg: feature 1 is a Polygon \(1 features like it\); this layer takes "
            "LineString or MultiLineString",
        ),
        (
            lambda d: vector_write(d / "utm.geojson", [to_utm18s(ROADS[0])], crs=None),
            r"utm.geojson says its coordinates are longitude/latitude \(WGS 84\), but feature 1 "
            r"has coordinates x=3\d{5}\.\d+, y=9\d{6}\.\d+, which are not longitude/latitude",
        ),
        (
            lambda d: _shapefile_without_prj(d),
            r"utm.shp has no coordinate reference system \(a Shapefile's .prj is missing\), but",
        ),
    ],
    ids=["missing", "empty", "not-gis", "wrong-geometry", "geojson-in-utm", "shp-without-prj"],
)
def test_a_bad_file_is_refused_clearly_and_writes_nothing(audit_mark, tmp_path, make, message):
    with pytest.raises(LayerFileError, match=message):
        _load(make(tmp_path))
    _nothing_written(audit_mark)


def test_a_file_of_several_layers_needs_one_named(audit_mark, tmp_path) -> None:
    path = vector_write(tmp_path / "base.gpkg", ROADS[:1], layer="vias")
    vector_write(
        path, [shapely.LineString([(-74.6, -8.4), (-74.5, -8.0)])], layer="rios", append=True
    )
    with pytest.raises(LayerFileError, match=r"base.gpkg: holds 2 layers \('vias', 'rios'\); name"):
        _load(path)
    _nothing_written(audit_mark)
    assert _load(path, kind=LayerKind.RIVER, name="Ríos", layer="rios").features == 1
    with pytest.raises(LayerFileError, match="no layer 'roads'; its layers are 'vias', 'rios'"):
        _load(path, layer="roads")


def test_a_failed_reload_keeps_the_loaded_version(db, tmp_path) -> None:
    _load(_roads(tmp_path / "vias.gpkg"))
    bad = vector_write(tmp_path / "vias-mal.gpkg", [ROADS[0], shapely.Point(-76.7, -7.2)])
    with pytest.raises(LayerFileError):
        _load(bad, version="2")
    layer = Layer.objects.get(name="Red vial")
    assert layer.version == "1"
    assert layer.features.count() == 2


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [("forest", "x", "kind: 'forest' is not a vector layer kind; choose one of road, river"),
     ("road", "  ", "name: a layer needs a name")],
)  # fmt: skip
def test_kind_and_name_are_checked(audit_mark, tmp_path, kind, name, message) -> None:
    with pytest.raises(InvalidInput, match=message):
        _load(_roads(tmp_path / "vias.gpkg"), kind=kind, name=name)
    _nothing_written(audit_mark)


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.STAFF, True), (Role.REGIONAL, False), (Role.INVESTOR, False)]
)
def test_only_programme_wide_roles_load_layers(db, tmp_path, role, allowed) -> None:
    user = UserFactory()
    user_set_role(actor=None, user=user, role=role, region=DepartamentoFactory())
    path = _roads(tmp_path / "vias.gpkg")
    if allowed:
        layer_load(actor=user, kind="road", path=path, name="Red vial", version="1")
        assert Layer.objects.get(name="Red vial").loaded_by == user
        assert AuditEntry.objects.filter(model="layers.Layer", actor=user).exists()
    else:
        with pytest.raises(AccessDenied, match="only administrators and programme staff"):
            layer_load(actor=user, kind="road", path=path, name="Red vial", version="1")
        assert not Layer.objects.filter(name="Red vial").exists()
    assert get_user_model().objects.filter(pk=user.pk).exists()
