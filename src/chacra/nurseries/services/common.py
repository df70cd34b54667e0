"""What every nursery write shares: who may write where, and the checks of counts, choices,
dates, clones and codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.errors import AccessDenied, Conflict, InvalidInput
from chacra.registry.models import Clone, Distrito
from chacra.registry.services import next_codes


def scope_of(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def region_of(distrito: Distrito) -> int:
    return distrito.provincia.departamento_id


def require_programme(actor: Any, what: str) -> None:
    if not scope_of(actor).is_programme_wide:
        raise AccessDenied(f"only programme staff define {what}")


def require_region_write(actor: Any, region_id: int, what: str) -> None:
    """Programme-wide roles anywhere; regional offices and agents in their own region."""
    scope = scope_of(actor)
    if scope.is_programme_wide:
        return
    if scope.role in (Role.REGIONAL, Role.AGENT):
        if scope.region_id == region_id:
            return
        raise AccessDenied(f"{what} is outside your region")
    raise AccessDenied("your role cannot record nurseries, batches or distributions")


def count_value(value: Any, field: str, what: str = "") -> int:
    """A count of plants or sticks: a whole number above 0."""
    label = f"{what}: " if what else ""
    if isinstance(value, bool):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or number <= 0:
        raise InvalidInput(
            f"{field}: {label}{value!r} is not a count; accepted: a whole number above 0",
            field=field,
        )
    return int(number)


def one_of(value: str, choices: Sequence[str], field: str) -> str:
    if value not in choices:
        raise InvalidInput(
            f"{field}: {value!r} is not accepted; use one of {', '.join(choices)}", field=field
        )
    return value


def not_future(day: dt.date, field: str) -> dt.date:
    if day > timezone.localdate():
        raise InvalidInput(
            f"{field}: {day} is in the future; accepted: today or earlier", field=field
        )
    return day


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def clone_get(clone: Clone | str, field: str = "clone") -> Clone:
    if isinstance(clone, Clone):
        return clone
    found = Clone.objects.filter(code__iexact=str(clone).strip()).first()
    if found is None:
        known = ", ".join(Clone.objects.values_list("code", flat=True))
        raise InvalidInput(
            f"{field}: {clone!r} is not in the catalogue; known: {known}", field=field
        )
    return found


def new_code(prefix: str, model: Any, code: str | None) -> str:
    if code is None:
        return next_codes(prefix, model)[0]
    if model.objects.filter(code=code).exists():
        raise Conflict(f"code: {code} is already used by another {model._meta.verbose_name}")
    return code
