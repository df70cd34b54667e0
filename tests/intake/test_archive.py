"""Archived import files are removed after the retention period, audited, by administrators."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from chacra.accounts.models import AuditEntry
from chacra.errors import AccessDenied, InvalidInput
from chacra.intake.archive import archive_purge
from chacra.intake.models import ImportJob, ImportStatus
from chacra.intake.services import import_file
from tests.intake.test_import import ROWS, _csv


def _imported(tmp_path: Path, rows: list[str], name: str, days_ago: int) -> ImportJob:
    report = import_file(actor=None, path=_csv(tmp_path, rows, name), valid_only=True)
    assert report.status == ImportStatus.IMPORTED, report.errors
    job = ImportJob.objects.get(pk=report.job_id)
    job.finished_at = timezone.now() - dt.timedelta(days=days_ago)
    job.save(update_fields=["finished_at"])
    assert Path(job.archived_as).exists()
    return job


def test_files_past_the_period_go_and_their_imports_say_so(demo_db: Any, tmp_path: Path) -> None:
    old = _imported(tmp_path, ROWS[:1], "old.csv", days_ago=400)
    new = _imported(tmp_path, ROWS[1:2], "new.csv", days_ago=10)
    old_file = old.archived_as
    report = archive_purge(actor=None, older_than_days=365)
    assert report.jobs == [old.pk]
    assert report.files == [old_file]
    assert not Path(old_file).exists()
    assert Path(new.archived_as).exists()
    old.refresh_from_db()
    assert old.archived_as == ""
    assert old.sha256  # kept: the same file imported again still changes nothing
    entry = AuditEntry.objects.get(model="intake.ImportJob", object_id=str(old.pk))
    assert entry.changes == {"archived_as": [old_file, ""]}
    assert entry.source == "retention"
    again = import_file(actor=None, path=tmp_path / "old.csv", valid_only=True)
    assert again.status == ImportStatus.IMPORTED  # valid-only files are read again...
    assert again.counts.get("producers_created", 0) == 0  # ...and change nothing


def test_a_file_a_recent_import_also_used_stays(demo_db: Any, tmp_path: Path) -> None:
    first = _imported(tmp_path, ROWS[:1], "same.csv", days_ago=400)
    second = _imported(tmp_path, ROWS[:1], "same.csv", days_ago=5)
    assert first.archived_as == second.archived_as  # one file by its SHA-256
    report = archive_purge(actor=None, older_than_days=365)
    assert report.files == []
    assert report.kept == [first.archived_as]
    assert Path(first.archived_as).exists()


def test_a_dry_run_removes_nothing(demo_db: Any, tmp_path: Path) -> None:
    old = _imported(tmp_path, ROWS[:1], "old.csv", days_ago=400)
    report = archive_purge(actor=None, older_than_days=30, dry_run=True)
    assert report.jobs == [old.pk]
    assert Path(old.archived_as).exists()
    old.refresh_from_db()
    assert old.archived_as


@pytest.mark.parametrize("username", ["staff", "regional-sm", "agent-sm-01", "investor"])
def test_only_administrators_purge(demo_db: Any, username: str) -> None:
    with pytest.raises(AccessDenied, match="only administrators"):
        archive_purge(actor=get_user_model().objects.get(username=username), older_than_days=30)


def test_a_period_under_a_day_is_refused(demo_db: Any) -> None:
    with pytest.raises(InvalidInput, match="older-than: 0 days; expected 1 or more"):
        archive_purge(actor=None, older_than_days=0)


def test_the_command_follows_the_setting(demo_db: Any, tmp_path: Path, settings: Any) -> None:
    old = _imported(tmp_path, ROWS[:1], "old.csv", days_ago=100)
    out = io.StringIO()
    settings.CHACRA_IMPORT_ARCHIVE_DAYS = 0
    call_command("imports", "purge", stdout=out)
    assert "kept for ever; nothing removed" in out.getvalue()
    assert Path(old.archived_as).exists()
    settings.CHACRA_IMPORT_ARCHIVE_DAYS = 90
    call_command("imports", "purge", "--as", "admin", stdout=out)
    assert "removed 1 archived file(s) of 1 import(s)" in out.getvalue()
    assert not Path(old.archived_as).exists()
