"""Celery tasks: one chunk of a check run per task, acknowledged only once it is done.

``acks_late`` with ``reject_on_worker_lost`` puts a task back on the queue when its worker dies
mid-chunk; the chunk is idempotent (``services.check_chunk``), so the retry finishes the job
without recording anything twice.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError

from chacra.compliance import services
from chacra.config.celery import app


@app.task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def check_chunk_task(self: Any, run_id: int, start: int, end: int) -> int:
    try:
        return services.check_chunk(run_id, start, end)
    except OperationalError:
        raise  # retried by Celery
    except Exception as exc:
        services.run_fail(run_id, f"chunk {start}-{end}: {exc!r}")
        raise


@app.task(acks_late=True)
def check_stale_task() -> int:
    """Re-check every plot whose geometry or reference layers changed since its last check.

    Celery beat runs it periodically (``CELERY_BEAT_SCHEDULE``); it queues one run like
    ``chacra check`` does and returns how many plots it queued.
    """
    from chacra.accounts.models import Role
    from chacra.accounts.scope import Scope
    from chacra.compliance import jobs

    run = services.check_run_create(actor=None, scope=Scope(role=Role.STAFF))
    jobs.run_start(run)
    return run.total
