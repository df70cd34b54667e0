"""The plot page in a real browser: reached from the producer card, its map drawn, flags shown."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chacra.accounts.models import Role
from tests.web.plot_history import plot_with_history

pytestmark = pytest.mark.browser

# Leaflet's SVG renderer draws polygons and circle markers alike as interactive <path>s.
OVERLAY_PATHS = "#plot-map .leaflet-overlay-pane path.leaflet-interactive"
# The latest run's page, at a fixed place for a person to look at.
LATEST_SCREENSHOT = Path("/tmp/plot-page.png")  # noqa: S108


def test_from_the_card_to_the_plot_page_with_its_map_and_flags(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    live_server: Any,
    tmp_path: Path,
) -> None:
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    story = plot_with_history("browser")
    login(make_user("staff-plot-page", Role.STAFF), next=f"/producers/{story.producer.pk}/")

    # the card's plot heading links to the plot page
    with page.expect_navigation():
        page.locator(f"#block-plot-{story.plot.code} a.plot-link").click()
    assert page.url.endswith(story.path)
    expect(page.locator("h1")).to_contain_text(story.plot.code)
    expect(page.locator("#producer-link")).to_contain_text("Pizango Tapullima")

    # the current geometry is drawn: the repaired figure of eight, two triangles in one path
    expect(page.locator('#plot-map[data-ready="3"]')).to_be_attached()
    paths = page.locator(OVERLAY_PATHS)
    expect(paths).to_have_count(1)
    shape = paths.first.get_attribute("d") or ""
    assert shape.count("M") == 2, shape
    expect(page.locator("#plot-map")).to_have_attribute("data-shown", "current")
    box = paths.first.bounding_box()
    assert box is not None
    assert box["width"] > 20

    # ticking earlier versions in the history draws them too, and unticking removes them
    page.locator('input.geometry-toggle[data-key="v1"]').check()
    page.locator('input.geometry-toggle[data-key="v2-original"]').check()
    expect(paths).to_have_count(3)
    expect(page.locator("#plot-map")).to_have_attribute("data-shown", "current v1 v2-original")
    page.locator('input.geometry-toggle[data-key="v1"]').uncheck()
    expect(paths).to_have_count(2)

    # the flags, in Spanish labels, each with its explanation
    flags = page.locator("#block-flags .flag-row")
    expect(flags.filter(has=page.locator("p.explanation"))).to_have_count(flags.count())
    for code in ("invalid_geometry", "area_mismatch", "overlap", "duplicate_geometry"):
        expect(page.locator(f"#block-flags .flag-{code} p.explanation")).not_to_be_empty()
    expect(page.locator("#block-flags")).to_contain_text(story.neighbour.code)
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    expect(page.locator("#visits")).to_contain_text("14-03-2016")

    page.locator('input.geometry-toggle[data-key="v1"]').check()
    shot = tmp_path / "plot-page.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, LATEST_SCREENSHOT)

    assert errors == []
    outside = [url for url in requests if not url.startswith(live_server.url + "/")]
    assert outside == [], f"the page requested hosts other than the server: {outside}"


def test_an_investor_cannot_open_a_plot(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any]
) -> None:
    story = plot_with_history("browser-investor")
    login(make_user("investor-plot-page", Role.INVESTOR))

    response = page.goto(story.path)

    assert response is not None
    assert response.status == 403
    html = page.content()
    for secret in (story.producer.surnames, story.producer.dni, story.plot.code):
        assert secret not in html
