"""Ley 29733 duties: the access log, the export of everything held, anonymisation on request."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from chacra.accounts.models import AuditAction, AuditEntry, Role
from chacra.accounts.scope import Scope
from chacra.accounts.services import bulk_entries_about
from chacra.errors import AccessDenied, InvalidInput
from chacra.intake.models import Submission
from chacra.intake.services import import_file
from chacra.privacy.models import AccessKind, PersonalDataAccess
from chacra.privacy.services import producer_anonymise, producer_export
from chacra.registry.models import Plot, PlotGeometryVersion, Producer
from chacra.registry.selectors import programme_figures
from chacra.registry.services import producer_update


@pytest.fixture
def producer(demo_db: Any) -> Producer:
    found = (
        Producer.objects.filter(
            agents__username="agent-sm-01", plots__boundary__isnull=False, visits__isnull=False
        )
        .exclude(dni=None)
        .first()
    )
    assert found is not None
    return found


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


# --- the access log ---------------------------------------------------------------------------


def test_reading_a_card_a_plot_page_and_api_records_is_logged(
    login: Any, producer: Producer
) -> None:
    client = login("agent-sm-01")
    plot = producer.plots.first()
    assert client.get(reverse("producer-detail", args=[producer.pk])).status_code == 200
    assert client.get(reverse("plot-detail", args=[plot.pk])).status_code == 200
    assert client.get(reverse("api:producer-detail", args=[producer.pk])).status_code == 200
    assert client.get(reverse("api:plot-detail", args=[plot.pk])).status_code == 200
    logged = PersonalDataAccess.objects.filter(producer=producer, actor__username="agent-sm-01")
    assert sorted(logged.values_list("kind", flat=True)) == sorted(
        [AccessKind.CARD, AccessKind.PLOT, AccessKind.API, AccessKind.API]
    )
    assert set(logged.exclude(detail="").values_list("detail", flat=True)) == {plot.code}


def test_a_refused_reading_is_not_logged_as_access(login: Any, producer: Producer) -> None:
    login("investor").get(reverse("producer-detail", args=[producer.pk]))
    assert not PersonalDataAccess.objects.filter(producer=producer).exists()


def test_administrators_read_the_access_log_in_the_admin(login: Any, producer: Producer) -> None:
    login("staff").get(reverse("producer-detail", args=[producer.pk]))
    page = login("admin").get(reverse("admin:privacy_personaldataaccess_changelist"))
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    agent_page = login("agent-sm-01").get(reverse("admin:privacy_personaldataaccess_changelist"))
    assert agent_page.status_code == 403


# --- export of everything held ----------------------------------------------------------------


def test_the_export_holds_the_producer_her_plots_with_history_and_what_points_at_them(
    producer: Producer,
) -> None:
    producer_update(actor=_user("staff"), producer=producer, phone="987654321")
    data = producer_export(actor=_user("staff"), code=producer.code)
    json.dumps(data)  # every value is JSON already
    assert data["producer"]["dni"] == producer.dni
    assert data["producer"]["surnames"] == producer.surnames
    assert {p["plot"]["code"] for p in data["plots"]} == set(
        producer.plots.values_list("code", flat=True)
    )
    mapped = next(p for p in data["plots"] if p["plot"]["boundary"] is not None)
    assert mapped["plot"]["boundary"]["type"] == "MultiPolygon"
    assert mapped["related"]["registry.PlotGeometryVersion"]
    assert len(data["related"]["registry.ExtensionVisit"]) == producer.visits.count()
    assert any(
        e["model"] == "registry.Producer" and e["changes"].get("phone") for e in data["audit"]
    )
    disclosure = AuditEntry.objects.get(action=AuditAction.DISCLOSE, object_id=str(producer.pk))
    assert disclosure.actor.username == "staff"
    assert PersonalDataAccess.objects.filter(producer=producer, kind=AccessKind.EXPORT).exists()


@pytest.mark.parametrize("role", ["regional-sm", "agent-sm-01", "investor"])
def test_only_programme_staff_export(role: str, producer: Producer) -> None:
    with pytest.raises(AccessDenied):
        producer_export(actor=_user(role), code=producer.code)


def test_the_export_command_writes_the_file(producer: Producer, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    call_command("privacy", "export", producer.code, "--as", "admin", "--out", str(out))
    assert json.loads(out.read_text())["producer"]["code"] == producer.code


def test_the_card_offers_the_export_to_programme_staff_only(login: Any, producer: Producer) -> None:
    url = reverse("producer-detail", args=[producer.pk])
    assert 'id="export-personal-data"' in login("staff").get(url).content.decode()
    assert 'id="export-personal-data"' not in login("agent-sm-01").get(url).content.decode()
    download = login("staff").get(reverse("privacy-producer-export", args=[producer.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content)["producer"]["dni"] == producer.dni


# --- anonymisation ----------------------------------------------------------------------------


def test_anonymisation_keeps_every_programme_figure(producer: Producer) -> None:
    everyone = Scope(role=Role.ADMIN)
    before = programme_figures(scope=everyone)
    producer_anonymise(actor=_user("admin"), code=producer.code, reason="written request")
    assert programme_figures(scope=everyone) == before


def test_anonymisation_removes_the_identity_everywhere(producer: Producer) -> None:
    dni, surnames, age = producer.dni, producer.surnames, producer.age_on(producer.registered_on)
    plot = producer.plots.filter(boundary__isnull=False).first()
    PlotGeometryVersion.objects.filter(plot=plot).update(original=plot.boundary)
    producer_anonymise(actor=_user("staff"), code=producer.code, reason="written request")
    producer.refresh_from_db()
    assert (producer.dni, producer.phone, producer.birth_date) == (None, "", None)
    assert surnames not in str(producer)
    assert producer.age_at_registration == max(12, age // 10 * 10)
    assert not PlotGeometryVersion.objects.filter(plot=plot, original__isnull=False).exists()
    assert Plot.objects.get(pk=plot.pk).boundary is not None  # due-diligence evidence stays
    log = json.dumps(list(AuditEntry.objects.values("summary", "changes")), ensure_ascii=False)
    assert dni not in log
    assert surnames not in log
    entry = AuditEntry.objects.get(action=AuditAction.ANONYMISE)
    assert entry.changes["reason"] == "written request"


def test_the_bulk_entry_that_created_her_is_exported_and_kept_whole_on_anonymisation(
    producer: Producer,
) -> None:
    made = AuditEntry.objects.get(pk__in=bulk_entries_about("registry.Producer", [producer.pk]))
    assert made.action == AuditAction.BULK_CREATE
    assert made.changes["count"] > 1  # the demo's entry: it speaks of others too
    data = producer_export(actor=_user("staff"), code=producer.code)
    assert made.pk in {e["id"] for e in data["audit"]}
    producer_anonymise(actor=_user("staff"), code=producer.code, reason="written request")
    after = AuditEntry.objects.get(pk=made.pk)
    assert (after.summary, after.changes) == (made.summary, made.changes)  # others' record too
    assert "redacted" not in json.dumps(after.changes)


def test_form_submissions_are_exported_and_emptied_on_anonymisation(demo_db: Any) -> None:
    sample = Path(__file__).parents[1] / "intake" / "samples" / "kobo" / "chacra_registro.xlsx"
    report = import_file(actor=_user("agent-sm-01"), path=sample)
    assert report.status == "imported", report.errors
    rosa = Producer.objects.get(dni="00871234")  # her submission was edited: two versions
    data = producer_export(actor=_user("staff"), code=rosa.code)
    submitted = data["related"]["intake.Submission"]
    assert [s["version"] for s in submitted] == [1, 2]
    assert submitted[1]["payload"]["values"]["dni"] == "00871234"
    assert "María Elena" in json.dumps(submitted, ensure_ascii=False)
    producer_anonymise(actor=_user("staff"), code=rosa.code, reason="written request")
    payloads = list(Submission.objects.filter(producer=rosa).values("payload"))
    kept = json.dumps(payloads, ensure_ascii=False)
    assert "00871234" not in kept
    assert "María Elena" not in kept
    assert Submission.objects.filter(producer=rosa).count() == 2  # ids stay for later edits
    entry = AuditEntry.objects.get(action=AuditAction.ANONYMISE, object_id=str(rosa.pk))
    assert entry.changes["submissions_redacted"] == 2
    assert [j["import"] for j in entry.changes["archived_imports"]] == [report.job_id]


def test_the_anonymise_command_names_the_archived_files_that_still_hold_her(
    demo_db: Any,
) -> None:
    sample = Path(__file__).parents[1] / "intake" / "samples" / "odk" / "chacra_registro.zip"
    report = import_file(actor=_user("agent-sm-01"), path=sample)
    assert report.status == "imported", report.errors
    rosa = Producer.objects.get(dni="04512345")
    out = io.StringIO()
    call_command(
        "privacy", "anonymise", rosa.code, "--as", "staff", "--reason", "written request",
        stdout=out,
    )  # fmt: skip
    assert f"still named in the archived file of import {report.job_id}" in out.getvalue()
    assert "chacra_registro.zip" in out.getvalue()


def test_anonymisation_needs_a_reason(producer: Producer) -> None:
    with pytest.raises(InvalidInput, match="reason"):
        producer_anonymise(actor=_user("admin"), code=producer.code, reason="  ")
    with pytest.raises(CommandError, match="reason"):
        call_command("privacy", "anonymise", producer.code, "--as", "admin")
    producer.refresh_from_db()
    assert producer.dni is not None


def test_only_programme_staff_anonymise(producer: Producer) -> None:
    with pytest.raises(AccessDenied):
        producer_anonymise(actor=_user("regional-sm"), code=producer.code, reason="asked")
