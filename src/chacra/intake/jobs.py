"""Imports started from the web page run in a background thread; the page polls their progress.

Embedded mode runs them in-process. At scale the same function is a Celery task (issue: trust).
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.text import get_valid_filename

from chacra.errors import ChacraError
from chacra.intake.models import ImportJob, ImportStatus
from chacra.intake.rows import RowError, SourceRef
from chacra.intake.services import error_record, import_file
from chacra.registry.models import Producer

logger = logging.getLogger(__name__)


def upload_store(upload: UploadedFile) -> Path:
    folder = Path(settings.DATA_DIR) / "intake" / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / get_valid_filename(upload.name or "upload")
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def _run(job_id: int, actor: Any, path: Path, dry_run: bool, valid_only: bool) -> None:
    job = ImportJob.objects.get(pk=job_id)
    try:
        producer = (
            Producer.objects.filter(code=job.for_producer).first() if job.for_producer else None
        )
        import_file(
            actor=actor, path=path, dry_run=dry_run, valid_only=valid_only, job=job,
            display_name=job.file_name, for_producer=producer,
        )  # fmt: skip
    except Exception as exc:  # any failure must end the job, or its page polls forever
        if isinstance(exc, ChacraError):
            message, field = exc.message, exc.field or "file"
        else:
            logger.exception("import %s failed", job_id)
            message, field = f"unexpected error: {exc!r}", "file"
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            errors=[error_record(RowError(SourceRef(job.file_name), field, "", message))],
        )
    finally:
        connection.close()


def job_start(
    *,
    actor: Any,
    path: Path,
    display_name: str,
    dry_run: bool,
    valid_only: bool = False,
    for_producer: str = "",
) -> ImportJob:
    job = ImportJob.objects.create(
        file_name=display_name, upload=str(path), sha256="", size=path.stat().st_size,
        for_producer=for_producer,
        format="", status=ImportStatus.RUNNING, dry_run=dry_run, valid_only=valid_only,
        actor=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    thread = threading.Thread(
        target=_run, args=(job.pk, actor, path, dry_run, valid_only), daemon=True,
        name=f"chacra-import-{job.pk}",
    )  # fmt: skip
    thread.start()
    return job
