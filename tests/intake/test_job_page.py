"""The job page and the command say what importing would do; nothing to confirm, and no
--valid-only offered, when no row would be written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from chacra.intake.models import ImportJob
from chacra.intake.readers.base import IntakeError
from chacra.intake.services import import_file
from tests.intake.test_import import ROWS, _csv


def _preview(tmp_path: Path, rows: list[str]) -> ImportJob:
    path = _csv(tmp_path, rows)
    staff = get_user_model().objects.get(username="staff")
    report = import_file(actor=staff, path=path, dry_run=True)
    job = ImportJob.objects.get(pk=report.job_id)
    job.upload = str(path)  # as the upload page keeps the file for the confirmation
    job.save(update_fields=["upload"])
    return job


def test_a_preview_whose_every_row_is_refused_offers_no_import(
    login: Any, tmp_path: Path, english: None
) -> None:
    job = _preview(tmp_path, [row.replace("7123456", "1") for row in ROWS])  # DNIs refused
    page = login("staff").get(reverse("intake-job", args=[job.pk])).content.decode()
    assert 'id="nothing-valid"' in page
    assert 'id="confirm"' not in page
    assert "comunidades created" not in page  # no line of zeros: nothing would be written
    assert "Nothing to write." in page


def test_a_preview_with_some_valid_rows_offers_them(
    login: Any, tmp_path: Path, english: None
) -> None:
    job = _preview(tmp_path, [ROWS[0], ROWS[1].replace("71234568", "123")])
    page = login("staff").get(reverse("intake-job", args=[job.pk])).content.decode()
    assert 'id="nothing-valid"' not in page
    assert 'name="valid_only"' in page


def test_the_command_says_when_no_row_is_valid_and_lists_no_zeros(
    demo_db: Any, tmp_path: Path
) -> None:
    path = _csv(tmp_path, [row.replace("7123456", "1") for row in ROWS])
    out = io.StringIO()
    with pytest.raises(CommandError, match="No row is valid: fix them and import the file again"):
        call_command("import", str(path), "--no-progress", stdout=out)
    assert "would be created: 0" not in out.getvalue()
    assert out.getvalue().count("error: ") == 3


def test_the_command_offers_the_valid_rows_when_there_are_some(
    demo_db: Any, tmp_path: Path
) -> None:
    path = _csv(tmp_path, [ROWS[0], ROWS[1].replace("71234568", "123")])
    out = io.StringIO()
    with pytest.raises(CommandError, match="run with --valid-only to import the valid rows"):
        call_command("import", str(path), "--no-progress", stdout=out)
    assert "producers would be created: 1" in out.getvalue()


def test_a_gps_file_without_a_producer_is_refused_before_reading(demo_db: Any) -> None:
    walk = Path(__file__).parent / "samples" / "gis" / "walk.gpx"
    before = ImportJob.objects.count()
    with pytest.raises(IntakeError, match=r"walk\.gpx: a GPX file says where plots are, not whose"):
        import_file(actor=None, path=walk)
    assert ImportJob.objects.count() == before  # nothing written, not even a job


def test_the_upload_page_asks_for_the_producer_of_a_gps_file(login: Any, english: None) -> None:
    walk = Path(__file__).parent / "samples" / "gis" / "walk.gpx"
    before = ImportJob.objects.count()
    with walk.open("rb") as f:
        response = login("staff").post(reverse("intake"), {"file": f, "producer": ""})
    assert response.status_code == 200  # the form again, not a job
    assert "not whose: give the producer code" in response.content.decode()
    assert ImportJob.objects.count() == before
