"""Shared fixtures: the small demo programme, loaded once per test session into the test database.

Tests that only read use it as it is (each test runs in a transaction that is rolled back).
Tests that need a live server (transactional) make their own data with ``tests.factories``;
pytest-django runs them after the others, so the flush they cause never hides the demo.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from chacra.registry.demo.build import DemoReport, demo_build

DEMO_SEED = 2016


@pytest.fixture(scope="session")
def demo(django_db_setup: Any, django_db_blocker: Any) -> DemoReport:
    with django_db_blocker.unblock():
        return demo_build(size="small", seed=DEMO_SEED)


@pytest.fixture
def demo_db(demo: DemoReport, db: None) -> DemoReport:
    return demo


@pytest.fixture
def login(demo_db: DemoReport) -> Any:
    """``login("agent-sm-01")`` returns a test client logged in as that demo user."""

    def _login(username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Any) -> None:
    """Files chacra writes (archived imports, uploads) go to the test's own folder."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Messages in English, in this process and in management commands (which activate
    ``LANGUAGE_CODE``): for tests that quote a message's English text."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
