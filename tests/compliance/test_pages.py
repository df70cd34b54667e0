"""The compliance page: counts by status, the plots needing attention with their reasons, runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.accounts.services import user_set_role
from chacra.compliance import jobs, services
from chacra.compliance.models import CheckRun, RunStatus
from tests.compliance.scenario import REGION, Scenario, scenario_build
from tests.factories import UserFactory


@pytest.fixture
def world(db: None, tmp_path: Path) -> Scenario:
    return scenario_build(tmp_path)


def _client(role: Role, world: Scenario, name: str) -> tuple[Client, Any]:
    user = UserFactory(username=name)
    region = world.cleared.comunidad.distrito.provincia.departamento
    user_set_role(
        actor=None, user=user, role=role,
        region=region if role in (Role.REGIONAL, Role.AGENT) else None,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    return client, user


def test_staff_see_counts_and_the_plots_that_need_attention(world: Scenario) -> None:
    client, staff = _client(Role.STAFF, world, "staff-page")
    services.plots_check(
        actor=staff, scope=Scope(role=Role.STAFF), plot_ids=[p.pk for p in world.plots]
    )
    page = client.get(reverse("compliance"), {"region": REGION})
    assert page.status_code == 200
    counts = page.context["counts"]
    assert (counts["compliant"], counts["non_compliant"], counts["unchecked"]) == (1, 2, 0)
    listed = [c.plot.code for c in page.context["page"]]
    # Compliant plots are not "needing attention"; the two failures are listed with reasons.
    assert sorted(listed) == sorted([world.cleared.code, world.in_park.code])
    body = page.content.decode()
    assert "Parque Nacional Prueba" in body
    only_ok = client.get(reverse("compliance"), {"status": "compliant", "region": REGION})
    assert [c.plot.code for c in only_ok.context["page"]] == [world.clean.code]


def test_starting_a_run_from_the_page_and_following_it(world: Scenario) -> None:
    client, _staff = _client(Role.STAFF, world, "staff-run")
    answer = client.post(reverse("compliance-run-start"), {"region": REGION})
    run = CheckRun.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("compliance-run", args=[run.pk])
    assert run.total == 3
    progress = client.get(reverse("compliance-run-progress", args=[run.pk])).json()
    assert (progress["status"], progress["done"], progress["total"]) == ("running", 0, 3)
    jobs.run_inline(run)
    progress = client.get(reverse("compliance-run-progress", args=[run.pk])).json()
    assert (progress["status"], progress["done"]) == (RunStatus.DONE, 3)
    assert progress["counts"] == {"compliant": 1, "non_compliant": 2}
    assert client.get(reverse("compliance-run", args=[run.pk])).status_code == 200


def test_an_agent_sees_results_but_cannot_start_a_run(world: Scenario) -> None:
    client, _agent = _client(Role.AGENT, world, "agent-page")
    page = client.get(reverse("compliance"))
    assert page.status_code == 200
    assert page.context["may_run"] is False
    assert page.context["counts"]["total"] == 0  # none of these producers is hers
    assert client.post(reverse("compliance-run-start")).status_code == 403
    assert not CheckRun.objects.exists()


@pytest.mark.parametrize("role", [Role.INVESTOR, Role.BUYER])
def test_aggregate_roles_do_not_see_plot_results(world: Scenario, role: Role) -> None:
    client, _user = _client(role, world, f"{role.value}-page")
    assert client.get(reverse("compliance")).status_code == 403


def test_the_export_page_gives_the_files_and_lists_refusals(world: Scenario) -> None:
    client, staff = _client(Role.STAFF, world, "staff-export")
    services.plots_check(
        actor=staff, scope=Scope(role=Role.STAFF), plot_ids=[p.pk for p in world.plots]
    )
    page = client.post(reverse("compliance-export"), {"region": REGION})
    assert page.status_code == 200
    result = page.context["result"]
    assert result.plots == [world.clean.code]
    assert sorted(r.plot for r in result.refused) == sorted(
        [world.cleared.code, world.in_park.code]
    )
    body = page.content.decode()
    assert "Parque Nacional Prueba" in body  # the refusal says why
    (file,) = result.files
    url = reverse("compliance-export-file", args=[page.context["export_id"], file.path.name])
    download = client.get(url)
    assert download.status_code == 200
    geojson = json.loads(b"".join(download.streaming_content))
    assert [f["properties"]["ProducerCountry"] for f in geojson["features"]] == ["PE"]
    # Another user cannot fetch it, even knowing the address.
    other, _user = _client(Role.STAFF, world, "staff-other")
    assert other.get(url).status_code == 404


def test_the_plot_page_shows_its_current_check_and_when_it_is_outdated(world: Scenario) -> None:
    client, staff = _client(Role.STAFF, world, "staff-plot")
    url = reverse("plot-detail", args=[world.in_park.pk])
    assert "no-check" in client.get(url).content.decode()
    services.plots_check(actor=staff, scope=Scope(role=Role.STAFF), plot_ids=[world.in_park.pk])
    page = client.get(url)
    assert page.context["check"].status == "non_compliant"
    assert page.context["check_stale"] is False
    assert "Parque Nacional Prueba" in page.content.decode()
