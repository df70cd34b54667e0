from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from chacra.maps.index import CACHE


@pytest.fixture(autouse=True)
def _fresh_map_cache() -> Iterator[None]:
    """Each test's database is its own: forget indexes and tiles drawn for another test's data."""
    CACHE.clear()
    cache.clear()
    yield
    CACHE.clear()
    cache.clear()
