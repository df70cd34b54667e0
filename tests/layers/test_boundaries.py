"""Boundaries load onto the places by INEI ubigeo, from a file of any level at or below theirs."""

from __future__ import annotations

import pytest
import shapely

from chacra.accounts.models import AuditEntry
from chacra.layers.models import Layer, LayerKind
from chacra.layers.services import boundaries_load
from chacra.layers.vectors import LayerFileError
from chacra.registry.models import Departamento, Distrito, Provincia
from tests.factories import DistritoFactory
from tests.layers.files import to_utm18s, vector_write

# Two neighbouring distritos of Mariscal Cáceres (2206) and one of Lamas (2205).
JUANJUI = shapely.box(-76.9, -7.3, -76.6, -7.05)
CAMPANILLA = shapely.box(-76.9, -7.6, -76.5, -7.3)
LAMAS = shapely.box(-76.6, -6.5, -76.4, -6.3)


@pytest.fixture
def places(db) -> None:
    DistritoFactory()  # 220601 Juanjuí in 2206 in 22
    DistritoFactory(ubigeo="220602", name="Campanilla", capital="Campanilla")


def _file(tmp_path, codes=(220601, 220602, 220501), field="IDDIST", crs="EPSG:4326", shapes=None):
    shapes = shapes or [JUANJUI, CAMPANILLA, LAMAS]
    return vector_write(tmp_path / "distritos.gpkg", shapes, {field: list(codes)}, crs=crs)


def _load(path, level, code_field="IDDIST"):
    return boundaries_load(
        actor=None, level=level, path=path, code_field=code_field, name="INEI 2017",
        version="2017", source="INEI",
    )  # fmt: skip


def test_distrito_boundaries_match_by_ubigeo_and_report_the_rest(places, tmp_path) -> None:
    loaded = _load(_file(tmp_path), "distrito")
    assert loaded.features == 2
    assert loaded.unmatched == ["220501"]  # Lamas is not in this registry
    juanjui = Distrito.objects.get(ubigeo="220601")
    assert shapely.from_wkt(juanjui.boundary.wkt).equals(JUANJUI)
    assert juanjui.boundary.geom_type == "MultiPolygon"
    layer = Layer.objects.get(kind=LayerKind.DISTRITO_BOUNDARIES)
    assert layer.details["matched"] == 2
    assert layer.details["code_field"] == "IDDIST"
    assert not layer.features.exists()  # the shapes live on the places
    assert AuditEntry.objects.filter(
        model="registry.Distrito", summary__contains="2 distrito"
    ).exists()


def test_a_distrito_file_makes_provincia_and_departamento_boundaries(places, tmp_path) -> None:
    path = _file(
        tmp_path, crs="EPSG:32718", shapes=[to_utm18s(g) for g in (JUANJUI, CAMPANILLA, LAMAS)]
    )
    assert _load(path, "provincia").features == 1
    assert _load(path, "departamento").features == 1
    provincia = shapely.from_wkt(Provincia.objects.get(ubigeo="2206").boundary.wkt)
    both = shapely.union_all([JUANJUI, CAMPANILLA])
    assert provincia.symmetric_difference(both).area < 1e-9 * both.area
    region = shapely.from_wkt(Departamento.objects.get(ubigeo="22").boundary.wkt)
    assert region.area == pytest.approx(JUANJUI.area + CAMPANILLA.area + LAMAS.area, rel=1e-6)
    assert set(Layer.objects.values_list("kind", flat=True)) == {
        LayerKind.PROVINCIA_BOUNDARIES, LayerKind.DEPARTAMENTO_BOUNDARIES,
    }  # fmt: skip


def test_codes_that_lost_their_leading_zero_still_match(db, tmp_path) -> None:
    DistritoFactory(
        ubigeo="010101", name="Chachapoyas",
        provincia__ubigeo="0101", provincia__name="Chachapoyas",
        provincia__departamento__ubigeo="01", provincia__departamento__name="Amazonas",
    )  # fmt: skip
    path = vector_write(tmp_path / "amazonas.geojson", [JUANJUI], {"UBIGEO": [10101]})
    assert _load(path, "distrito", code_field="ubigeo").features == 1  # any case of field name
    assert Distrito.objects.get(ubigeo="010101").boundary is not None


@pytest.mark.parametrize(
    ("codes", "field", "level", "message"),
    [
        ((220601, "22x6", 220501), "IDDIST", "distrito",
         r"distritos.gpkg: feature 2, IDDIST: '22x6' is not an INEI ubigeo of at least 6 digits"),
        ((2206, 2206, 2205), "IDPROV", "distrito",
         r"feature 1, IDPROV: 2206 is not an INEI ubigeo of at least 6 digits"),
        ((220601, 220602, 220501), "IDDIST", "distrito", None),
    ],
    ids=["not-digits", "too-short-for-level", "missing-field"],
)  # fmt: skip
def test_bad_codes_are_refused_and_nothing_is_written(
    places, tmp_path, codes, field, level, message
) -> None:
    path = _file(tmp_path, codes=codes, field=field)
    code_field = field if message else "UBIGEO"
    expected = message or r"no field 'UBIGEO' for the ubigeo codes; its fields are IDDIST"
    with pytest.raises(LayerFileError, match=expected):
        _load(path, level, code_field=code_field)
    assert not Distrito.objects.filter(boundary__isnull=False).exists()
    assert not Layer.objects.exists()


def test_lines_are_not_boundaries(places, tmp_path) -> None:
    ring = shapely.LineString(JUANJUI.exterior.coords)
    path = vector_write(tmp_path / "vias.gpkg", [ring], {"IDDIST": [220601]})
    with pytest.raises(
        LayerFileError, match=r"feature 1 is a LineString .* takes Polygon or Multi"
    ):
        _load(path, "distrito")
