from __future__ import annotations

import pytest

from tests.supply.scenario import Chain, build_chain


@pytest.fixture
def chain(db: None) -> Chain:
    return build_chain()
