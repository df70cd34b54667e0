"""The archive of imported files: each file as imported, by its SHA-256, and its removal after
a retention period.

An archived file is the evidence of what an import wrote (its audit entries name it), and it
holds the personal data of every producer in it (Ley 29733): kept as long as the programme
needs it, ``CHACRA_IMPORT_ARCHIVE_DAYS`` (0: for ever), then removed by
``chacra imports purge`` (daily from cron or a systemd timer). The import's record stays, with
its SHA-256, so the same file imported again still changes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chacra.accounts.models import Role
from chacra.accounts.scope import scope_for
from chacra.accounts.services import instance_save
from chacra.errors import AccessDenied, InvalidInput
from chacra.intake.models import ImportJob


def archive_folder() -> Path:
    return Path(settings.DATA_DIR) / "intake" / "archive"


def archive_store(path: Path, sha: str) -> str:
    """Keep a copy of an imported file, named by its SHA-256 (once, however often imported)."""
    folder = archive_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}{''.join(path.suffixes[-2:]).lower()}"
    if not target.exists():
        shutil.copyfile(path, target)
    return str(target)


@dataclass
class PurgeReport:
    cutoff: dt.datetime
    jobs: list[int] = field(default_factory=list)  # imports whose archived file is gone
    files: list[str] = field(default_factory=list)  # the files removed
    kept: list[str] = field(default_factory=list)  # files an import inside the period still uses


def archive_purge(
    *, actor: Any, older_than_days: int, dry_run: bool = False, now: dt.datetime | None = None
) -> PurgeReport:
    """Remove the archived files of imports finished more than ``older_than_days`` ago; each
    import's record loses its ``archived_as`` (audited). A file that an import inside the period
    also used stays. Administrators only (``actor`` None: the system, e.g. cron)."""
    if actor is not None and scope_for(actor).role != Role.ADMIN:
        raise AccessDenied("only administrators may remove archived imports")
    if older_than_days < 1:
        raise InvalidInput(
            f"older-than: {older_than_days} days; expected 1 or more", field="older_than"
        )
    cutoff = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    report = PurgeReport(cutoff=cutoff)
    archived = ImportJob.objects.exclude(archived_as="")
    recent = set(
        archived.exclude(finished_at__lt=cutoff).values_list("archived_as", flat=True)
    )  # unfinished imports count as recent
    old = list(archived.filter(finished_at__lt=cutoff).order_by("pk"))
    with transaction.atomic():
        for job in old:
            if job.archived_as in recent:
                if job.archived_as not in report.kept:
                    report.kept.append(job.archived_as)
                continue
            report.jobs.append(job.pk)
            if job.archived_as not in report.files:
                report.files.append(job.archived_as)
            if not dry_run:
                job.archived_as = ""
                instance_save(actor=actor, instance=job, source="retention")
    if not dry_run:  # files go once their records say so; a file already gone is fine
        for name in report.files:
            Path(name).unlink(missing_ok=True)
    return report
