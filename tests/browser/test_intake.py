"""The intake pages in a real browser: upload, watched preview, confirm, errors, access.

The preview and the import run in a background thread of the live server; the job page polls its
progress and reloads itself when the thread has finished, so the tests wait for what the reloaded
page shows (the ``#counts`` table).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from chacra.accounts.models import Role
from chacra.intake.export import ERROR_COLUMNS
from chacra.intake.models import ImportJob, ImportStatus
from chacra.registry.models import Clone, CloneGroup, Producer
from tests.factories import DistritoFactory, ProducerFactory
from tests.intake.test_import import HEADER

pytestmark = pytest.mark.browser

ROWS = [
    "San Martín;Mariscal Cáceres;Juanjuí;Nuevo Edén;Vela Tapullima Rosa;71234567;F;44;"
    "0,5;1,20;03-2014;1,0;ICS-95;ene-2015;0,3;3,00;1,00;SI;-7.190;-76.740;1,20",
    "San Martín;Mariscal Cáceres;Juanjuí;Nuevo Edén;Ríos Pezo Juan;71234568;M;51;"
    "0,4;0,80;dic-2013;;;;0;2,00;0,80;NO;-7.195;-76.745;0,80",
    "San Martín;Mariscal Cáceres;Juanjuí;Bello Horizonte;Fasabi Salas Nelly;71234569;Femenino;38;"
    "0,6;2,10;2015-06;;;;0,5;5,00;0;no;-7.180;-76.735;2,10",
]
DNIS = {"71234567", "71234568", "71234569"}
BAD_DNI = "12AB"
# The job page polls every 0.7 s and reloads itself; give a slow machine room.
JOB_TIMEOUT_MS = 30_000


@pytest.fixture
def intake_setup(settings: Any, tmp_path: Path, transactional_db: None) -> Path:
    """Places the rows name, the clone they use, and uploads kept under ``tmp_path``.

    The live server runs in this process, so the ``settings`` fixture reaches its threads too.
    """
    settings.DATA_DIR = tmp_path / "data"
    DistritoFactory()  # San Martín > Mariscal Cáceres > Juanjuí (220601)
    # The migrated clone catalogue does not survive the flush of an earlier live-server test.
    Clone.objects.get_or_create(code="ICS-95", defaults={"group": CloneGroup.FINE_FLAVOUR})
    return tmp_path


def _csv(folder: Path, rows: list[str], name: str) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _job_id(page: Page) -> int:
    match = re.search(r"/intake/jobs/(\d+)/$", page.url)
    assert match, f"not on a job page: {page.url}"
    return int(match.group(1))


def _upload(page: Page, path: Path) -> int:
    """Upload a file from /intake/ and return the id of the preview job the page lands on."""
    page.goto("/intake/")
    form = page.locator("form.upload")
    form.locator("input[name=file]").set_input_files(str(path))
    button = form.locator("button[type=submit]")
    expect(button).to_have_text("Vista previa")
    with page.expect_navigation(url=re.compile(r"/intake/jobs/\d+/$")):
        button.click()
    return _job_id(page)


def _wait_finished(page: Page, rows: int) -> None:
    """Wait for the reloaded page of a finished job: full bar, counts table."""
    expect(page.locator("#counts")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    box = page.locator("#job")
    status = box.get_attribute("data-status")
    errors = page.locator("#errors")
    detail = errors.inner_text() if errors.count() else ""
    assert status in (ImportStatus.PREVIEWED, ImportStatus.IMPORTED), f"{status}: {detail}"
    bar = page.locator("#job-progress")
    expect(bar).to_have_attribute("max", str(rows))
    expect(bar).to_have_attribute("value", str(rows))
    expect(page.locator("#job-count")).to_have_text(f"{rows} / {rows}")


def _counts(page: Page) -> dict[str, int]:
    cells = page.locator("#counts tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))"
    )
    return {key: int(n) for key, n in cells}


def _confirm(page: Page, button_locator: str, text: str) -> int:
    button = page.locator(f"#confirm {button_locator}")
    expect(button).to_have_text(text)
    with page.expect_navigation(url=re.compile(r"/intake/jobs/\d+/$")):
        button.click()
    return _job_id(page)


def _watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_staff_previews_then_imports_a_csv(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    intake_setup: Path,
    screens_dir: Path,
) -> None:
    js_errors = _watch(page)
    csv = _csv(intake_setup, ROWS, "padron.csv")
    login(make_user("staff-intake", Role.STAFF), next="/intake/")
    assert page.url.endswith("/intake/")
    expect(page.locator("header.top nav a[href='/intake/']")).to_have_text("Importar")

    preview_id = _upload(page, csv)
    _wait_finished(page, rows=3)
    expect(page.locator("h1")).to_contain_text("padron.csv")
    expect(page.locator("#job-status")).to_have_text("Vista previa (sin guardar)")
    counts = _counts(page)
    assert counts["productores nuevos"] == 3, counts
    assert counts["parcelas nuevas"] == 3, counts
    assert counts["comunidades nuevas"] == 2, counts
    expect(page.locator("#errors")).to_have_count(0)
    expect(page.locator("#errors-download")).to_have_count(0)
    expect(page.locator("#confirm button[name=valid_only]")).to_have_count(0)
    page.screenshot(path=str(screens_dir / "intake_preview.png"), full_page=True)
    # a preview writes nothing
    assert not Producer.objects.filter(dni__in=DNIS).exists()

    import_id = _confirm(page, "button[type=submit]", "Importar")
    assert import_id != preview_id
    _wait_finished(page, rows=3)
    expect(page.locator("#job-status")).to_have_text("Importado")
    assert _counts(page)["productores nuevos"] == 3
    expect(page.locator("#confirm")).to_have_count(0)  # an import cannot be confirmed again
    page.screenshot(path=str(screens_dir / "intake_done.png"), full_page=True)

    # (the session's demo producers may still be in the database: look at this file's only)
    assert (
        set(Producer.objects.filter(dni__startswith="712345").values_list("dni", flat=True)) == DNIS
    )
    rosa = Producer.objects.get(dni="71234567")
    assert (rosa.surnames, rosa.given_names) == ("Vela Tapullima", "Rosa")
    assert rosa.comunidad.distrito.ubigeo == "220601"
    assert rosa.plots.get().grafts.get().clone.code == "ICS-95"
    jobs = {j.pk: j for j in ImportJob.objects.all()}
    assert jobs[preview_id].status == ImportStatus.PREVIEWED
    assert jobs[preview_id].dry_run
    assert jobs[import_id].status == ImportStatus.IMPORTED
    assert not jobs[import_id].dry_run

    page.goto("/intake/")
    rows = page.locator("#jobs tbody tr")
    expect(rows).to_have_count(2)
    # newest first
    expect(rows.nth(0).locator("td").first).to_have_text(str(import_id))
    expect(rows.nth(1).locator("td").first).to_have_text(str(preview_id))
    for row, status in ((rows.nth(0), "Importado"), (rows.nth(1), "Vista previa (sin guardar)")):
        expect(row).to_contain_text("padron.csv")
        expect(row).to_contain_text(status)
        expect(row).to_contain_text("staff-intake")
    expect(page.locator(f"#jobs a[href='/intake/jobs/{import_id}/']")).to_be_visible()
    expect(page.locator(f"#jobs a[href='/intake/jobs/{preview_id}/']")).to_be_visible()
    assert js_errors == []


def test_a_bad_row_is_shown_downloadable_and_skipped_on_request(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    intake_setup: Path,
    screens_dir: Path,
) -> None:
    js_errors = _watch(page)
    rows = [ROWS[0], ROWS[1].replace("71234568", BAD_DNI), ROWS[2]]
    csv = _csv(intake_setup, rows, "padron-errores.csv")
    login(make_user("staff-intake-errors", Role.STAFF), next="/intake/")

    preview_id = _upload(page, csv)
    _wait_finished(page, rows=3)
    expect(page.locator("#job-status")).to_have_text("Vista previa (sin guardar)")
    # the bad row is the file's third line (the header is line 1)
    error_rows = page.locator("#errors tbody tr")
    expect(error_rows).to_have_count(1)
    cells = error_rows.first.locator("td")
    expect(cells.nth(0)).to_have_text("padron-errores.csv, fila 3")
    expect(cells.nth(1)).to_have_text("N° DNI")  # the record's heading for the field
    expect(cells.nth(2)).to_have_text(BAD_DNI)
    expect(cells.nth(3)).to_contain_text("8 digits")
    assert _counts(page)["productores nuevos"] == 2
    # a file with errors is never imported as a whole: only the valid-rows button is offered
    expect(page.locator("#confirm button[type=submit]")).to_have_count(1)
    page.screenshot(path=str(screens_dir / "intake_errors.png"), full_page=True)
    assert not Producer.objects.filter(dni__startswith="712345").exists()

    link = page.locator("#errors-download")
    href = link.get_attribute("href")
    assert href == f"/intake/jobs/{preview_id}/errors.xlsx"
    response = page.request.get(href)
    assert response.status == 200
    assert "spreadsheetml" in response.headers["content-type"]
    assert re.search(r'filename="?errores-\d+\.xlsx', response.headers["content-disposition"])
    xlsx = intake_setup / "errores.xlsx"
    xlsx.write_bytes(response.body())
    table = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert list(table[0]) == ERROR_COLUMNS == [
        "file", "sheet", "row", "feature", "field", "value", "problem"
    ]  # fmt: skip
    assert len(table) == 2
    record = dict(zip(ERROR_COLUMNS, table[1], strict=True))
    assert record["file"] == "padron-errores.csv"
    assert record["row"] == 3
    assert record["field"] == "dni"
    assert record["value"] == BAD_DNI
    assert "8 digits" in record["problem"]

    import_id = _confirm(
        page, "button[name=valid_only][value='1']", "Importar solo las filas válidas"
    )
    _wait_finished(page, rows=3)
    expect(page.locator("#job-status")).to_have_text("Importado")
    assert _counts(page)["productores nuevos"] == 2
    expect(page.locator("#errors tbody tr")).to_have_count(1)  # still reported, not written
    job = ImportJob.objects.get(pk=import_id)
    assert (job.status, job.valid_only, job.dry_run) == (ImportStatus.IMPORTED, True, False)
    imported = Producer.objects.filter(dni__startswith="712345").values_list("dni", flat=True)
    assert set(imported) == {"71234567", "71234569"}
    assert js_errors == []


def test_investor_cannot_open_the_intake_pages(
    page: Page, login: Callable[..., None], make_user: Callable[..., Any]
) -> None:
    login(make_user("investor-intake", Role.INVESTOR))
    expect(page.locator("header.top nav")).to_be_visible()
    expect(page.locator("header.top nav a[href='/intake/']")).to_have_count(0)
    # has_text matches substrings, case-insensitively: neither "Importar" nor "Import"
    expect(page.locator("header.top nav a", has_text="Import")).to_have_count(0)
    expect(page.locator("header.top nav a")).not_to_have_count(0)  # the nav itself is there

    for path in (
        "/intake/",
        "/intake/template.xlsx",
        "/intake/jobs/1/",
        "/intake/jobs/1/progress/",
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 403, path
    # the upload itself is refused too (with a valid CSRF token, so the role is what refuses it)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    posted = page.request.post(
        "/intake/",
        headers={"X-CSRFToken": token},
        multipart={"file": {"name": "x.csv", "mimeType": "text/csv", "buffer": HEADER.encode()}},
    )
    assert posted.status == 403
    assert "CSRF" not in posted.text()
    assert not ImportJob.objects.exists()


def test_a_file_imported_before_finishes_its_preview(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    intake_setup: Path,
) -> None:
    csv = _csv(intake_setup, ROWS, "padron.csv")
    # the same bytes were imported before (as after "Importar", or by the command line)
    ImportJob.objects.create(
        file_name="padron.csv", sha256=hashlib.sha256(csv.read_bytes()).hexdigest(),
        size=csv.stat().st_size, format="spreadsheet", status=ImportStatus.IMPORTED,
    )  # fmt: skip
    login(make_user("staff-intake-again", Role.STAFF), next="/intake/")

    preview_id = _upload(page, csv)
    # three rows take well under a second; the page polls every 0.7 s
    expect(page.locator("#job")).not_to_have_attribute(
        "data-status", ImportStatus.RUNNING, timeout=8_000
    )
    job = ImportJob.objects.get(pk=preview_id)
    assert job.status == ImportStatus.UNCHANGED, job.errors
    expect(page.locator("#job-status")).to_contain_text("importado antes")
    expect(page.locator("#confirm")).to_have_count(0)  # nothing to import again


def test_a_gps_walk_uploads_for_a_producer(
    page: Page,
    login: Callable[..., None],
    make_user: Callable[..., Any],
    intake_setup: Path,
) -> None:
    staff = make_user("staff-intake-gpx", Role.STAFF)
    producer = ProducerFactory(comunidad__distrito=DistritoFactory())
    login(staff, next="/intake/")
    page.fill("input[name=producer]", producer.code)
    walk = Path(__file__).parent.parent / "intake/samples/gis/walk.gpx"
    page.set_input_files("input[name=file]", str(walk))
    page.click("form.upload button[type=submit]")
    _wait_finished(page, 3)
    assert _counts(page)["parcelas nuevas"] == 3
    _confirm(page, "button", "Importar")
    _wait_finished(page, 3)
    assert producer.plots.filter(name="Parcela 1", mapping_method="gps_walk").exists()
