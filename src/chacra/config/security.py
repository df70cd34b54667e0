"""Security headers that Django 5.2 does not set itself: a Content-Security-Policy.

Scripts come only from chacra's own static files (no inline script runs; the JSON that pages
hand to their scripts travels in ``<script type="application/json">`` blocks, which are data).
Style *attributes* stay allowed: map legends and diagrams set colours and sizes on elements;
``<style>`` elements and foreign style sheets do not. MapLibre starts its workers from blob URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(basemap_url: str = "") -> str:
    """The policy for chacra's pages; a configured basemap's server may serve tiles and images."""
    parts = urlsplit(basemap_url) if basemap_url else None
    tiles = f" {parts.scheme}://{parts.netloc}" if parts and parts.netloc else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "style-src-attr": "'unsafe-inline'",
        "img-src": f"'self' data: blob:{tiles}",
        "connect-src": f"'self'{tiles}",
        "worker-src": "'self' blob:",
        "child-src": "'self' blob:",
        "font-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


class ContentSecurityPolicyMiddleware:
    """Add ``settings.CHACRA_CSP`` to every response that does not set a policy of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CHACRA_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CHACRA_CSP
        return response
