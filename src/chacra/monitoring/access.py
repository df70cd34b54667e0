"""Who may record what in monitoring (the services check again on every write), and refusals
turned into 403 pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied

# The programme's books: definitions, targets, rates, partners and unit values.
PROGRAMME_KINDS = frozenset({"indicator", "target", "rate", "partner", "unit-value"})
# What a regional office also records, in its own region.
REGIONAL_KINDS = frozenset({"value", "contribution", "loan", "loan-status"})


def may_record(scope: Scope, kind: str) -> bool:
    """Whether ``scope`` may open the record page of ``kind`` (the service checks the region).

    >>> may_record(Scope(role=Role.REGIONAL, region_id=1), "loan")
    True
    >>> may_record(Scope(role=Role.REGIONAL, region_id=1), "rate")
    False
    """
    if scope.is_programme_wide:
        return kind in PROGRAMME_KINDS | REGIONAL_KINDS
    return scope.role == Role.REGIONAL and kind in REGIONAL_KINDS


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def denied_as_403(view: View) -> View:
    """A service's AccessDenied becomes Django's PermissionDenied: a 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc

    return cast(View, wrapped)
