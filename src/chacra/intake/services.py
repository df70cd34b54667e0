"""``import_file``: read, validate, preview or write a file of producers and plots, atomically.

- Nothing is written when any row has an error, unless the caller asks for the valid rows only.
- The same file twice changes nothing (its SHA-256 is remembered); rows already in the registry
  are matched (DNI, codes, form submission ids) and only real changes are written.
- A dry run does the whole import inside a transaction and rolls it back: the preview is exact.
- Every write goes through the registry's services, so it is permission-checked and audited.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from chacra.accounts.scope import scope_for
from chacra.errors import AccessDenied
from chacra.intake.apply import RowApplier
from chacra.intake.archive import archive_store
from chacra.intake.bulk import BulkCreator
from chacra.intake.known import new_and_known
from chacra.intake.models import ImportJob, ImportStatus
from chacra.intake.readers import reader_for
from chacra.intake.readers.base import IntakeError, file_sha256
from chacra.intake.rows import RowError, SourceRef
from chacra.intake.triggers import page_cache
from chacra.intake.validate import CleanRow, RowValidator
from chacra.registry.models import Producer
from chacra.registry.quality import plot_flags_refresh
from chacra.registry.selectors import producer_list

Progress = Callable[[int, int], None]
MAX_STORED_ERRORS = 5000
IMPORT_CACHE_KIB = 256 * 1024  # SQLite: what a 30,000-plot import writes, held until its commit


@dataclass
class ImportReport:
    file_name: str
    format: str
    status: str
    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    job_id: int | None = None
    duplicate_of: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.status == ImportStatus.IMPORTED

    @property
    def writes(self) -> bool:
        """Whether its valid rows write anything (see :func:`counts_write`)."""
        return counts_write(self.counts)


def counts_write(counts: Mapping[str, int]) -> bool:
    """Whether an import's counts (created, updated ...) add up to a write; a file whose every
    row was refused, or left unchanged, writes nothing even with only its valid rows."""
    return any(n for k, n in counts.items() if not k.endswith(("_unchanged", "_refused")))


def producer_values(producer: Producer) -> dict[str, Any]:
    """A registered producer as intake values, to complete rows that only carry plots."""
    values = {
        "producer_code": producer.code, "surnames": producer.surnames,
        "given_names": producer.given_names, "sex": producer.sex,
        "ubigeo": producer.comunidad.distrito.ubigeo, "comunidad": producer.comunidad.name,
    }  # fmt: skip
    if producer.dni:
        values["dni"] = producer.dni
    return values


def _progress_save(job_id: int, done: int, total: int) -> None:
    """Progress goes to the cache, not the database: the import's own transaction would hide it
    from the page that polls. Embedded mode has one process (local memory cache); deployments
    with several workers configure a shared cache (Redis)."""
    cache.set(progress_key(job_id), (done, total, time.time()), timeout=24 * 3600)


def progress_key(job_id: int) -> str:
    return f"chacra:intake:progress:{job_id}"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows processed, rows in the file) of a running or finished import.

    A running import whose process stopped (a restart, a kill) wrote nothing (its transaction
    died with it) but would stay "running" for ever: with no progress for
    ``CHACRA_IMPORT_STALE_SECONDS`` it is marked failed, saying so, and its page stops polling.
    """
    if job.status != ImportStatus.RUNNING:
        return job.rows_done, job.rows_total
    done, total, at = cache.get(progress_key(job.pk), (0, job.rows_total, None))
    last = at if at is not None else job.started_at.timestamp()
    if time.time() - last > settings.CHACRA_IMPORT_STALE_SECONDS:
        _job_interrupted(job, last)
    return int(done), int(total)


def _job_interrupted(job: ImportJob, last: float) -> None:
    since = timezone.localtime(dt.datetime.fromtimestamp(last, tz=dt.UTC))
    message = (
        f"interrupted: no progress since {since:%Y-%m-%d %H:%M} (the process running the "
        "import stopped); nothing of this file was written; import it again"
    )
    error = error_record(RowError(SourceRef(job.file_name), "file", "", message))
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(), errors=[error]
    )
    job.refresh_from_db()


def error_record(e: RowError) -> dict[str, Any]:
    """A RowError as stored on its ImportJob (JSON)."""
    return {
        "where": str(e.ref), "file": e.ref.file, "sheet": e.ref.sheet, "row": e.ref.row,
        "feature": e.ref.feature, "field": e.field, "value": str(e.value), "message": e.message,
    }  # fmt: skip


def error_from_record(r: dict[str, Any]) -> RowError:
    ref = SourceRef(file=r.get("file") or r["where"], row=r.get("row"), feature=r.get("feature"),
                    sheet=r.get("sheet"))  # fmt: skip
    return RowError(ref, r["field"], r["value"], r["message"])


class _Rollback(Exception):
    """Raised inside the transaction of a dry run or a rejected file, so nothing stays written."""


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector walks every live object at each full collection; an import of
    30,000 rows keeps a few million alive (rows, records, shapes) and made it walk them again
    and again: a quarter of a large import's time. An import makes no cycles worth collecting
    meanwhile; reference counting still frees what it drops."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_without_cycle_collection()
def import_file(
    *,
    actor: Any,
    path: Path,
    format: str | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    progress: Progress | None = None,
    display_name: str | None = None,
    job: ImportJob | None = None,
    for_producer: Producer | None = None,
) -> ImportReport:
    """Import one file; see the module docstring for the rules.

    ``job``: an ImportJob made beforehand (the web page polls it for progress); else one is made.
    ``for_producer``: the file holds one producer's plots (a GPX walk, a KML drawn for her): her
    record fills in what the file does not say.
    """
    name = display_name or path.name
    if actor is not None and not scope_for(actor).sees_personal_data:
        raise AccessDenied("your role cannot import producer records")
    if (
        for_producer is not None
        and actor is not None
        and not producer_list(scope=scope_for(actor)).filter(pk=for_producer.pk).exists()
    ):
        raise AccessDenied("--producer: no such producer among those you may see")
    reader = reader_for(path, format)
    if getattr(reader, "needs_producer", False) and for_producer is None:
        raise IntakeError(
            f"{name}: a {reader.name.upper()} file says where plots are, not whose; import it for "
            "one producer: --producer CODE on the command line, or the producer code on the "
            "upload page"
        )
    sha = file_sha256(path)
    # The same file, imported whole for the same producer, changes nothing. A file imported with
    # only its valid rows is read again: after a fix elsewhere, its other rows may pass now.
    done = ImportJob.objects.filter(
        sha256=sha,
        status=ImportStatus.IMPORTED,
        valid_only=False,
        for_producer=for_producer.code if for_producer is not None else "",
    ).first()
    if done is not None:
        note = f"imported already (import {done.pk}, {done.started_at:%Y-%m-%d}); nothing changed"
        if job is not None:  # a page is polling this job: finish it
            job.sha256, job.size, job.format = sha, path.stat().st_size, reader.name
            job.status, job.finished_at = ImportStatus.UNCHANGED, timezone.now()
            job.counts = {"imported_before_as": done.pk}
            job.save()
        return ImportReport(
            file_name=name,
            format=reader.name,
            status=ImportStatus.UNCHANGED,
            duplicate_of=done.pk,
            job_id=job.pk if job is not None else None,
            notes=[note],
        )
    read = reader.read(path)
    if for_producer is not None:
        known = producer_values(for_producer)
        for row in read.rows:
            row.values.update({k: v for k, v in known.items() if k not in row.values})
    report = ImportReport(file_name=name, format=reader.name, status="", rows=len(read.rows))
    report.errors.extend(read.errors)
    for row in read.rows:
        report.notes.extend(f"{row.ref}: {note}" for note in row.notes)
    validator = RowValidator()
    cleaned: list[CleanRow] = []
    for row in read.rows:
        clean, errors = validator.clean(row)
        report.errors.extend(errors)
        if clean is not None:
            cleaned.append(clean)
    job = job or ImportJob(file_name=name, actor=actor if getattr(actor, "pk", None) else None)
    job.sha256, job.size, job.format = sha, path.stat().st_size, reader.name
    job.status, job.dry_run, job.valid_only = ImportStatus.RUNNING, dry_run, valid_only
    job.for_producer = for_producer.code if for_producer is not None else ""
    job.rows_total = len(read.rows)
    job.save()
    report.job_id = job.pk
    write = False
    try:
        with page_cache(IMPORT_CACHE_KIB), transaction.atomic():
            applier = RowApplier(actor=actor, job=job)
            bulk = BulkCreator(applier)
            new, others = new_and_known(cleaned)
            bulk.create(new, report.errors)
            created = set(applier.touched_plots)
            applier.touched_plots.clear()  # from here: plots the rows below write or move
            # rows refused by validation are done too: the bar counts every row of the file
            total = len(read.rows)
            processed = total - len(cleaned) + len(new)
            if progress is not None:
                progress(processed, total)
            _progress_save(job.pk, processed, total)
            for i, clean in enumerate(others, start=processed + 1):
                applier.apply(clean, report.errors)
                if i % 50 == 0 or i == total:
                    if progress is not None:
                        progress(i, total)
                    _progress_save(job.pk, i, total)
            plot_flags_refresh(
                plot_ids=created | applier.touched_plots,
                written=bulk.written.without(applier.touched_plots),
            )
            report.counts = applier.counts
            write = not report.errors or valid_only  # errors found while applying count too
            if dry_run or not write:
                raise _Rollback
    except _Rollback:
        pass
    if dry_run:
        report.status = ImportStatus.PREVIEWED
    elif write:
        report.status = ImportStatus.IMPORTED
        job.archived_as = archive_store(path, sha)
    else:
        report.status = ImportStatus.REJECTED
    job.status = report.status
    job.finished_at = timezone.now()
    job.rows_done = len(read.rows)
    job.counts = dict(report.counts)
    job.errors = [error_record(e) for e in report.errors[:MAX_STORED_ERRORS]]
    job.save()
    return report
