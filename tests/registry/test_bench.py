"""``chacra bench``: runs benchmarks from benchmarks/; the demo one reports its figures."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_bench_demo_small_prints_time_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("bench", "demo", "--size", "small")
    out = capsys.readouterr().out
    assert "built        500 producers" in out
    assert "load time" in out
    assert "peak memory" in out


def test_unknown_benchmark_lists_the_known_ones() -> None:
    with pytest.raises(
        CommandError, match=r"no benchmark 'nope' in .*; available: .*\bdemo\b"
    ) as err:
        call_command("bench", "nope", stdout=io.StringIO())
    listed = str(err.value).rsplit("available: ", 1)[1].split(", ")
    assert listed == sorted(listed)
    assert {"demo", "intake", "tiles", "map"} <= set(listed)
