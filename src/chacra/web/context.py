from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from chacra.accounts.scope import scope_for


def chacra_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "scope": scope_for(getattr(request, "user", None)),
        "basemap_url": settings.CHACRA_BASEMAP_URL,
    }
