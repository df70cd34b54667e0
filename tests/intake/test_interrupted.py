"""An import whose process stopped does not stay "running" for ever on its page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from chacra.intake.models import ImportJob, ImportStatus
from chacra.intake.services import _progress_save, job_progress, progress_key


def _running(started: dt.datetime) -> ImportJob:
    job = ImportJob.objects.create(
        file_name="padron.csv", sha256="0" * 64, size=10, format="csv",
        status=ImportStatus.RUNNING, rows_total=40,
    )  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(started_at=started)
    job.refresh_from_db()
    return job


def test_a_running_import_with_fresh_progress_stays_running(db: Any) -> None:
    job = _running(timezone.now() - dt.timedelta(hours=2))
    _progress_save(job.pk, 10, 40)
    assert job_progress(job) == (10, 40)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING


def test_an_import_with_no_progress_for_long_is_marked_interrupted(db: Any, settings: Any) -> None:
    settings.CHACRA_IMPORT_STALE_SECONDS = 60
    job = _running(timezone.now() - dt.timedelta(hours=2))
    cache.delete(progress_key(job.pk))  # the process that kept it (and its cache) is gone
    assert job_progress(job) == (0, 40)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.finished_at is not None
    (error,) = job.errors
    assert error["file"] == "padron.csv"
    assert error["message"].startswith("interrupted: no progress since")
    assert "nothing of this file was written" in error["message"]


def test_a_just_started_import_is_not_judged_before_its_first_progress(
    db: Any, settings: Any
) -> None:
    settings.CHACRA_IMPORT_STALE_SECONDS = 60
    job = _running(timezone.now())
    cache.delete(progress_key(job.pk))
    job_progress(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
