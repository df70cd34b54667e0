"""The producer card in a real browser: the four blocks, the offline plot map, language, access."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chacra.accounts.models import Role
from chacra.registry.models import Clone, CloneGroup, Plot, Producer
from chacra.registry.services import graft_record, planting_record, plot_register
from tests.factories import ComunidadFactory, ProducerFactory, plot_polygon

pytestmark = pytest.mark.browser

HEADINGS_ES = [
    "UBICACIÓN GEOGRÁFICA",
    "DATOS DEL PRODUCTOR",
    "CACAO INSTALADO CON LA ALIANZA",
    "OTROS DATOS DE LA PARCELA",
]
# Leaflet's SVG renderer draws polygons and circle markers alike as interactive <path>s.
OVERLAY_PATHS = "#plot-map .leaflet-overlay-pane path.leaflet-interactive"


@dataclass
class CardData:
    producer: Producer
    polygon_plot: Plot
    point_plot: Plot

    @property
    def path(self) -> str:
        return f"/producers/{self.producer.pk}/"


def card_producer(**producer_fields: Any) -> CardData:
    """A producer with a mapped polygon plot (planted and grafted) and a point-only plot."""
    producer = ProducerFactory(comunidad=ComunidadFactory(), **producer_fields)
    polygon_plot = plot_register(
        actor=None,
        producer=producer,
        boundary=plot_polygon(),
        property_area_ha=Decimal("3.00"),
        cacao_in_production_ha=Decimal("0.80"),
        land_title=True,
    )
    point_plot = plot_register(
        actor=None,
        producer=producer,
        point="POINT(-76.71 -7.17)",
        declared_area_ha=Decimal("1.20"),
    )
    # The migrated clone catalogue does not survive the flush of an earlier live-server test.
    clone, _ = Clone.objects.get_or_create(
        code="ICS-95", defaults={"group": CloneGroup.FINE_FLAVOUR}
    )
    planting_record(
        actor=None,
        plot=polygon_plot,
        cacao_installed_ha=Decimal("1.00"),
        installed_on=dt.date(2017, 3, 15),
        temporary_shade_ha=Decimal("0.50"),
        forestry_ha=Decimal("0.25"),
    )
    graft_record(
        actor=None,
        plot=polygon_plot,
        clone=clone,
        grafted_ha=Decimal("0.60"),
        grafted_on=dt.date(2018, 5, 2),
    )
    return CardData(producer=producer, polygon_plot=polygon_plot, point_plot=point_plot)


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Record every URL the page requests and every uncaught JavaScript error."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return requests, errors


@pytest.mark.parametrize(
    "browser_locale",
    [
        pytest.param("es-PE", id="browser-asks-spanish"),
        pytest.param("de-DE", id="browser-asks-unsupported-language"),
    ],
)
def test_staff_card_shows_the_four_blocks_in_spanish(
    browser_locale: str,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    make_user: Callable[..., Any],
) -> None:
    """Spanish is the default; a browser set to English would get English (LocaleMiddleware)."""
    data = card_producer()
    page = new_page(locale=browser_locale)
    login(make_user("staff-card-es", Role.STAFF), next=data.path, on=page)

    assert page.url.endswith(data.path)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    for heading in HEADINGS_ES:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    # one CACAO and one OTHER DATA block per plot
    expect(page.locator("section.plot-block h2")).to_have_count(4)
    expect(page.locator("#block-cacao-" + data.polygon_plot.code)).to_contain_text(
        "CACAO INSTALADO CON LA ALIANZA"
    )
    expect(page.locator("#block-plot-" + data.point_plot.code)).to_contain_text(
        "OTROS DATOS DE LA PARCELA"
    )


def test_staff_card_maps_both_plots_offline(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    live_server: Any,
    screens_dir: Path,
) -> None:
    requests, errors = _watch(page)
    data = card_producer()
    login(make_user("staff-card-map", Role.STAFF), next=data.path)

    producer = data.producer
    expect(page.locator("h1")).to_contain_text(f"{producer.surnames} {producer.given_names}")
    expect(page.locator("#block-producer")).to_contain_text(producer.dni)
    cacao = page.locator("#block-cacao-" + data.polygon_plot.code)
    expect(cacao).to_contain_text("ICS-95")
    expect(cacao).to_contain_text("03-2017")
    expect(cacao).to_contain_text("05-2018")

    mapped = page.locator('#plot-map[data-ready="2"]')
    expect(mapped).to_be_attached()
    paths = page.locator(OVERLAY_PATHS)
    expect(paths).to_have_count(2)
    # one closed polygon ring ("M … L … z") and one circle marker (drawn with SVG arcs, "a")
    shapes = paths.evaluate_all("els => els.map(e => e.getAttribute('d'))")
    polygons = [d for d in shapes if re.search(r"[Zz]\s*$", d) and "a" not in d]
    circles = [d for d in shapes if "a" in d]
    assert (len(polygons), len(circles)) == (1, 1), shapes
    # both plots are inside the map's visible box, and the polygon is big enough to see
    map_box = page.locator("#plot-map").bounding_box()
    assert map_box is not None
    for i in range(2):
        box = paths.nth(i).bounding_box()
        assert box is not None
        assert map_box["x"] <= box["x"]
        assert box["x"] + box["width"] <= map_box["x"] + map_box["width"]
        assert map_box["y"] <= box["y"]
        assert box["y"] + box["height"] <= map_box["y"] + map_box["height"]
    assert max(paths.nth(i).bounding_box()["width"] for i in range(2)) > 20  # type: ignore[index]
    # permanent tooltips name the plots
    tooltips = page.locator("#plot-map .leaflet-tooltip")
    expect(tooltips).to_have_count(2)
    expect(tooltips.filter(has_text=data.polygon_plot.code)).to_have_count(1)
    expect(tooltips.filter(has_text=data.point_plot.code)).to_have_text(
        f"{data.point_plot.code} · ~1.20 ha"  # a GPS point shows its declared area
    )

    page.screenshot(path=str(screens_dir / "producer_card.png"), full_page=True)
    page.locator("#plot-map").screenshot(path=str(screens_dir / "producer_card_map.png"))

    assert errors == []
    assert any(url.endswith("/static/vendor/leaflet/leaflet.js") for url in requests), requests
    outside = [url for url in requests if not url.startswith(live_server.url + "/")]
    assert outside == [], f"the card requested hosts other than the server: {outside}"


def test_en_button_switches_the_card_to_english(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any]
) -> None:
    data = card_producer()
    login(make_user("staff-card-en", Role.STAFF), next=data.path)
    expect(page.locator("html")).to_have_attribute("lang", "es")

    with page.expect_navigation():
        page.locator("form.lang button[value=en]").click()

    assert page.url.endswith(data.path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("form.lang button[value=en]")).to_have_class(re.compile(r"\bon\b"))
    expect(page.get_by_role("heading", name="GEOGRAPHIC LOCATION")).to_be_visible()
    expect(page.get_by_role("heading", name="PRODUCER DATA")).to_be_visible()
    expect(page.get_by_text("UBICACIÓN GEOGRÁFICA")).to_have_count(0)
    # the choice sticks for the next page
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_agent_sees_only_assigned_producers_and_investor_sees_none(
    page: Page,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    make_user: Callable[..., Any],
) -> None:
    a = card_producer(surnames="Huamán Assigned", dni="47110001")
    comunidad = a.producer.comunidad
    b = ProducerFactory(comunidad=comunidad, surnames="Tuanama Unassigned", dni="47110002")
    region = comunidad.distrito.provincia.departamento
    agent = make_user("agent-card", Role.AGENT, region=region)
    a.producer.agents.add(agent)
    investor = make_user("investor-card", Role.INVESTOR)

    login(agent, next=a.path)
    response = page.goto(a.path)
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("Huamán Assigned")
    expect(page.locator('#plot-map[data-ready="2"]')).to_be_attached()

    response = page.goto(f"/producers/{b.pk}/")
    assert response is not None
    assert response.status == 404
    assert "Tuanama" not in page.content()
    assert "47110002" not in page.content()

    investor_page = new_page()
    login(investor, on=investor_page)
    for producer in (a.producer, b):
        response = investor_page.goto(f"/producers/{producer.pk}/")
        assert response is not None
        assert response.status == 403
        html = investor_page.content()
        text = investor_page.locator("body").inner_text()
        for secret in (producer.surnames, producer.dni):
            assert secret not in html, f"{secret!r} in the 403 page's HTML"
            assert secret not in text, f"{secret!r} in the 403 page's text"
        assert a.polygon_plot.code not in html
