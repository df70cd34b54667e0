"""Where a check run's chunks run: in a thread of this process (embedded mode) or as Celery tasks
that any number of workers share (``CHACRA_CELERY_BROKER_URL`` set, e.g. Redis on PostGIS
deployments). Either way the work is ``services.check_chunk``, which is safe to repeat.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

from chacra.compliance import services
from chacra.compliance.models import CheckRun

logger = logging.getLogger(__name__)


def uses_celery() -> bool:
    return settings.CHACRA_TASKS == "celery"


def run_inline(run: CheckRun, progress: Callable[[int, int], None] | None = None) -> CheckRun:
    """Run every chunk here and now, reporting progress after each."""
    try:
        for start, end in services.run_chunks(run):
            services.check_chunk(run.pk, start, end)
            if progress is not None:
                progress(min(end, run.total), run.total)
    except Exception as exc:  # the run must end, or its page polls forever
        logger.exception("check run %s failed", run.pk)
        services.run_fail(run.pk, f"unexpected error: {exc!r}")
        raise
    return services.run_progress(run.pk)


def _thread(run_id: int) -> None:
    try:
        run_inline(CheckRun.objects.get(pk=run_id))
    except Exception:  # noqa: S110 - already recorded on the run by run_inline
        pass
    finally:
        connection.close()


def run_start(run: CheckRun) -> None:
    """Start a run in the background, once the transaction that made it commits."""
    if not run.total:
        return
    if uses_celery():
        from chacra.compliance.tasks import check_chunk_task

        CheckRun.objects.filter(pk=run.pk).update(backend="celery")
        chunks = services.run_chunks(run)
        transaction.on_commit(
            lambda: [check_chunk_task.delay(run.pk, start, end) for start, end in chunks]
        )
        return
    thread = threading.Thread(
        target=_thread, args=(run.pk,), daemon=True, name=f"chacra-check-{run.pk}"
    )
    transaction.on_commit(thread.start)
