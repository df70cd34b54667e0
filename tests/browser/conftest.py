"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test.

Playwright's sync API runs an event loop in the test thread, so Django's async-unsafe guard would
fire on every ORM call made after the browser starts; these tests make their data synchronously
in the test thread, so the guard is switched off when pytest loads this file.

Browser tests need ``live_server`` and therefore a transactional database: each test makes its own
data with ``tests.factories`` and the services (the flush after each test removes the session demo
and the migrated clone catalogue).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from chacra.accounts.services import user_set_role
from tests.factories import UserFactory

# Django reads this on every guarded call, so setting it when pytest loads this conftest (before
# any test or fixture runs) is early enough.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHACRA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "secret-pass-1"  # what UserFactory sets
SCREENS_DIR = Path(__file__).resolve().parents[2] / "var" / "screens"
VIEWPORT = {"width": 1400, "height": 900}
# Headless Chromium sends ``Accept-Language: en-US`` unless told otherwise, and LocaleMiddleware
# honours it; the programme's users browse in Spanish (Peru).
BROWSER_LOCALE = "es-PE"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """``new_page(locale="es-PE")``: a page in a fresh context (own cookies), closed after the test.

    ``locale`` sets the browser's language and so its ``Accept-Language`` header.
    """
    contexts: list[BrowserContext] = []

    def _new(locale: str = BROWSER_LOCALE) -> Page:
        ctx = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, locale=locale)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _new
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def screens_dir() -> Path:
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENS_DIR


@pytest.fixture
def make_user(transactional_db: None) -> Callable[..., Any]:
    """``make_user("name", Role.AGENT, region=dep)``: a user with that role and ``PASSWORD``."""

    def _make(username: str, role: Any, region: Any = None) -> Any:
        user = UserFactory(username=username)
        user_set_role(actor=None, user=user, role=role, region=region)
        return user

    return _make


@pytest.fixture
def login(page: Page) -> Callable[..., None]:
    """``login(user, next="/producers/1/")`` signs in through the real login form.

    It uses the ``page`` fixture's page unless given another one with ``on=``.
    """

    def _login(user: Any, next: str = "/", on: Page | None = None) -> None:
        p = on or page
        p.goto(f"/accounts/login/?next={quote(next)}")
        form = p.locator("section.login form")
        form.locator("input[name=username]").fill(user.username)
        form.locator("input[name=password]").fill(PASSWORD)
        with p.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "/accounts/login/" not in p.url, f"login as {user.username} failed: {p.url}"

    return _login
