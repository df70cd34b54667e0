"""Boundaries load onto the places by INEI ubigeo, from a file of any level at or below theirs.

The places here (Amazonas, 01) are not the demo's, so the session's demo never gets in the way.
"""

from __future__ import annotations

import pytest
import shapely

from chacra.accounts.models import AuditEntry
from chacra.layers.boundaries import boundaries_load
from chacra.layers.models import Layer, LayerKind
from chacra.layers.vectors import LayerFileError
from chacra.registry.models import Departamento, Distrito, Provincia
from tests.factories import DistritoFactory
from tests.layers.files import to_utm18s, vector_write

# Two neighbouring distritos of Chachapoyas (0101) and one of Bagua (0102), in Amazonas (01).
CHACHAPOYAS = shapely.box(-77.9, -6.3, -77.8, -6.2)
ASUNCION = shapely.box(-77.9, -6.2, -77.8, -6.1)
BAGUA = shapely.box(-78.6, -5.7, -78.4, -5.5)
CODES = ("010101", "010102", "010201")
NAME = "INEI 2017 (test)"


@pytest.fixture
def places(db) -> None:
    amazonas = {
        "provincia__ubigeo": "0101", "provincia__name": "Chachapoyas",
        "provincia__departamento__ubigeo": "01", "provincia__departamento__name": "Amazonas",
    }  # fmt: skip
    DistritoFactory(ubigeo="010101", name="Chachapoyas", capital="Chachapoyas", **amazonas)
    DistritoFactory(ubigeo="010102", name="Asunción", capital="Asunción", **amazonas)


def _file(tmp_path, codes=CODES, field="IDDIST", crs="EPSG:4326", shapes=None):
    shapes = shapes or [CHACHAPOYAS, ASUNCION, BAGUA]
    return vector_write(tmp_path / "distritos.gpkg", shapes, {field: list(codes)}, crs=crs)


def _load(path, level, code_field="IDDIST"):
    return boundaries_load(
        actor=None, level=level, path=path, code_field=code_field, name=NAME,
        version="2017", source="INEI",
    )  # fmt: skip


def _shape(geos):
    return shapely.from_wkt(geos.wkt)


def test_distrito_boundaries_match_by_ubigeo_and_report_the_rest(places, tmp_path) -> None:
    loaded = _load(_file(tmp_path), "distrito")
    assert loaded.features == 2
    assert loaded.unmatched == ["010201"]  # Bagua is not in this registry
    chachapoyas = Distrito.objects.get(ubigeo="010101")
    assert _shape(chachapoyas.boundary).equals(CHACHAPOYAS)
    assert chachapoyas.boundary.geom_type == "MultiPolygon"
    layer = Layer.objects.get(kind=LayerKind.DISTRITO_BOUNDARIES, name=NAME)
    assert layer.details["matched"] == 2
    assert layer.details["code_field"] == "IDDIST"
    assert not layer.features.exists()  # the shapes live on the places
    audit = AuditEntry.objects.filter(model="registry.Distrito", summary__contains=NAME)
    assert audit.get().changes["ubigeos"] == ["010101", "010102"]


def test_a_distrito_file_makes_provincia_and_departamento_boundaries(places, tmp_path) -> None:
    utm = [to_utm18s(g) for g in (CHACHAPOYAS, ASUNCION, BAGUA)]
    path = _file(tmp_path, crs="EPSG:32718", shapes=utm)
    assert _load(path, "provincia").unmatched == ["0102"]
    assert _load(path, "departamento").features == 1
    both = shapely.union_all([CHACHAPOYAS, ASUNCION])
    provincia = _shape(Provincia.objects.get(ubigeo="0101").boundary)
    assert provincia.symmetric_difference(both).area < 1e-9 * both.area
    region = _shape(Departamento.objects.get(ubigeo="01").boundary)
    expected = CHACHAPOYAS.area + ASUNCION.area + BAGUA.area
    assert region.area == pytest.approx(expected, rel=1e-6)
    assert set(Layer.objects.filter(name=NAME).values_list("kind", flat=True)) == {
        LayerKind.PROVINCIA_BOUNDARIES, LayerKind.DEPARTAMENTO_BOUNDARIES,
    }  # fmt: skip


def test_codes_that_lost_their_leading_zero_still_match(places, tmp_path) -> None:
    path = vector_write(tmp_path / "amazonas.geojson", [CHACHAPOYAS], {"UBIGEO": [10101]})
    assert _load(path, "distrito", code_field="ubigeo").features == 1  # any case of field name
    assert Distrito.objects.get(ubigeo="010101").boundary is not None


@pytest.mark.parametrize(
    ("codes", "field", "message"),
    [
        (("010101", "01x1", "010201"), "IDDIST",
         r"distritos.gpkg: feature 2, IDDIST: '01x1' is not an INEI ubigeo of at least 6 digits"),
        (("0101", "0101", "0102"), "IDPROV",
         r"feature 1, IDPROV: '0101' is not an INEI ubigeo of at least 6 digits"),
        (CODES, "IDDIST", None),
    ],
    ids=["not-digits", "too-short-for-level", "missing-field"],
)  # fmt: skip
def test_bad_codes_are_refused_and_nothing_is_written(places, tmp_path, codes, field, message):
    path = _file(tmp_path, codes=codes, field=field)
    code_field = field if message else "UBIGEO"
    expected = message or r"no field 'UBIGEO' for the ubigeo codes; its fields are IDDIST"
    with pytest.raises(LayerFileError, match=expected):
        _load(path, "distrito", code_field=code_field)
    assert not Distrito.objects.filter(ubigeo__startswith="01", boundary__isnull=False).exists()
    assert not Layer.objects.filter(name=NAME).exists()


def test_lines_are_not_boundaries(places, tmp_path) -> None:
    ring = shapely.LineString(CHACHAPOYAS.exterior.coords)
    path = vector_write(tmp_path / "vias.gpkg", [ring], {"IDDIST": ["010101"]})
    with pytest.raises(LayerFileError, match=r"feature 1 is a LineString .* takes Polygon or"):
        _load(path, "distrito")
