"""Candidate sites a user gives (a CSV file or typed lines): read, used, and refused clearly."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chacra.errors import InvalidInput
from chacra.insights.points import decode, parse_factors, parse_points
from chacra.registry.models import Distrito

pytestmark = pytest.mark.usefixtures("english")  # the tests quote English messages


def test_header_in_any_order_and_semicolons_with_decimal_commas() -> None:
    c = parse_points("Nombre;Longitud;Latitud\nJuanjuí;-76,73;-7,18\n", source="sites.csv")
    assert c.names == ["Juanjuí"]
    assert c.lon.tolist() == [-76.73]
    assert c.lat.tolist() == [-7.18]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "lat,lon,name\n-6.49,-76.36,A\n-95,-76.1,B",
            "sites.csv, row 3, field lat: '-95' is not a latitude from -90 to 90",
        ),
        ("lat,lon,name\n-6.49,west,A", "sites.csv, row 2, field lon: 'west'"),
        ("-6.49,-76.36,A\n-6.5,-76.4", "sites.csv, row 2: 2 fields ('-6.5,-76.4'), expected 3"),
        ("lat,lon,name\n-6.49,-76.36,", "sites.csv, row 2, field name: ''"),
        ("lat,lng\n-6.49,-76.36", "sites.csv, row 1: the header 'lat,lng' lacks name"),
        ("\n\n", "sites.csv: nothing given"),
    ],
)
def test_each_refusal_names_file_row_field_value_and_what_is_accepted(
    text: str, expected: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_points(text, source="sites.csv")
    assert expected in caught.value.message
    assert "accepted: one site per row as lat, lon, name" in caught.value.message


def test_a_file_that_is_not_utf8_is_refused_with_its_name() -> None:
    with pytest.raises(InvalidInput, match=r"mine\.csv: not UTF-8 text \(byte 15\)"):
        decode("lat,lon,name\n-6\xe9".encode("latin-1"), source="mine.csv")


def test_blank_lines_do_not_shift_the_row_numbers() -> None:
    with pytest.raises(InvalidInput, match=r"form, row 4, field lat: '-6\.5x'"):
        parse_points("-6.49,-76.36,A\n\n\n-6.5x,-76.4,B", source="form")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ubigeo,factor\n22091,1", "row 2, field ubigeo: '22091' is not six digits"),
        ("220901,-1", "row 1, field factor: '-1' is not a number of 0 or more"),
    ],
)
def test_weight_factors_are_refused_with_row_field_and_value(text: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_factors(text, source="exposure.csv")
    assert f"exposure.csv, {expected}" in caught.value.message
    assert "accepted: one distrito per row as ubigeo, factor" in caught.value.message


def test_the_workspace_chooses_among_uploaded_sites(login: Any) -> None:
    upload = SimpleUploadedFile(
        "my-sites.csv",
        b"name,lat,lon\nPlanta Norte,-6.03,-76.97\nPlanta Sur,-8.38,-74.55\nLejos,-12.0,-70.0\n",
        content_type="text/csv",
    )
    response = login("investor").post(
        reverse("insights") + "?resolution=6", {"k": "2", "points_file": upload}
    )
    assert response.status_code == 200
    chosen = response.context["siting"]
    # The far point (south-east of the programme's regions) serves no one better.
    assert {s["name"] for s in chosen["sites"]} == {"Planta Norte", "Planta Sur"}
    assert chosen["candidates"] == 3
    assert "Planta Norte" in response.content.decode()


def test_typed_sites_with_an_error_show_the_message_beside_the_form(login: Any) -> None:
    response = login("investor").post(
        reverse("insights"), {"k": "1", "points": "-6.49, -76.36, Tarapoto\n-6.5, abc, Otro"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="siting-error"' in page
    assert "row 2, field lon: &#x27; abc&#x27; is not a longitude from -180 to 180" in page
    assert "Otro" in page  # the typed lines stay in the form to be corrected


def test_the_api_takes_typed_sites_too(login: Any) -> None:
    response = login("investor").get(
        reverse("insights-siting"),
        {"k": "1", "candidates": "given", "points": "-6.49,-76.36,Tarapoto"},
    )
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["sites"]] == ["Tarapoto"]


def test_weight_factors_by_distrito_move_the_site(login: Any) -> None:
    # Two candidate sites, one in San Martín (ubigeo 22...) and one in Ucayali (25...)
    sites = "-6.03,-76.97,Planta Norte\n-8.38,-74.55,Planta Sur"
    ubigeos = list(Distrito.objects.values_list("ubigeo", flat=True))
    client = login("investor")

    def choose(keep: str) -> str:
        # Every distrito outside the kept region weighs nothing.
        factors = "\n".join(f"{u};0" for u in ubigeos if not u.startswith(keep))
        response = client.post(reverse("insights"), {"k": "1", "points": sites, "factors": factors})
        assert response.status_code == 200, response.context["siting_error"]
        return str(response.context["siting"]["sites"][0]["name"])

    assert choose("22") == "Planta Norte"
    assert choose("25") == "Planta Sur"


def test_an_unknown_ubigeo_is_named(login: Any) -> None:
    response = login("investor").post(
        reverse("insights"), {"k": "1", "candidates": "capitals", "factors": "999999,2"}
    )
    assert response.status_code == 400
    assert "ubigeo 999999 names no distrito" in response.context["siting_error"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("resolution=x", "resolution: 'x' is not a number; accepted: a whole number"),
        ("resolution=9", "resolution 9: choose one of 5, 6, 7, 8"),
        ("year=2020.5", "year: '2020.5' is not a number; accepted: a whole number"),
    ],
)
def test_bad_filters_name_the_field_and_value(login: Any, query: str, expected: str) -> None:
    response = login("investor").get(reverse("insights-hexagons-geojson") + "?" + query)
    assert response.status_code == 400
    assert expected in response.json()["message"]
