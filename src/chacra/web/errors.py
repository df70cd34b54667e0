"""chacra's refusals as the pages' HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from chacra.errors import AccessDenied, InvalidInput, NotFound

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def chacra_errors(view: View) -> View:
    """A service's refusal as a page: not allowed 403, not found 404, bad input 400 (with the
    service's message)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except InvalidInput as exc:
            return render(request, "web/error.html", {"message": exc.message}, status=400)

    return cast(View, wrapped)
