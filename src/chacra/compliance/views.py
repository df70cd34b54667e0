"""Compliance pages: the plots' risk status with reasons, starting a check run and following it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chacra.accounts.scope import Scope, scope_for
from chacra.compliance import jobs, selectors, services
from chacra.compliance.models import CheckRun, CheckStatus, RunStatus
from chacra.errors import AccessDenied
from chacra.registry.models import Departamento

PAGE_SIZE = 50


def _personal_scope(request: HttpRequest) -> Scope:
    scope = scope_for(request.user)
    if not scope.sees_personal_data:
        raise PermissionDenied
    return scope


@login_required
def compliance_home(request: HttpRequest) -> HttpResponse:
    scope = _personal_scope(request)
    status = request.GET.get("status") or None
    if status and status not in CheckStatus.values:
        status = None
    region = request.GET.get("region") or None
    checks = selectors.current_checks(scope=scope, status=status, region=region)
    if status is None:
        checks = checks.exclude(status=CheckStatus.COMPLIANT)
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/home.html",
        {
            "counts": selectors.status_counts(scope=scope, region=region),
            "page": page,
            "status": status,
            "region": region or "",
            "statuses": CheckStatus.choices,
            "regions": Departamento.objects.all(),
            "runs": selectors.runs_visible(scope=scope, user=request.user)[:5],
            "may_run": scope.role in services.RUN_ROLES,
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    try:
        run = services.check_run_create(
            actor=request.user,
            scope=scope,
            region=request.POST.get("region") or None,
            everything=request.POST.get("all") == "1",
        )
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    jobs.run_start(run)
    return redirect("compliance-run", pk=run.pk)


def _run_for(request: HttpRequest, pk: int) -> CheckRun:
    scope = _personal_scope(request)
    return get_object_or_404(selectors.runs_visible(scope=scope, user=request.user), pk=pk)


@login_required
def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    running = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    labels = dict(CheckStatus.choices)
    counts = [(labels.get(code, code), n) for code, n in sorted(run.counts.items())]
    return render(
        request, "compliance/run.html", {"run": run, "running": running, "counts": counts}
    )


@login_required
def run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    run = services.run_progress(_run_for(request, pk).pk)
    running = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return JsonResponse(
        {
            "status": "running" if running else run.status,
            "done": run.done,
            "total": run.total,
            "counts": run.counts,
        }
    )
