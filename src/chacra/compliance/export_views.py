"""The EUDR export page: choose plots, get the GeoJSON file(s) the EU system accepts, see refusals.

Files are written under ``DATA_DIR/exports/<user id>/<export id>/`` and served only to the user
who made them: they name producers (personal data under Ley 29733).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chacra.accounts.scope import scope_for
from chacra.compliance.eudr_export import eudr_export
from chacra.errors import AccessDenied, InvalidInput
from chacra.registry.models import Departamento

FILE_NAME = "eudr.geojson"


def export_folder(user_id: int | None, export_id: str) -> Path:
    """Where one export's files are kept: served to the user who made them only."""
    return Path(settings.DATA_DIR) / "exports" / str(user_id) / export_id


@login_required
def export_page(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).sees_personal_data:
        raise PermissionDenied
    context: dict[str, object] = {"regions": Departamento.objects.all()}
    if request.method == "POST":
        export_id = uuid.uuid4().hex
        folder = export_folder(request.user.pk, export_id)
        folder.mkdir(parents=True, exist_ok=True)
        producers = [
            code.strip() for code in request.POST.get("producers", "").split(",") if code.strip()
        ]
        try:
            result = eudr_export(
                actor=request.user,
                out=folder / FILE_NAME,
                producers=producers,
                region=request.POST.get("region") or None,
                include_review=request.POST.get("include_review") == "1",
                source="web",
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except InvalidInput as exc:
            context["error"] = exc.message
        else:
            context |= {"result": result, "export_id": export_id}
    return render(request, "compliance/export.html", context)


@login_required
def export_download(request: HttpRequest, export_id: str, name: str) -> FileResponse:
    folder = export_folder(request.user.pk, export_id)
    path = folder / name
    if not (len(export_id) == 32 and name.endswith(".geojson") and "/" not in name):
        raise Http404
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type="application/geo+json"
    )
