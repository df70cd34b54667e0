"""check_plots end to end on small synthetic layers written in the test, with known answers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from chacra.compliance.engine import PlotInput, ReferenceLayers, check_plots, reference_layers
from chacra.geo.area import geodesic_area_ha
from chacra.layers.services import protected_areas_load, raster_register
from tests.layers.files import raster_write, vector_write

RES = 0.00025
WEST, NORTH = -76.05, -6.95
SIZE = 400
EDGE = WEST + 200 * RES  # loss of 2022 east of this line
PARK = shapely.box(-76.02, -7.02, -76.01, -7.01)
RESERVE = shapely.box(-76.045, -7.03, -76.035, -7.02)  # west of the loss, like the park


@pytest.fixture
def files(tmp_path):
    loss = np.zeros((SIZE, SIZE), np.uint8)
    loss[:, 200:] = 22
    loss[:, 50:60] = 12  # 2012: before the cutoff
    forest = np.ones((SIZE, SIZE), np.uint8)
    forest[:, 50:60] = 0
    wdpa = vector_write(
        tmp_path / "wdpa.gpkg", [PARK, RESERVE],
        {"NAME": ["Cordillera Azul", "El Sira"], "DESIG": ["Parque Nacional", "Reserva Comunal"],
         "IUCN_CAT": ["II", "VI"]},
    )  # fmt: skip
    return {
        "loss": raster_write(tmp_path / "loss.tif", loss, west=WEST, north=NORTH),
        "forest": raster_write(tmp_path / "forest.tif", forest, west=WEST, north=NORTH),
        "protected": wdpa,
    }


@pytest.fixture
def layers(files) -> ReferenceLayers:
    return ReferenceLayers.from_paths(**files)


def _plot(pid: int, boundary=None, point=None, declared=None, flags=()) -> PlotInput:
    area = float(geodesic_area_ha([boundary])[0]) if boundary is not None else None
    return PlotInput(pid, boundary, point, declared, area, frozenset(flags))


def _by_id(results):
    return {r.plot_id: r for r in results}


CLEAR = shapely.box(-76.035, -7.0, -76.033, -6.998)  # forest, no loss, no protected area


def test_a_clear_plot_is_compliant_with_its_figures_and_layers(layers) -> None:
    (result,) = check_plots([_plot(7, CLEAR)], layers)
    assert (result.plot_id, result.status, result.reasons) == (7, "compliant", ())
    f = result.figures
    assert f["loss_ha"] == 0.0
    assert f["forest_2020_ha"] == pytest.approx(f["area_ha"], rel=1e-6)
    assert f["protected"] == []
    assert f["exact"] is False  # its window was uniform: no exactextract needed
    assert [c["kind"] for c in result.layers] == ["loss_year", "forest_2020", "protected_area"]
    assert all(len(c["sha256"]) == 64 for c in result.layers)


def test_a_plot_half_in_2022_loss_fails_with_that_loss(layers) -> None:
    plot = shapely.box(EDGE - 0.001, -7.0, EDGE + 0.001, -6.998)
    (result,) = check_plots([_plot(1, plot)], layers)
    assert result.status == "non_compliant"
    assert [r.code for r in result.reasons] == ["loss_after_cutoff"]
    half = geodesic_area_ha([shapely.box(EDGE, -7.0, EDGE + 0.001, -6.998)])[0]
    assert result.figures["loss_ha"] == pytest.approx(half, rel=1e-6)
    assert result.figures["loss_by_year"] == {"2022": pytest.approx(half, rel=1e-6)}
    assert result.figures["loss_share"] == pytest.approx(0.5, rel=1e-5)


def test_loss_before_2021_passes_but_is_not_forest(layers) -> None:
    x50 = WEST + 50 * RES
    plot = shapely.box(x50, -7.0, x50 + 0.001, -6.998)  # exactly the 2012 clearing's columns
    (result,) = check_plots([_plot(1, plot)], layers)
    assert result.status == "compliant"
    assert result.figures["loss_ha"] == 0.0
    assert result.figures["forest_2020_ha"] == pytest.approx(0.0, abs=1e-9)


def test_a_plot_touching_a_strict_area_fails(layers) -> None:
    corner = shapely.box(-76.0105, -7.0105, -76.0095, -7.0095)  # a quarter inside the park
    (result,) = check_plots([_plot(1, corner)], layers)
    assert result.status == "non_compliant"
    (why,) = result.reasons
    assert why.code == "protected_strict"
    assert why.figures["name"] == "Cordillera Azul"
    assert why.figures["overlap_pct"] == pytest.approx(25.0, abs=0.1)
    (area,) = result.figures["protected"]
    assert area["category"] == "strict"
    assert area["ha"] == pytest.approx(result.figures["area_ha"] / 4, rel=1e-3)


def test_a_plot_in_a_direct_use_area_needs_review(layers) -> None:
    inside = shapely.box(-76.041, -7.026, -76.039, -7.024)
    (result,) = check_plots([_plot(1, inside)], layers)
    assert result.status == "needs_review"
    assert [r.code for r in result.reasons] == ["protected_direct_use"]
    assert result.figures["protected"][0]["share"] == pytest.approx(1.0)


def test_a_5_ha_point_fails_the_polygon_rule(layers) -> None:
    (result,) = check_plots([_plot(1, point=shapely.Point(-76.03, -7.0), declared=5.0)], layers)
    assert result.status == "non_compliant"
    assert [r.code for r in result.reasons] == ["polygon_required"]
    assert result.figures["checked_as"] == "circle"  # its figures are still given


def test_a_3_ha_point_is_checked_as_a_circle_of_its_area(layers) -> None:
    centre = shapely.Point(EDGE, -7.0)  # on the edge of the 2022 loss: half the circle
    (result,) = check_plots([_plot(1, point=centre, declared=3.0)], layers)
    f = result.figures
    assert (f["geometry"], f["checked_as"], f["area_ha"]) == ("point", "circle", 3.0)
    assert f["loss_ha"] == pytest.approx(1.5, rel=1e-3)
    assert result.status == "non_compliant"
    assert [r.code for r in result.reasons] == ["loss_after_cutoff"]


def test_an_invalid_boundary_fails_and_is_measured_repaired(layers) -> None:
    bowtie = shapely.Polygon([(-76.035, -7.0), (-76.033, -6.998), (-76.033, -7.0),
                              (-76.035, -6.998)])  # fmt: skip
    (result,) = check_plots([_plot(1, bowtie)], layers)
    assert result.status == "non_compliant"
    assert result.reasons[0].code == "invalid_geometry"
    assert "Self-intersection" in result.reasons[0].message
    assert result.figures["area_ha"] == pytest.approx(
        geodesic_area_ha([shapely.make_valid(bowtie)])[0], rel=1e-6
    )


def test_registry_flags_and_a_plot_without_geolocation(layers) -> None:
    results = _by_id(check_plots([_plot(1, CLEAR, flags={"overlap"}), _plot(2)], layers))
    assert results[1].status == "needs_review"
    assert [r.code for r in results[1].reasons] == ["quality_flag"]
    assert results[2].status == "non_compliant"
    assert [r.code for r in results[2].reasons] == ["no_geolocation"]


def test_missing_layers_need_review_and_are_named(files) -> None:
    layers = ReferenceLayers.from_paths(forest=files["forest"])
    (result,) = check_plots([_plot(1, CLEAR)], layers)
    assert result.status == "needs_review"
    assert [r.figures["kind"] for r in result.reasons] == ["loss_year", "protected_area"]
    assert "No loss_year layer is loaded" in result.reasons[0].message
    assert "loss_ha" not in result.figures
    assert [c["kind"] for c in result.layers] == ["forest_2020"]


def test_results_keep_the_order_of_many_plots(layers) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(-76.04, -75.96, 300)
    y = rng.uniform(-7.04, -6.96, 300)
    plots = [_plot(1000 + i, shapely.box(a, b, a + 0.001, b + 0.001))
             for i, (a, b) in enumerate(zip(x, y, strict=True))]  # fmt: skip
    results = check_plots(plots, layers)
    assert [r.plot_id for r in results] == [p.id for p in plots]
    for p, r in zip(plots, results, strict=True):
        east = max(0.0, min(p.boundary.bounds[2], -76.0 + 0.05) - max(p.boundary.bounds[0], EDGE))
        expected = r.figures["area_ha"] * east / 0.001
        assert r.figures["loss_ha"] == pytest.approx(expected, rel=1e-4, abs=1e-6)
        assert 0.0 <= r.figures["loss_ha"] <= r.figures["area_ha"] + 1e-6  # both rounded


def test_reference_layers_come_from_the_database(db, files) -> None:
    raster_register(actor=None, kind="loss_year", path=files["loss"], name="Hansen GFC",
                    version="v1.12")  # fmt: skip
    raster_register(actor=None, kind="forest_2020", path=files["forest"], name="JRC GFC2020",
                    version="V2")  # fmt: skip
    protected_areas_load(actor=None, path=files["protected"], name="WDPA", version="2025-11")
    layers = reference_layers()
    assert layers.missing == ()
    assert layers.loss is not None
    assert layers.loss.citation["version"] == "v1.12"
    corner = shapely.box(-76.0105, -7.0105, -76.0095, -7.0095)
    from_db = check_plots([_plot(1, corner)], layers)[0]
    from_files = check_plots([_plot(1, corner)], ReferenceLayers.from_paths(**files))[0]
    assert from_db.status == from_files.status == "non_compliant"
    assert from_db.figures["protected"][0]["ha"] == from_files.figures["protected"][0]["ha"]
    assert {c["name"] for c in from_db.layers} == {"Hansen GFC", "JRC GFC2020", "WDPA"}


def test_reference_layers_are_kept_until_a_layer_changes(db, files) -> None:
    def register(version: str) -> None:
        raster_register(actor=None, kind="loss_year", path=files["loss"], name="Hansen GFC",
                        version=version)  # fmt: skip

    register("v1.12")
    first = reference_layers()
    assert reference_layers() is first  # read once, not at every chunk of a run
    register("v1.13")
    again = reference_layers()
    assert again is not first
    assert again.loss is not None
    assert again.loss.citation["version"] == "v1.13"
