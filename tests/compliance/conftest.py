from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Messages in English, in this process and in management commands (which activate
    ``LANGUAGE_CODE``): the tests that quote the EUDR messages quote their English text."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
