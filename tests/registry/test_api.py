"""REST API v1: GeoJSON plots with geodesic areas, filters, pagination, tokens and the schema."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chacra.registry.models import Plot, Producer


def test_plots_are_a_geojson_feature_collection_with_area(login: Any) -> None:
    body = login("staff").get(reverse("api:plot-list"), {"mapped": "true"}).json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == Plot.objects.filter(boundary__isnull=False).count()
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    plot = Plot.objects.get(pk=feature["id"])
    assert feature["properties"]["area_ha"] == pytest.approx(plot.area_ha)


def test_unmapped_plots_come_as_points_or_without_geometry(login: Any, demo_db: Any) -> None:
    client = login("staff")
    body = client.get(reverse("api:plot-list"), {"mapped": "false"}).json()
    assert {f["geometry"]["type"] for f in body["features"] if f["geometry"]} == {"Point"}
    assert all(f["properties"]["area_ha"] is None for f in body["features"])
    lost = Plot.objects.get(code=demo_db.problems["no_geometry"][0])
    feature = client.get(reverse("api:plot-detail", args=[lost.pk])).json()
    assert feature["geometry"] is None
    assert feature["properties"]["mapping_method"] == "not_mapped"


@pytest.mark.parametrize(
    ("params", "field", "expected"),
    [
        ({"distrito": "220601"}, "distrito", {"Juanjuí"}),
        ({"distrito": "juanjuí"}, "distrito", {"Juanjuí"}),
        ({"region": "Ucayali"}, "region", {"Ucayali"}),
        ({"region": "10"}, "region", {"Huánuco"}),
    ],
)
def test_place_filters_take_names_or_ubigeo(
    login: Any, params: dict[str, str], field: str, expected: set[str]
) -> None:
    body = login("staff").get(reverse("api:plot-list"), params).json()
    assert body["count"] > 0
    assert {f["properties"][field] for f in body["features"]} == expected


def test_clone_filter(login: Any) -> None:
    body = login("staff").get(reverse("api:producer-list"), {"clone": "CCN-51"}).json()
    expected = Producer.objects.filter(plots__grafts__clone__code="CCN-51").distinct().count()
    assert body["count"] == expected > 0


def test_pages_are_100_long_and_linked(login: Any) -> None:
    client = login("staff")
    first = client.get(reverse("api:producer-list")).json()
    assert len(first["results"]) == 100
    second = client.get(first["next"]).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_bad_filter_names_the_parameter_and_what_is_accepted(login: Any) -> None:
    response = login("staff").get(reverse("api:plot-list"), {"mapped": "maybe"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_input",
        "detail": "mapped: 'maybe' is not accepted; use true or false",
        "field": "mapped",
    }


def test_token_authentication(demo_db: Any) -> None:
    token = Token.objects.create(user=get_user_model().objects.get(username="regional-sm"))
    client = APIClient()
    assert client.get(reverse("api:producer-list")).status_code == 403
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = client.get(reverse("api:producer-list")).json()
    assert {r["region"] for r in body["results"]} == {"San Martín"}


def test_schema_describes_every_endpoint(login: Any) -> None:
    schema = yaml.safe_load(login(None).get(reverse("api-schema")).content)
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/producers/",
        "/api/v1/plots/",
        "/api/v1/visits/",
        "/api/v1/stats/",
        "/api/v1/distritos/",
        "/api/v1/organisations/",
    ):
        assert expected in paths
    params = {p["name"] for p in schema["paths"]["/api/v1/plots/"]["get"]["parameters"]}
    assert {"region", "distrito", "clone", "mapped", "page"} <= params


def test_schema_is_valid_openapi_without_warnings(tmp_path: Any) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", file=str(target), validate=True, fail_on_warn=True)
    schema = yaml.safe_load(target.read_text())
    plot = schema["components"]["schemas"]["Plot"]
    assert set(plot["properties"]) == {"type", "id", "geometry", "properties"}
    assert "area_ha" in plot["properties"]["properties"]["properties"]


def test_quality_flags_are_served_and_filterable(login: Any, demo_db: Any) -> None:
    client = login("staff")
    body = client.get(reverse("api:plot-list"), {"flag": "overlap"}).json()
    codes = {f["properties"]["code"] for f in body["features"]}
    overlapping = {c for pair in demo_db.problems["overlapping"] for c in pair.split("/")}
    assert overlapping <= codes  # the demo's deliberate overlaps are found
    assert all("overlap" in f["properties"]["flags"] for f in body["features"])
    producers = client.get(reverse("api:producer-list"), {"flag": "overlap"}).json()
    assert (
        producers["count"]
        == Producer.objects.filter(plots__flags__code="overlap").distinct().count()
    )
    bad = client.get(reverse("api:plot-list"), {"flag": "ugly"})
    assert bad.status_code == 400
    assert "overlap" in bad.json()["detail"]
