"""The demo's reference layers are synthetic, say so, and are consistent with its places."""

from __future__ import annotations

import shapely

from chacra.layers.models import Layer, LayerKind
from chacra.registry.demo.reference import SYNTHETIC
from chacra.registry.models import Departamento, Distrito, Provincia


def _shape(geos):
    return shapely.from_wkt(geos.wkt)


def test_every_demo_layer_is_labelled_synthetic(demo_db) -> None:
    layers = {layer.kind: layer for layer in Layer.objects.all()}
    assert set(layers) == {
        LayerKind.ROAD, LayerKind.RIVER,
        LayerKind.PROVINCIA_BOUNDARIES, LayerKind.DEPARTAMENTO_BOUNDARIES,
    }  # fmt: skip
    assert {layer.source for layer in layers.values()} == {SYNTHETIC}
    assert layers[LayerKind.ROAD].features.count() >= 10
    assert all(f.properties == {"synthetic": True} for f in layers[LayerKind.RIVER].features.all())


def test_synthetic_borders_hold_their_capitals_and_leave_distritos_alone(demo_db) -> None:
    # No distrito boundary: the "outside its distrito" check must not judge plots by made-up cells.
    assert not Distrito.objects.filter(boundary__isnull=False).exists()
    for region in Departamento.objects.all():
        shape = _shape(region.boundary)
        assert shape.geom_type == "MultiPolygon"
        assert len(shape.geoms) == 1  # one piece, as real regions are
        for provincia in region.provincias.all():
            part = _shape(provincia.boundary)
            assert shape.buffer(1e-9).covers(part)
            for distrito in provincia.distritos.all():
                assert part.covers(_shape(distrito.capital_location))
    assert not Provincia.objects.filter(boundary__isnull=True).exists()
