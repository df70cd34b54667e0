"""The export of everything held about one producer, as a download from the producer card."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from chacra.accounts.scope import scope_for
from chacra.privacy.services import producer_export
from chacra.registry.models import Producer
from chacra.web.errors import chacra_errors


@login_required
@chacra_errors
def producer_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    if not scope_for(request.user).is_programme_wide:
        raise PermissionDenied
    code = get_object_or_404(Producer.objects.only("code"), pk=pk).code
    data = producer_export(actor=request.user, code=code)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-personal-data.json"'
    return response
