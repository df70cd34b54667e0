"""The plot page: its record, geometry history, explained flags, plantings, visits and access."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chacra.registry.models import FlagCode
from chacra.registry.plot_page import FLAG_EXPLANATIONS
from tests.web.plot_history import PlotHistory, plot_with_history


@pytest.fixture
def story(demo_db: Any) -> PlotHistory:
    return plot_with_history()


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _get(login: Any, username: str, story: PlotHistory) -> Any:
    return _english(login(username)).get(story.path)


def test_the_page_shows_the_plot_record(login: Any, story: PlotHistory) -> None:
    response = _get(login, "staff", story)

    assert response.status_code == 200
    body = response.content.decode()
    plot = story.plot
    assert f"Plot {plot.code}" in body
    assert reverse("producer-detail", args=[story.producer.pk]) in body
    assert "Pizango Tapullima" in body
    assert plot.comunidad.name in body
    assert plot.comunidad.distrito.name in body
    page = response.context["page"]
    # declared 9 ha, mapped about 0.6 ha: far outside 0.5-2x, so the ratio is marked
    assert page.area_ratio == pytest.approx(plot.area_ha / 9.0)
    assert not page.area_ratio_ok
    assert '<dd id="declared-area">9.00</dd>' in body
    assert f'<dd id="gps-area">{plot.area_ha:.2f}</dd>' in body
    assert 'id="area-ratio" class="warn"' in body
    assert "Drawn on imagery" in body
    assert "01-02-2016" in body
    assert story.mapper.username in body
    assert "YES: the boundary as received was invalid" in body


def test_the_history_lists_every_geometry_and_maps_them(login: Any, story: PlotHistory) -> None:
    response = _get(login, "staff", story)

    versions = response.context["page"].versions
    assert [(r.version.version, r.is_current, r.was_invalid) for r in versions] == [
        (2, True, True),
        (1, False, False),
    ]
    body = response.content.decode()
    first, second = body.index('id="version-2"'), body.index('id="version-1"')
    assert first < second  # newest first
    row_1 = body[second : body.index("</tr>", second)]
    assert "GPS walk around the plot" in row_1
    assert "01-06-2015" in row_1
    row_2 = body[first:second]
    assert "invalid, repaired" in row_2
    assert story.mapper.username in row_2
    # the map gets the current geometry, the earlier one and the ring as received, each toggled
    features = response.context["page"].geometries["features"]
    kinds = {f["properties"]["key"]: f["geometry"]["type"] for f in features}
    assert kinds == {
        "current": "MultiPolygon",
        "v1": "MultiPolygon",
        "v2-original": "Polygon",  # the self-crossing ring, unrepaired
    }
    assert 'data-key="v1"' in body
    assert 'data-key="v2-original"' in body
    assert 'id="plot-geometries"' in body
    assert "vendor/leaflet/leaflet.js" in body


def test_every_flag_code_is_explained() -> None:
    assert set(FLAG_EXPLANATIONS) == set(FlagCode.values)
    assert all(len(str(text)) > 60 for text in FLAG_EXPLANATIONS.values())


def test_flags_are_shown_with_their_explanation(login: Any, story: PlotHistory) -> None:
    response = _get(login, "staff", story)

    rows = {row.flag.code: row for row in response.context["page"].flags}
    expected = {
        FlagCode.INVALID_GEOMETRY,
        FlagCode.AREA_MISMATCH,
        FlagCode.OVERLAP,
        FlagCode.DUPLICATE_GEOMETRY,
    }
    assert expected <= set(rows)
    body = response.content.decode()
    for code in expected:
        assert f"flag-row flag-{code}" in body
        assert html.escape(str(FLAG_EXPLANATIONS[code])) in body
    # the overlapping plot is named in the detail and linked
    assert [p.pk for p in rows[FlagCode.OVERLAP].related] == [story.neighbour.pk]
    assert reverse("plot-detail", args=[story.neighbour.pk]) in body


def test_a_plot_without_flags_says_so(login: Any, demo_db: Any) -> None:
    from chacra.registry.models import Plot

    clean = Plot.objects.filter(flags__isnull=True, boundary__isnull=False).first()
    body = _english(login("staff")).get(f"/plots/{clean.pk}/").content.decode()
    assert 'id="no-flags"' in body
    assert 'class="flag-row ' not in body


def test_plantings_grafts_and_visits(login: Any, story: PlotHistory) -> None:
    body = _get(login, "staff", story).content.decode()

    plantings = body[body.index('id="plantings"') : body.index('id="grafts"')]
    assert "11-2014" in plantings
    assert "0.55" in plantings
    assert "0.20" in plantings
    grafts = body[body.index('id="grafts"') : body.index('id="visits"')]
    assert "09-2015" in grafts
    assert "ICS-95" in grafts
    assert "Fine flavour" in grafts
    visits = body[body.index('id="visits"') :]
    assert "14-03-2016" in visits
    assert story.agent.username in visits
    assert "Plot mapping (GPS), Grafting" in visits
    assert "Remapped the north edge" in visits


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("staff", 200),
        ("regional-sm", 200),  # the producer is in San Martín
        ("ph-agent", 200),  # assigned to the producer
        ("agent-sm-01", 404),  # same region, not assigned
        ("regional-uca", 404),
        ("investor", 403),
        ("buyer", 403),
    ],
)
def test_who_may_open_the_plot(login: Any, story: PlotHistory, username: str, status: int) -> None:
    response = _get(login, username, story)

    assert response.status_code == status
    if status != 200:
        body = response.content.decode()
        for secret in (story.producer.surnames, story.producer.dni, story.plot.code):
            assert secret not in body


def test_anonymous_visitors_are_sent_to_log_in(story: PlotHistory) -> None:
    response = Client().get(story.path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_plot_is_not_found(login: Any, demo_db: Any) -> None:
    assert login("staff").get("/plots/999999/").status_code == 404


def test_the_producer_card_links_to_its_plots(login: Any, story: PlotHistory) -> None:
    body = login("staff").get(reverse("producer-detail", args=[story.producer.pk])).content
    assert f'href="{story.path}"'.encode() in body


def test_the_flag_filtered_list_links_to_the_flagged_plots(login: Any, story: PlotHistory) -> None:
    response = login("staff").get(reverse("producer-list"), {"flag": "duplicate_geometry"})

    body = response.content.decode()
    rows = dict(response.context["rows"])
    assert story.producer in rows
    assert story.plot in rows[story.producer]
    at = body.index(f'href="{story.path}"')
    link = body[body.rindex("<a ", 0, at) : body.index(">", at)]
    assert "plot-link flagged" in link
    assert " match" in link


def test_the_page_takes_a_bounded_number_of_queries(
    login: Any, story: PlotHistory, django_assert_max_num_queries: Any
) -> None:
    client = login("staff")
    with django_assert_max_num_queries(16):
        assert client.get(story.path).status_code == 200
