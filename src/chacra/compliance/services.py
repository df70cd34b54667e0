"""Checking plots: which to check, running the engine over them in chunks, recording the results.

A run is a list of plot ids cut into chunks. A chunk can run in a thread (embedded mode) or as a
Celery task on any worker; running a chunk twice (a worker died after writing, the task was
retried) records nothing twice, because plots already checked by the run are skipped and a run's
progress is counted from its results, never incremented.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.accounts.services import bulk_audit
from chacra.compliance.engine import PlotInput, PlotResult, check_plots, reference_layers
from chacra.compliance.models import CheckRun, CheckStatus, PlotCheck, RunStatus
from chacra.errors import AccessDenied
from chacra.registry import selectors
from chacra.registry.models import Plot, PlotFlag, PlotGeometryVersion

RUN_ROLES = (Role.ADMIN, Role.STAFF, Role.REGIONAL)


def require_check_rights(scope: Scope) -> None:
    if scope.role not in RUN_ROLES:
        raise AccessDenied("only programme staff and regional offices run compliance checks")


def plots_to_check(*, scope: Scope, region: str | None = None) -> QuerySet[Plot]:
    """The plots a role may check, in a region if given."""
    require_check_rights(scope)
    return selectors.plot_list(scope=scope, filters=selectors.PlotFilters(region=region))


def _latest_versions(plot_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        PlotGeometryVersion.objects.filter(plot_id__in=plot_ids)
        .values("plot_id")
        .annotate(latest=Max("id"))
    )
    return {r["plot_id"]: r["latest"] for r in rows}


def _layers_signature(layers: Sequence[dict[str, str]]) -> list[tuple[str, ...]]:
    return sorted(tuple(str(layer.get(k, "")) for k in ("kind", "name", "version", "sha256"))
                  for layer in layers)  # fmt: skip


def stale_plot_ids(plot_ids: Sequence[int]) -> list[int]:
    """Plots with no current check, or whose geometry or reference layers changed since.

    A new version of any layer a check reads (a new file, another sha256) makes every check
    that cited the old one stale.
    """
    layers_now = _layers_signature(reference_layers().citations)
    versions = _latest_versions(plot_ids)
    current = {
        c.plot_id: c
        for c in PlotCheck.objects.filter(plot_id__in=plot_ids, is_current=True).only(
            "plot_id", "geometry_version_id", "layers"
        )
    }
    stale = []
    for plot_id in plot_ids:
        check = current.get(plot_id)
        if (
            check is None
            or check.geometry_version_id != versions.get(plot_id)
            or _layers_signature(check.layers) != layers_now
        ):
            stale.append(plot_id)
    return stale


def plot_inputs(plot_ids: Sequence[int]) -> list[PlotInput]:
    """What the engine needs of each plot, read in one query (and one for the flags)."""
    flags: dict[int, set[str]] = {}
    for plot_id, code in PlotFlag.objects.filter(plot_id__in=plot_ids).values_list(
        "plot_id", "code"
    ):
        flags.setdefault(plot_id, set()).add(code)
    rows = (
        Plot.objects.filter(pk__in=plot_ids)
        .order_by("pk")
        .values_list("pk", AsWKB("boundary"), AsWKB("location"), "declared_area_ha", "area_ha")
    )
    return [
        PlotInput(
            id=pk,
            boundary=shapely.from_wkb(bytes(boundary)) if boundary is not None else None,
            point=shapely.from_wkb(bytes(location)) if location is not None else None,
            declared_ha=float(declared) if declared is not None else None,
            area_ha=area,
            flags=frozenset(flags.get(pk, ())),
        )
        for pk, boundary, location, declared, area in rows
    ]


@transaction.atomic
def checks_record(
    *, actor: Any, run: CheckRun | None, results: Sequence[PlotResult], source: str = "code"
) -> Counter[str]:
    """Make each result its plot's current check; earlier checks stay as history."""
    ids = [r.plot_id for r in results]
    versions = _latest_versions(ids)
    PlotCheck.objects.filter(plot_id__in=ids, is_current=True).update(is_current=False)
    made = PlotCheck.objects.bulk_create(
        [
            PlotCheck(
                plot_id=r.plot_id,
                run=run,
                geometry_version_id=versions.get(r.plot_id),
                status=r.status,
                reasons=[
                    {"code": x.code, "message": x.message, "figures": x.figures} for x in r.reasons
                ],
                figures=r.figures,
                layers=list(r.layers),
                is_current=True,
            )
            for r in results
        ]
    )
    if made:
        bulk_audit(actor=actor, model=PlotCheck, objects=made, source=source)
    return Counter(r.status for r in results)


def plots_check(*, actor: Any, scope: Scope, plot_ids: Sequence[int]) -> Counter[str]:
    """Check some plots now, in this process (small numbers: a plot page, a test)."""
    require_check_rights(scope)
    allowed = set(plots_to_check(scope=scope).filter(pk__in=plot_ids).values_list("pk", flat=True))
    results = check_plots(plot_inputs(sorted(allowed)), reference_layers())
    return checks_record(actor=actor, run=None, results=results)


def check_run_create(
    *, actor: Any, scope: Scope, region: str | None = None, everything: bool = False
) -> CheckRun:
    """A run over the plots to check: all of them, or those never checked or gone stale."""
    plots = plots_to_check(scope=scope, region=region)
    ids = list(plots.order_by("pk").values_list("pk", flat=True).distinct())
    if not everything:
        ids = stale_plot_ids(ids)
    return CheckRun.objects.create(
        started_by=actor if getattr(actor, "pk", None) else None,
        region=region or "",
        plot_ids=ids,
        total=len(ids),
        status=RunStatus.QUEUED if ids else RunStatus.DONE,
        finished_at=None if ids else timezone.now(),
    )


def run_chunks(run: CheckRun, size: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each chunk of a run's plot list; ``CHACRA_CHECK_CHUNK`` plots each."""
    size = size or settings.CHACRA_CHECK_CHUNK
    return [(start, min(start + size, run.total)) for start in range(0, run.total, size)]


def check_chunk(run_id: int, start: int, end: int) -> int:
    """Check plots ``start:end`` of a run; safe to repeat. Returns how many it checked."""
    run = CheckRun.objects.get(pk=run_id)
    CheckRun.objects.filter(pk=run_id).update(progressed_at=timezone.now())
    if run.status == RunStatus.QUEUED:
        CheckRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING)
    wanted = run.plot_ids[start:end]
    done = set(
        PlotCheck.objects.filter(run=run, plot_id__in=wanted).values_list("plot_id", flat=True)
    )
    todo = [i for i in wanted if i not in done]
    # Plots deleted since the run was made are simply not there any more.
    results = check_plots(plot_inputs(todo), reference_layers()) if todo else []
    checks_record(actor=run.started_by, run=run, results=results, source="check")
    CheckRun.objects.filter(pk=run_id).update(progressed_at=timezone.now())
    run_progress(run_id)
    return len(results)


def run_progress(run_id: int) -> CheckRun:
    """Count a run's results and close it when every plot that still exists was checked."""
    run = CheckRun.objects.get(pk=run_id)
    checked = PlotCheck.objects.filter(run=run)
    counts = dict(Counter(checked.values_list("status", flat=True)))
    done = sum(counts.values())
    remaining = Plot.objects.filter(pk__in=run.plot_ids).exclude(checks__run=run).exists()
    fields: dict[str, Any] = {"done": done, "counts": counts}
    if not remaining and run.status != RunStatus.FAILED:
        fields |= {"status": RunStatus.DONE, "finished_at": run.finished_at or timezone.now()}
    elif _interrupted(run):
        since = timezone.localtime(run.progressed_at or run.created_at)
        fields |= {
            "status": RunStatus.FAILED,
            "finished_at": timezone.now(),
            "error": f"interrupted: no progress since {since:%Y-%m-%d %H:%M} (the process "
            f"running it stopped); {done} of {run.total} plots were checked and kept; start "
            "a new check to check the rest",
        }
    CheckRun.objects.filter(pk=run_id).update(**fields)
    run.refresh_from_db()
    return run


def _interrupted(run: CheckRun) -> bool:
    """A run in a thread of a process that stopped (a restart, a kill) never ends by itself.
    Celery runs are not judged so: a dead worker's chunks go back to the queue (acks late)."""
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING) or run.backend != "thread":
        return False
    last = run.progressed_at or run.created_at
    return timezone.now() - last > timedelta(seconds=settings.CHACRA_CHECK_STALE_SECONDS)


def run_fail(run_id: int, message: str) -> None:
    CheckRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=message[:2000], finished_at=timezone.now()
    )


def current_status(plot_ids: Sequence[int]) -> dict[int, str]:
    """Each plot's current compliance status (plots never checked are absent)."""
    return dict(
        PlotCheck.objects.filter(plot_id__in=plot_ids, is_current=True).values_list(
            "plot_id", "status"
        )
    )


STATUSES = tuple(CheckStatus.values)
