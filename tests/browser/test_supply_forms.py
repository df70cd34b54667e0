"""Recording the chain on the supply pages in a real browser: a lot from purchases, then a drying
step from the lot page, with a refusal shown at its field on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chacra.accounts.models import Role
from chacra.supply.models import Lot, ProcessingStep
from tests.factories import ComunidadFactory, ProducerFactory
from tests.supply.scenario import buy, organisation, plot

pytestmark = pytest.mark.browser


def test_staff_make_a_lot_and_dry_it_through_the_pages(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    screens_dir: Path,
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    coop = organisation("Cooperativa Navegador")
    producer = ProducerFactory(comunidad=ComunidadFactory())
    near, far = plot(producer, "BR1", 1), plot(producer, "BR2", 2)
    first = buy(coop, producer, "B-1", [(near, "300")])
    second = buy(coop, producer, "B-2", [(far, "100")])
    login(make_user("staff-browser-supply", Role.STAFF), next="/supply/")

    with page.expect_navigation(url=re.compile(r"/supply/lots/new/$")):
        page.click("#record-lot")
    page.select_option("#organisation-filter", str(coop.pk))
    with page.expect_navigation(url=re.compile(rf"organisation={coop.pk}")):
        page.click("#purchases-of button[type=submit]")
    form = page.locator("#lot-form")
    expect(form.locator("input[name=purchases]")).to_have_count(2)
    form.locator(f"input[name=purchases][value='{first.pk}']").check()
    form.locator(f"input[name=purchases][value='{second.pk}']").check()
    form.locator("select[name=organisation]").select_option(str(coop.pk))
    page.screenshot(path=str(screens_dir / "supply_lot_new.png"), full_page=True)
    with page.expect_navigation(url=re.compile(r"/supply/lots/\d+/$")):
        form.locator("button[type=submit]").click()
    wet = Lot.objects.get(step__kind="collection", custodian=coop)
    assert wet.kg == Decimal("400.00")
    expect(page.locator("h1")).to_contain_text(wet.code)

    with page.expect_navigation(url=re.compile(rf"/supply/lots/{wet.pk}/step/$")):
        page.click("#record-step")
    expect(page.locator("#lot-left")).to_contain_text("400")
    step_form = page.locator("#step-form")
    step_form.locator("select[name=kind]").select_option("drying")
    step_form.locator("input[name=ratio]").fill("0.375")
    step_form.locator("input[name=kg_1]").fill("151")  # 400 kg x 0.375 = 150 kg at most
    with page.expect_navigation():
        step_form.locator("button[type=submit]").click()
    marked = page.locator("#step-form .field.error")
    expect(marked).to_have_count(1)
    expect(marked.locator("input")).to_have_attribute("name", "kg_1")
    expect(marked).to_contain_text("151.00 kg out exceeds 400.00 kg in x 0.375")
    expect(page.locator("#refusal")).to_be_visible()
    page.screenshot(path=str(screens_dir / "supply_step_refused.png"), full_page=True)
    assert not ProcessingStep.objects.filter(kind="drying").exists()

    page.locator("#step-form input[name=kg_1]").fill("150")
    with page.expect_navigation(url=re.compile(r"/supply/lots/\d+/$")):
        page.locator("#step-form button[type=submit]").click()
    step = ProcessingStep.objects.get(kind="drying")
    dry = step.outputs.get()
    assert (dry.kg, dry.bean_state, step.ratio) == (Decimal("150.00"), "dry", Decimal("0.375"))
    expect(page.locator("h1")).to_contain_text(dry.code)
    expect(page.locator("#steps")).to_contain_text(wet.code)
    expect(page.locator("#transfer-form")).to_be_visible()  # a whole lot: it may be handed over
    page.screenshot(path=str(screens_dir / "supply_lot_dried.png"), full_page=True)
    assert errors == []
