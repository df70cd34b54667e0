"""``/health/``: is the database reachable and fully migrated? For load balancers and monitors.

Open to anyone, so it says nothing but yes or no for each check: no counts, no names, no paths.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": False, "migrations": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = True
        executor = MigrationExecutor(connection)
        checks["migrations"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        pass
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503
    )
