"""The examples in monitoring's docstrings hold."""

from __future__ import annotations

import doctest

import pytest

from chacra.monitoring import access, charts, report


@pytest.mark.parametrize("module", [access, charts, report])
def test_doctests_pass(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
