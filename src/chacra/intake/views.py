"""The intake pages: upload, preview with per-row errors and progress, confirm, download errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from chacra.accounts.scope import scope_for
from chacra.intake.export import errors_xlsx, template_xlsx
from chacra.intake.headings import HEADINGS
from chacra.intake.jobs import job_start, upload_store
from chacra.intake.models import ImportJob, ImportStatus
from chacra.intake.readers import READERS
from chacra.intake.services import counts_write, error_from_record, job_progress
from chacra.registry.selectors import producer_list

SHOWN_ERRORS = 200
COUNT_LABELS = {
    "producers_created": _("producers created"),
    "producers_updated": _("producers updated"),
    "producers_unchanged": _("producers unchanged"),
    "plots_created": _("plots created"),
    "plots_updated": _("plots updated"),
    "plots_unchanged": _("plots unchanged"),
    "plantings_created": _("plantings created"),
    "plantings_updated": _("plantings updated"),
    "plantings_unchanged": _("plantings unchanged"),
    "grafts_created": _("graftings created"),
    "grafts_updated": _("graftings updated"),
    "grafts_unchanged": _("graftings unchanged"),
    "visits_created": _("extension visits created"),
    "visits_unchanged": _("extension visits unchanged"),
    "comunidades_created": _("comunidades created"),
    "memberships_created": _("memberships created"),
    "memberships_unchanged": _("memberships unchanged"),
    "organisations_created": _("organisations created"),
    "submissions_recorded": _("form submissions recorded"),
    "submission_edits": _("form submissions edited"),
    "submissions_unchanged": _("form submissions unchanged"),
    "rows_refused": _("rows refused"),
    "imported_before_as": _("imported before as import no."),
}


def _error_shown(e: dict[str, Any]) -> dict[str, Any]:
    """Where an error is, in the page's language, and its field by the record's heading."""
    where = [e.get("file") or e["where"]]
    if e.get("sheet"):
        where.append(_("sheet %(name)s") % {"name": e["sheet"]})
    if e.get("row"):
        where.append(_("row %(n)s") % {"n": e["row"]})
    if e.get("feature"):
        where.append(_("feature %(n)s") % {"n": e["feature"]})
    heading = HEADINGS.get(e["field"], (e["field"],))[0]
    return {**e, "where_shown": ", ".join(str(w) for w in where), "field_shown": heading}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    producer = forms.CharField(
        label=_("Producer code (for a GPS walk or a file with one producer's plots)"),
        required=False,
        max_length=20,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.CHACRA_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file has %(size)s MB; files up to %(limit)s MB are accepted.")
                % {"size": upload.size >> 20, "limit": limit}
            )
        return upload


def _require_importer(request: HttpRequest) -> None:
    if not scope_for(request.user).sees_personal_data:
        raise PermissionDenied


def _jobs_for(request: HttpRequest) -> QuerySet[ImportJob]:
    """Programme-wide roles see every import; everyone else the imports they started."""
    jobs = ImportJob.objects.select_related("actor")
    if not scope_for(request.user).is_programme_wide:
        jobs = jobs.filter(actor_id=request.user.pk)
    return jobs


@login_required
def intake_home(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        code = form.cleaned_data["producer"].strip()
        visible = producer_list(scope=scope_for(request.user))
        if code and not visible.filter(code=code).exists():
            form.add_error("producer", _("No producer with this code among those you may see."))
        elif not code and upload.name.lower().endswith(".gpx"):
            form.add_error(
                "producer", _("A GPX file says where plots are, not whose: give the producer code.")
            )
        else:
            path = upload_store(upload)
            job = job_start(
                actor=request.user, path=path, display_name=upload.name, dry_run=True,
                for_producer=code,
            )  # fmt: skip
            return redirect("intake-job", pk=job.pk)
    return render(
        request,
        "intake/home.html",
        {"form": form, "jobs": _jobs_for(request)[:30], "readers": READERS},
    )


@login_required
def intake_job(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    job = get_object_or_404(_jobs_for(request), pk=pk)
    done, total = job_progress(job)
    return render(
        request,
        "intake/job.html",
        {
            "job": job,
            "done": done,
            "total": total,
            "errors": [_error_shown(e) for e in job.errors[:SHOWN_ERRORS]],
            "more_errors": max(0, len(job.errors) - SHOWN_ERRORS),
            "counts": [(COUNT_LABELS.get(k, k), n) for k, n in sorted(job.counts.items()) if n],
            # what importing only the valid rows would write: nothing, when every row is refused
            "writes": counts_write(job.counts),
            "can_import": job.dry_run
            and job.status == ImportStatus.PREVIEWED
            and job.upload
            and not ImportJob.objects.filter(
                sha256=job.sha256, status=ImportStatus.IMPORTED
            ).exists(),
        },
    )


@login_required
def intake_job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _require_importer(request)
    job = get_object_or_404(_jobs_for(request), pk=pk)
    done, total = job_progress(job)
    return JsonResponse({"status": job.status, "done": done, "total": total})


@login_required
@require_POST
def intake_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    preview = get_object_or_404(_jobs_for(request), pk=pk, dry_run=True)
    path = Path(preview.upload)
    if not path.is_file():
        raise PermissionDenied("the uploaded file is no longer there; upload it again")
    job = job_start(
        actor=request.user, path=path, display_name=preview.file_name, dry_run=False,
        valid_only=request.POST.get("valid_only") == "1", for_producer=preview.for_producer,
    )  # fmt: skip
    return redirect("intake-job", pk=job.pk)


@login_required
def intake_job_errors(request: HttpRequest, pk: int) -> FileResponse:
    _require_importer(request)
    job = get_object_or_404(_jobs_for(request), pk=pk)
    errors = [error_from_record(e) for e in job.errors]
    out = io.BytesIO()
    errors_xlsx(errors, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"errores-{job.pk}.xlsx")


@login_required
def intake_template(request: HttpRequest) -> FileResponse:
    _require_importer(request)
    out = io.BytesIO()
    template_xlsx(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename="plantilla-chacra.xlsx")
