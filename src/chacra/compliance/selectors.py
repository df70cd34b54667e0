"""Scoped reads of compliance results: what a role may see of the plots' checks."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from chacra.accounts.scope import Scope
from chacra.compliance.models import CheckRun, PlotCheck
from chacra.registry import selectors


def current_checks(
    *, scope: Scope, status: str | None = None, region: str | None = None
) -> QuerySet[PlotCheck]:
    """The current check of each plot the viewer may see (personal data: plots tie to names)."""
    plots = selectors.plot_list(scope=scope, filters=selectors.PlotFilters(region=region))
    qs = PlotCheck.objects.filter(is_current=True, plot__in=plots.order_by().values("pk"))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("plot__producer", "plot__comunidad__distrito").order_by(
        "status", "plot__code"
    )


def status_counts(*, scope: Scope, region: str | None = None) -> dict[str, Any]:
    """How many of the viewer's plots are in each status, and how many were never checked."""
    plots = selectors.plot_list(scope=scope, filters=selectors.PlotFilters(region=region))
    total = plots.order_by().values("pk").distinct().count()
    counts = dict(
        current_checks(scope=scope, region=region)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {"total": total, "unchecked": total - sum(counts.values()), **counts}


def runs_visible(*, scope: Scope, user: Any) -> QuerySet[CheckRun]:
    """Runs a viewer may follow: all for the programme, their own for everyone else."""
    qs = CheckRun.objects.select_related("started_by")
    return qs if scope.is_programme_wide else qs.filter(started_by=user)
