"""The investor workspace's hexagon layer in a real browser: MapLibre draws the published cells."""

from __future__ import annotations

import datetime as dt
import re
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
from chacra.registry.services import planting_record, plot_register
from tests.factories import ComunidadFactory, ProducerFactory

pytestmark = pytest.mark.browser

LON, LAT = -76.36, -6.49
# A region of the test's own, so the map shows its one cell whatever else the database holds
# (the session's demo, other tests' rows).
REGION = "98"
# The only cell is the heaviest, so it takes the scale's last colour (#993404 at 85% opacity
# over the map's #eef1ea background).
TOP_FILL = (166, 80, 39)


def _six_producers_in_one_cell() -> list[str]:
    comunidad = ComunidadFactory(
        distrito__ubigeo=f"{REGION}0101",
        distrito__name="Distrito de prueba",
        distrito__provincia__ubigeo=f"{REGION}01",
        distrito__provincia__name="Provincia de prueba",
        distrito__provincia__departamento__ubigeo=REGION,
        distrito__provincia__departamento__name="Región de prueba",
    )
    names = []
    for i in range(6):
        producer = ProducerFactory(comunidad=comunidad, surnames=f"Sangama Tapullima{i}")
        plot = plot_register(
            actor=None,
            producer=producer,
            point=f"POINT({LON + i * 0.002} {LAT})",
            declared_area_ha=Decimal("2.0"),
        )
        planting_record(
            actor=None,
            plot=plot,
            cacao_installed_ha=Decimal("2.0"),
            installed_on=dt.date(2014, 3, 1),
        )
        names.append(producer.surnames)
    return names


def _pixels_near(png: bytes, colour: tuple[int, int, int], tolerance: int = 14) -> int:
    image = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(image - np.array(colour)).max(axis=2) <= tolerance).sum())


def test_the_workspace_map_draws_the_hexagon_layer_and_no_names(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any], screens_dir: Path
) -> None:
    names = _six_producers_in_one_cell()
    login(make_user("investor-hexmap", Role.INVESTOR), next="/")
    page.goto(f"/insights/?resolution=6&region={REGION}")
    hexmap = page.locator("#hexmap")
    expect(hexmap).to_have_attribute("data-state", "idle", timeout=30_000)
    expect(hexmap).to_have_attribute("data-cells", "1")
    rendered = page.evaluate(
        "() => chacraHexmap.queryRenderedFeatures({layers: ['hexagons']}).length"
    )
    assert rendered >= 1
    shot = hexmap.screenshot(path=str(screens_dir / "insights-hexmap.png"))
    assert _pixels_near(shot, TOP_FILL) > 2000  # a res-6 hexagon fitted to the view, filled
    # A click on the cell shows its figures: six producers, no one's name.
    box = hexmap.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    producers = page.locator(".maplibregl-popup-content div div").first
    expect(producers).to_have_text(re.compile(r"^\S.*: 6$"))
    body = page.content()
    assert not any(name in body for name in names)
