"""An investor finds no name, DNI or plot outline in any page or answer of the workspace."""

from __future__ import annotations

import json
from typing import Any

import matplotlib
import pytest
from django.urls import reverse

from chacra.registry.models import Plot, Producer


def _personal_strings() -> set[str]:
    found: set[str] = set()
    for surnames, given, dni in Producer.objects.values_list("surnames", "given_names", "dni"):
        found |= {f"{given} {surnames}", surnames, dni}
    return {s for s in found if s and len(s) >= 6}


def _plot_coordinates() -> set[str]:
    """The first vertex of each mapped plot, as it would print with 4 to 6 decimals."""
    out: set[str] = set()
    for plot in Plot.objects.filter(boundary__isnull=False)[:200]:
        x, y = plot.boundary.coords[0][0][0]
        out |= {f"{x:.5f}", f"{y:.5f}"}
    return out


@pytest.mark.parametrize(
    "url",
    [
        reverse("insights") + "?resolution=5",
        reverse("insights") + "?resolution=6&k=3",
        reverse("insights-hexagons-geojson") + "?resolution=5",
        reverse("insights-hexagons-geojson") + "?resolution=8",
        reverse("insights-siting") + "?k=3&objective=coverage&limit_km=20",
        reverse("insights-siting") + "?k=2&candidates=comunidades",
    ],
)
def test_investor_sees_no_names_dni_or_plot_outline(login: Any, url: str) -> None:
    response = login("investor").get(url)
    assert response.status_code == 200
    body = response.content.decode()
    leaks = [s for s in _personal_strings() if s in body]
    assert leaks == []
    assert [c for c in _plot_coordinates() if c in body] == []


def test_geojson_holds_hexagons_of_at_least_five_producers(login: Any) -> None:
    body = json.loads(login("investor").get(reverse("insights-hexagons-geojson")).content)
    assert body["features"]
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Polygon"
        assert len(feature["geometry"]["coordinates"][0]) == 7  # a hexagon, closed
        assert feature["properties"]["producers"] >= 5


def test_workspace_draws_the_forecast_and_carbon_charts(login: Any) -> None:
    page = login("investor").get(reverse("insights")).content.decode()
    for chart in ("forecast-chart", "carbon-chart"):
        assert f'id="{chart}" src="data:image/png;base64,iVBORw0KGgo' in page


def test_hexagon_map_is_a_png(login: Any) -> None:
    response = login("investor").get(reverse("insights-hexagons-png"))
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_regional_office_and_buyer_are_refused(login: Any) -> None:
    for user in ("regional-sm", "buyer", "agent-sm-01"):
        assert login(user).get(reverse("insights")).status_code == 403


@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_investor_report_has_no_personal_data(demo_db: Any, tmp_path: Any, suffix: str) -> None:
    from django.core.management import call_command
    from openpyxl import load_workbook

    out = tmp_path / f"report{suffix}"
    # Uncompressed, with the PDF's standard fonts: the text is then readable in the bytes.
    with matplotlib.rc_context({"pdf.compression": 0, "pdf.use14corefonts": True}):
        call_command("report", "investors", "--as", "investor", "--out", str(out))
    assert out.stat().st_size > 1000
    if suffix == ".xlsx":
        book = load_workbook(out)
        text = " ".join(
            str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row
        )
        assert "suppressed" in text
    else:
        text = out.read_bytes().decode("latin-1")
        assert "(suppressed) Tj" in text  # the check can see the tables' words
    assert [s for s in _personal_strings() if s in text] == []
    assert [c for c in _plot_coordinates() if c in text] == []
