"""Check runs over real plots and real (small, synthetic) reference layers: statuses, history,
staleness, idempotent chunks, access and the command."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import user_set_role
from chacra.compliance import jobs, services
from chacra.compliance.models import CheckRun, CheckStatus, PlotCheck, RunStatus
from chacra.errors import AccessDenied
from chacra.layers.services import raster_register
from chacra.registry.services import plot_remap
from tests.compliance.scenario import REGION, Scenario, scenario_build
from tests.factories import UserFactory, plot_polygon

STAFF = Scope(role=Role.STAFF)


@pytest.fixture
def world(db: None, tmp_path: Path) -> Scenario:
    return scenario_build(tmp_path)


@pytest.fixture
def staff(db: None) -> Any:
    user = UserFactory(username="staff-checks")
    user_set_role(actor=None, user=user, role=Role.STAFF)
    return user


def _current(plot: Any) -> PlotCheck:
    return PlotCheck.objects.get(plot=plot, is_current=True)


def _ids(world: Scenario) -> list[int]:
    return [p.pk for p in world.plots]


def test_each_plot_gets_its_status_with_reasons(world: Scenario, staff: Any) -> None:
    counts = services.plots_check(actor=staff, scope=STAFF, plot_ids=_ids(world))
    assert counts == {"non_compliant": 2, "compliant": 1}
    cleared, clean, in_park = (_current(p) for p in world.plots)
    assert cleared.status == CheckStatus.NON_COMPLIANT
    assert clean.status == CheckStatus.COMPLIANT
    assert in_park.status == CheckStatus.NON_COMPLIANT
    assert cleared.reasons
    assert all(r["message"] for r in cleared.reasons)
    # Every check cites the layers it read, by name and version.
    cited = {(layer["kind"], layer["version"]) for layer in clean.layers}
    assert {("loss_year", "v1.12"), ("forest_2020", "v2")} <= cited
    assert "Parque Nacional Prueba" in str(in_park.reasons) + str(in_park.figures)


def test_a_new_check_keeps_the_old_one_as_history(world: Scenario, staff: Any) -> None:
    services.plots_check(actor=staff, scope=STAFF, plot_ids=_ids(world))
    first = _current(world.clean)
    # Move the clean plot onto the cleared land: it is re-checked and now fails.
    west, south, east, north = world.cleared.boundary.extent
    plot_remap(
        actor=staff, plot=world.clean, method="drawn",
        boundary=plot_polygon((west + east) / 2 - 0.0004, (south + north) / 2, 0.5, 9),
    )  # fmt: skip
    assert services.stale_plot_ids(_ids(world)) == [world.clean.pk]
    services.plots_check(actor=staff, scope=STAFF, plot_ids=[world.clean.pk])
    second = _current(world.clean)
    assert second.pk != first.pk
    assert second.status == CheckStatus.NON_COMPLIANT
    assert second.geometry_version_id != first.geometry_version_id
    first.refresh_from_db()
    assert not first.is_current
    assert PlotCheck.objects.filter(plot=world.clean).count() == 2


def test_a_new_layer_version_makes_every_check_stale(world: Scenario, staff: Any) -> None:
    services.plots_check(actor=staff, scope=STAFF, plot_ids=_ids(world))
    assert services.stale_plot_ids(_ids(world)) == []
    raster_register(
        actor=None, kind="loss_year", path=world.loss_raster(2023, "lossyear-2.tif"),
        name="Hansen GFC", version="v1.13",
    )  # fmt: skip
    assert sorted(services.stale_plot_ids(_ids(world))) == sorted(_ids(world))


def test_a_run_checks_what_is_stale_and_chunks_can_be_repeated(world: Scenario, staff: Any) -> None:
    run = services.check_run_create(actor=staff, scope=STAFF, region=REGION)
    assert run.total == 3
    assert sorted(run.plot_ids) == sorted(_ids(world))
    run = jobs.run_inline(run)
    assert (run.status, run.done, run.counts) == (
        RunStatus.DONE, 3, {"non_compliant": 2, "compliant": 1},
    )  # fmt: skip
    # A worker that dies after writing has its task run again: nothing is recorded twice.
    assert services.check_chunk(run.pk, 0, 3) == 0
    assert PlotCheck.objects.filter(run=run).count() == 3
    # Nothing is stale now, so a second run has nothing to do; --all checks everything again.
    assert services.check_run_create(actor=staff, scope=STAFF, region=REGION).total == 0
    again = services.check_run_create(actor=staff, scope=STAFF, region=REGION, everything=True)
    assert again.total == 3


def test_small_chunks_add_up(world: Scenario, staff: Any) -> None:
    run = services.check_run_create(actor=staff, scope=STAFF, region=REGION)
    chunks = services.run_chunks(run, size=2)
    assert chunks == [(0, 2), (2, 3)]
    for start, end in reversed(chunks):
        services.check_chunk(run.pk, start, end)
    run.refresh_from_db()
    assert (run.status, run.done) == (RunStatus.DONE, 3)


@pytest.mark.parametrize("role", [Role.AGENT, Role.INVESTOR, Role.BUYER])
def test_only_staff_and_regional_offices_run_checks(world: Scenario, role: Role) -> None:
    with pytest.raises(AccessDenied):
        services.check_run_create(actor=None, scope=Scope(role=role, user_id=1))
    assert not CheckRun.objects.exists()


def test_the_command_runs_the_checks_and_says_what_it_found(world: Scenario, staff: Any) -> None:
    out = io.StringIO()
    call_command("check", "--as", staff.username, "--region", REGION, "--no-progress", stdout=out)
    assert "3 plots checked: 1 compliant, 2 non_compliant" in out.getvalue()
    again = io.StringIO()
    call_command("check", "--as", staff.username, "--region", REGION, stdout=again)
    assert "Nothing to check" in again.getvalue()
    with pytest.raises(CommandError, match="no user named"):
        call_command("check", "--as", "nobody")


def test_without_as_it_is_still_djangos_system_check(db: None) -> None:
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "System check identified no issues" in out.getvalue()


def test_an_agent_cannot_run_the_command(world: Scenario) -> None:
    agent = UserFactory(username="agent-checks")
    region = world.cleared.comunidad.distrito.provincia.departamento
    user_set_role(actor=None, user=agent, role=Role.AGENT, region=region)
    assert scope_for(agent).role == Role.AGENT
    with pytest.raises(CommandError, match="only programme staff"):
        call_command("check", "--as", agent.username)
    assert get_user_model().objects.filter(username="agent-checks").exists()


def test_the_periodic_task_queues_exactly_the_stale_plots(world: Scenario, staff: Any) -> None:
    from chacra.compliance.tasks import check_stale_task

    services.plots_check(actor=staff, scope=STAFF, plot_ids=[world.cleared.pk])
    queued = check_stale_task.run()
    run = CheckRun.objects.get()
    # Every stale plot in the database (the session's demo too, when it is there), not the fresh.
    assert queued == run.total == len(run.plot_ids)
    assert set(run.plot_ids) & set(_ids(world)) == {world.clean.pk, world.in_park.pk}


def test_a_run_whose_process_stopped_is_marked_interrupted(world: Scenario, staff: Any) -> None:
    run = services.check_run_create(actor=staff, scope=STAFF, region=REGION)
    services.check_chunk(run.pk, 0, 1)  # then the process running it was killed
    assert services.run_progress(run.pk).status == RunStatus.RUNNING
    long_ago = timezone.now() - timedelta(hours=1)
    CheckRun.objects.filter(pk=run.pk).update(progressed_at=long_ago)
    run = services.run_progress(run.pk)
    assert run.status == RunStatus.FAILED
    assert "interrupted: no progress since" in run.error
    assert "1 of 3 plots were checked and kept" in run.error
    # The plot it checked stays checked; a new run takes only the other two.
    assert services.check_run_create(actor=staff, scope=STAFF, region=REGION).total == 2


def test_a_celery_run_waiting_in_the_queue_is_not_marked_interrupted(
    world: Scenario, staff: Any
) -> None:
    run = services.check_run_create(actor=staff, scope=STAFF, region=REGION)
    long_ago = timezone.now() - timedelta(hours=1)
    CheckRun.objects.filter(pk=run.pk).update(backend="celery", progressed_at=long_ago)
    assert services.run_progress(run.pk).status == RunStatus.QUEUED
