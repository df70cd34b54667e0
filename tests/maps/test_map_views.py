"""The map's other answers: the plot under a click, the overlays and all plots as GeoJSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chacra.registry.models import Distrito, Organisation, Plot, PlotFlag
from chacra.registry.models.organisations import OrganisationKind


def _at(client: Any, lon: float, lat: float, z: float, **params: str) -> Any:
    return client.get(reverse("map-plot-at"), {"lon": lon, "lat": lat, "z": z, **params})


@pytest.fixture
def flagged_plot(demo_db: Any) -> Plot:
    plot = Plot.objects.filter(boundary__isnull=False, flags__isnull=False).first()
    assert plot is not None
    return plot


def test_a_click_inside_a_plot_finds_it_with_its_producer(login: Any, flagged_plot: Plot) -> None:
    inside = flagged_plot.boundary.point_on_surface
    found = _at(login("staff"), inside.x, inside.y, 16).json()["plot"]
    assert found["code"] == flagged_plot.code
    assert found["producer_code"] == flagged_plot.producer.code
    assert found["plot_url"] == reverse("plot-detail", args=[flagged_plot.pk])
    assert found["producer_url"] == reverse("producer-detail", args=[flagged_plot.producer.pk])
    flags = PlotFlag.objects.filter(plot=flagged_plot)
    assert sorted(found["flags"]) == sorted(f.get_code_display() for f in flags)


def test_a_click_on_empty_ground_finds_nothing(login: Any, demo_db: Any) -> None:
    assert _at(login("staff"), -72.0, -14.0, 16).json() == {"plot": None}


def test_zoomed_out_a_click_near_a_point_symbol_finds_its_plot(login: Any, demo_db: Any) -> None:
    plot = Plot.objects.filter(boundary__isnull=True, location__isnull=False).first()
    assert plot is not None
    # About 3 pixels away at zoom 10 (a pixel is ~150 m there).
    found = _at(login("staff"), plot.location.x + 0.004, plot.location.y, 10).json()["plot"]
    assert found is not None
    assert found["code"] == plot.code


def test_an_agent_cannot_click_open_another_agents_plot(login: Any, demo_db: Any) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    theirs = Plot.objects.filter(boundary__isnull=False).exclude(producer__agents=agent).first()
    inside = theirs.boundary.point_on_surface
    assert _at(login("agent-sm-01"), inside.x, inside.y, 16).json() == {"plot": None}
    assert _at(login("staff"), inside.x, inside.y, 16).json()["plot"]["code"] == theirs.code


@pytest.mark.parametrize(
    ("params", "field"),
    [({"lon": "west"}, "lon"), ({"lat": "-95"}, "lat"), ({"z": "30"}, "z")],
)
def test_a_bad_click_is_a_clear_400(
    login: Any, demo_db: Any, params: dict[str, str], field: str
) -> None:
    query = {"lon": "-76.5", "lat": "-7.0", "z": "10", **params}
    response = login("staff").get(reverse("map-plot-at"), query)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert params[field] in response.json()["error"]


def test_overlays_hold_places_and_no_personal_data(login: Any, demo_db: Any) -> None:
    client = login("investor")
    capitals = client.get(reverse("map-overlay", kwargs={"name": "capitals"})).json()
    expected = Distrito.objects.filter(capital_location__isnull=False).count()
    assert len(capitals["features"]) == expected > 0
    offices = client.get(reverse("map-overlay", kwargs={"name": "offices"})).json()
    names = {f["properties"]["name"] for f in offices["features"]}
    assert names == set(
        Organisation.objects.filter(
            kind=OrganisationKind.PROGRAMME_OFFICE, location__isnull=False
        ).values_list("name", flat=True)
    )
    regions = client.get(reverse("map-overlay", kwargs={"name": "regions"})).json()
    assert {f["geometry"]["type"] for f in regions["features"]} <= {"Polygon", "MultiPolygon"}
    missing = client.get(reverse("map-overlay", kwargs={"name": "farmers"}))
    assert missing.status_code == 404
    assert "capitals" in missing.json()["error"]


def test_all_plots_as_geojson_match_the_scope(login: Any, demo_db: Any) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    body = json.loads(login("agent-sm-01").get(reverse("map-plots-geojson")).content)
    ids = {f["id"] for f in body["features"]}
    drawable = Plot.objects.filter(producer__agents=agent).exclude(
        boundary__isnull=True, location__isnull=True
    )
    assert ids == set(drawable.values_list("pk", flat=True))
    kinds = {f["geometry"]["type"] for f in body["features"]}
    assert kinds <= {"Point", "MultiPolygon"}


def test_protected_areas_and_facilities_are_overlays(login: Any, demo_db: Any, tmp_path) -> None:
    import shapely

    from chacra.layers.services import protected_areas_load
    from chacra.supply.services import facility_register
    from tests.layers.files import vector_write

    parks = vector_write(
        tmp_path / "wdpa.geojson",
        [shapely.box(-76.63, -7.19, -76.60, -7.15), shapely.box(-76.5, -7.0, -76.4, -6.9)],
        {"NAME": ["Parque Nacional Prueba", "Reserva Comunal Prueba"],
         "DESIG": ["Parque Nacional", "Reserva Comunal"], "IUCN_CAT": ["II", "VI"]},
    )  # fmt: skip
    protected_areas_load(actor=None, path=parks, name="WDPA", version="2025-11")
    staff = get_user_model().objects.get(username="staff")
    facility_register(
        actor=staff, organisation=Organisation.objects.first(), name="Acopio Juanjuí",
        kind="collection_centre", location="POINT(-76.73 -7.18)",
    )  # fmt: skip
    client = login("staff")
    areas = client.get(reverse("map-overlay", kwargs={"name": "protected"})).json()
    assert {(f["properties"]["name"], f["properties"]["category"]) for f in areas["features"]} == {
        ("Parque Nacional Prueba", "strict"), ("Reserva Comunal Prueba", "direct_use"),
    }  # fmt: skip
    centres = client.get(reverse("map-overlay", kwargs={"name": "facilities"})).json()
    assert [f["properties"]["name"] for f in centres["features"]] == ["Acopio Juanjuí"]
    assert centres["features"][0]["geometry"]["coordinates"] == [-76.73, -7.18]
