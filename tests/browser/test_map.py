"""The full-screen map in a real browser: plots drawn from vector tiles, popups, styles, access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from chacra.accounts.models import Role
from chacra.config.security import content_security_policy
from chacra.maps.index import CACHE
from chacra.registry.models import Clone, CloneGroup, Plot
from chacra.registry.services import graft_record, planting_record, plot_register
from tests.factories import ComunidadFactory, ProducerFactory, plot_polygon

pytestmark = pytest.mark.browser

LON, LAT = -76.70, -7.16
# The fill of a fine-flavour plot (#1e7b34 at 55% over the map's #eef1ea background).
FINE_FLAVOUR_FILL = (124, 176, 134)
NO_FLAG_FILL = (128, 204, 153)  # #27ae60 at 55%


def _plots() -> tuple[Plot, Plot]:
    producer = ProducerFactory(
        comunidad=ComunidadFactory(), surnames="Tuanama Sangama", given_names="Rosa"
    )
    plot = plot_register(actor=None, producer=producer, boundary=plot_polygon(LON, LAT, 2.0))
    clone, _ = Clone.objects.get_or_create(
        code="ICS-95", defaults={"group": CloneGroup.FINE_FLAVOUR}
    )
    planting_record(
        actor=None, plot=plot, cacao_installed_ha=Decimal("1.5"),
        installed_on=dt.date(2014, 3, 1), forestry_ha=Decimal("0.3"),
    )  # fmt: skip
    graft_record(
        actor=None, plot=plot, clone=clone, grafted_ha=Decimal("1.0"),
        grafted_on=dt.date(2015, 5, 1),
    )  # fmt: skip
    point = plot_register(
        actor=None, producer=producer, point=f"POINT({LON + 0.01} {LAT})",
        declared_area_ha=Decimal("7.0"),
    )  # fmt: skip
    CACHE.clear()
    return plot, point


def _pixels_near(png: bytes, colour: tuple[int, int, int], tolerance: int = 14) -> int:
    image = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(image - np.array(colour)).max(axis=2) <= tolerance).sum())


def _open(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("#map")).to_have_attribute("data-state", "idle", timeout=30_000)


def _centre_click(page: Page, lon: float, lat: float) -> None:
    x, y = page.evaluate(
        f"() => {{ const p = chacraMap.project([{lon}, {lat}]); return [p.x, p.y]; }}"
    )
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_map_draws_plots_and_opens_a_popup(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any], screens_dir: Path
) -> None:
    plot, _point = _plots()
    login(make_user("staff-map", Role.STAFF), next="/")
    centre = plot.boundary.point_on_surface
    _open(page, f"/map/#view=16/{centre.y}/{centre.x}")
    assert int(page.get_attribute("#map", "data-rendered") or 0) >= 1
    shot = page.locator("#map").screenshot(path=str(screens_dir / "map_plot.png"))
    assert _pixels_near(shot, FINE_FLAVOUR_FILL) > 500, "the fine-flavour polygon is not drawn"

    _centre_click(page, centre.x, centre.y)
    popup = page.locator(".maplibregl-popup .plot-popup")
    expect(popup).to_contain_text(plot.code)
    expect(popup).to_contain_text("Tuanama Sangama")
    expect(popup.locator(f'a[href="/plots/{plot.pk}/"]')).to_have_count(1)
    page.screenshot(path=str(screens_dir / "map_popup.png"))

    # Colour by quality flags: the plot has none, so it turns the "no flags" green.
    page.locator(".maplibregl-popup-close-button").click()
    page.locator("input[name=colour][value=flags]").check()
    page.wait_for_timeout(1000)  # the map fades colours over 300 ms
    recoloured = page.locator("#map").screenshot()
    assert _pixels_near(recoloured, NO_FLAG_FILL) > 500
    assert _pixels_near(recoloured, FINE_FLAVOUR_FILL) < _pixels_near(shot, FINE_FLAVOUR_FILL) / 10


def test_the_whole_programme_view_and_filters_kept_in_the_url(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any], screens_dir: Path
) -> None:
    _plots()
    login(make_user("staff-map2", Role.STAFF), next="/map/")
    _open(page, "/map/")
    # Zoomed out, both plots are points (the polygon too).
    assert int(page.get_attribute("#map", "data-rendered") or 0) == 2
    page.screenshot(path=str(screens_dir / "map_programme.png"))
    page.locator("select[name=group]").select_option("ccn51")
    expect(page.locator("#map")).to_have_attribute("data-rendered", "0", timeout=15_000)
    assert "group=ccn51" in page.url
    page.goto("/map/?year=2014")
    expect(page.locator("#map")).to_have_attribute("data-state", "idle", timeout=30_000)
    assert page.locator("input[name=year]").input_value() == "2014"
    expect(page.locator("#map")).to_have_attribute("data-rendered", "1", timeout=15_000)


def test_the_map_speaks_spanish_and_english(
    new_page: Callable[..., Page], login: Callable[..., None], make_user: Callable[..., Any]
) -> None:
    _plots()
    user = make_user("staff-map3", Role.STAFF)
    spanish = new_page(locale="es-PE")
    login(user, next="/map/", on=spanish)
    _open(spanish, "/map/")
    expect(spanish.locator(".map-filters h2")).to_have_text("Filtrar")
    expect(spanish.locator("#map-legend")).to_contain_text("Fino de aroma")
    spanish.locator("form.lang button[value=en]").click()
    expect(spanish.locator(".map-filters h2")).to_have_text("Filter")
    expect(spanish.locator("#map-legend")).to_contain_text("Fine flavour")


def test_investors_do_not_get_the_plot_map(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any]
) -> None:
    _plots()
    login(make_user("investor-map", Role.INVESTOR), next="/")
    response = page.goto("/map/")
    assert response is not None
    assert response.status == 403


def test_an_unreachable_basemap_does_not_stop_the_plots(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    settings: Any,
    screens_dir: Path,
) -> None:
    # Port 9 (discard) on loopback refuses: the satellite tiles fail as they do offline.
    settings.CHACRA_BASEMAP_URL = "http://127.0.0.1:9/{z}/{x}/{y}.jpg"
    # At start-up the security policy lets the configured basemap's server in; do the same here.
    settings.CHACRA_CSP = content_security_policy(settings.CHACRA_BASEMAP_URL)
    plot, _point = _plots()
    login(make_user("staff-map4", Role.STAFF), next="/")
    tried: list[str] = []
    page.on("requestfailed", lambda request: tried.append(request.url))
    centre = plot.boundary.point_on_surface
    page.goto(f"/map/#view=16/{centre.y}/{centre.x}")
    expect(page.locator("#map")).to_have_attribute("data-plots", "loaded", timeout=30_000)
    page.wait_for_timeout(1000)
    assert any(url.startswith("http://127.0.0.1:9/16/") for url in tried)
    shot = page.locator("#map").screenshot(path=str(screens_dir / "map_no_basemap.png"))
    assert _pixels_near(shot, FINE_FLAVOUR_FILL) > 500
