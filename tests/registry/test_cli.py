"""The command line is a door too: same scope as pages and API, clear errors."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chacra.registry.models import Producer


def _csv(**opts: Any) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("producers", stdout=out, **opts)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_agent_lists_only_her_producers(demo_db) -> None:
    rows = _csv(username="agent-sm-01")
    assigned = set(
        Producer.objects.filter(agents__username="agent-sm-01").values_list("code", flat=True)
    )
    assert {r["code"] for r in rows} == assigned
    assert {r["region"] for r in rows} == {"San Martín"}


def test_filters_apply_on_top_of_the_scope(demo_db) -> None:
    rows = _csv(username="staff", region="25", mapped="false")
    assert rows
    assert {r["region"] for r in rows} == {"Ucayali"}
    codes = {r["code"] for r in rows}
    assert all(
        Producer.objects.get(code=c).plots.filter(boundary__isnull=True).exists() for c in codes
    )


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        ({"username": "investor"}, "aggregate figures only"),
        ({"username": "nobody"}, "no user named 'nobody'"),
        ({"username": "staff", "mapped": "perhaps"}, "use true or false"),
    ],
)
def test_refusals_are_clear(demo_db, opts: dict[str, str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _csv(**opts)
