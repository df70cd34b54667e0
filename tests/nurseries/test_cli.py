"""``chacra lineage``: both directions, scoped by ``--as``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from chacra.registry.services import producer_assign_agent
from tests.factories import UserFactory
from tests.nurseries.scenario import Scenario


def _run(*args: str) -> str:
    out = StringIO()
    call_command("lineage", *args, stdout=out)
    return out.getvalue()


def _user(role: Role, scenario: Scenario) -> Any:
    user = UserFactory()
    region = scenario.a.comunidad.distrito.provincia.departamento
    user_set_role(actor=None, user=user, role=role, region=region if role == Role.AGENT else None)
    return user


def test_lineage_of_a_plot_prints_each_chain_to_the_mother_plant(scenario: Scenario) -> None:
    staff = _user(Role.STAFF, scenario)
    out = _run(scenario.a1.code, "--as", staff.username)
    assert f"plot {scenario.a1.code} of producer {scenario.a.code}" in out
    assert f"planting 2014-05-01 ICS-95 0.30 ha: 300\n  <- {scenario.d1_seedlings.code}" in out
    assert f"  <- {scenario.mother.code}: mother plant ICS-95 on plot" in out
    assert "(no grafting recorded)" in out


def test_lineage_of_a_grafted_plot_prints_its_clone_composition(scenario: Scenario) -> None:
    staff = _user(Role.STAFF, scenario)
    out = _run(scenario.b1.code, "--as", staff.username)
    assert f"ICS-95\tfine_flavour\t0.20\t67%\t{scenario.mother.code}" in out
    assert f"TSH-565\tfine_flavour\t0.10\t33%\t{scenario.garden.code}" in out


def test_lineage_forward_from_a_mother_plant_is_scoped(scenario: Scenario) -> None:
    agent = _user(Role.AGENT, scenario)
    producer_assign_agent(actor=None, producer=scenario.a, agent=agent)
    producer_assign_agent(actor=None, producer=scenario.m, agent=agent)
    out = _run("--source", scenario.mother.code, "--as", agent.username)
    assert f"{scenario.mother.code}: mother plant ICS-95" in out
    assert f"{scenario.a1.code}\t{scenario.a.code}" in out
    assert scenario.b1.code not in out
    assert "(+ 2 plots outside your scope, 180 plants or sticks)" in out
    staff = _user(Role.STAFF, scenario)
    out = _run("--source", scenario.mother.code, "--as", staff.username)
    assert f"{scenario.bw1.code} > {scenario.s1.code}\tplanting 2014-05 0.30 ha" in out
    assert "outside your scope" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody", "PA1"], "no user named 'nobody'"),
        (["--as", "{investor}", "{plot}"], "aggregate figures only"),
        (["--as", "{staff}"], "give a plot code, or --source"),
        (["--as", "{staff}", "--source", "M999999"], "no mother plant or budwood garden"),
    ],
)
def test_lineage_refusals(scenario: Scenario, args: list[str], message: str) -> None:
    names = {
        "investor": _user(Role.INVESTOR, scenario).username,
        "staff": _user(Role.STAFF, scenario).username,
        "plot": scenario.a1.code,
    }
    with pytest.raises(CommandError, match=message):
        _run(*(a.format(**names) for a in args))
