"""Reading what callers hand the supply services: weights, amounts, choices and dates.

Each refusal names the field and the value, and says what is accepted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from chacra.errors import InvalidInput
from chacra.supply import rules


def kg_value(value: Any, field: str, what: str = "") -> Decimal:
    """A weight in kg: a positive number with at most two decimals, as Decimal."""
    label = f"{what}: " if what else ""
    try:
        kg = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            f"{field}: {label}{value!r} is not a weight; accepted: kg such as 125.5", field=field
        ) from None
    if not kg.is_finite() or kg <= 0:
        raise InvalidInput(
            f"{field}: {label}{value} kg is not accepted; accepted: more than 0 kg", field=field
        )
    if kg != kg.quantize(rules.KG_STEP):
        raise InvalidInput(
            f"{field}: {label}{value} kg has more than two decimals; accepted: e.g. 125.25",
            field=field,
        )
    return kg.quantize(rules.KG_STEP)


def money_value(value: Any, field: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field}: {value!r} is not an amount in soles", field=field) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(f"{field}: {value} is not accepted; accepted: 0 or more", field=field)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def choice(value: str, allowed: Sequence[str], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(
            f"{field}: {value!r} is not accepted; use one of {', '.join(allowed)}", field=field
        )
    return value


def not_future(day: dt.date, field: str = "date") -> None:
    if day > timezone.localdate():
        raise InvalidInput(
            f"{field}: {day} is in the future; accepted: today or earlier", field=field
        )


def public_id() -> str:
    return secrets.token_urlsafe(12)
