from __future__ import annotations

import pytest

from tests.nurseries.scenario import Scenario, build


@pytest.fixture
def scenario(db: None) -> Scenario:
    return build()
