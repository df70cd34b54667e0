"""US dollars and soles at the exchange rate the programme recorded for the day."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from chacra.errors import InvalidInput
from chacra.monitoring.models import Currency, ExchangeRate

CENT = Decimal("0.01")


def rate_on(day: dt.date) -> Decimal:
    """Soles per US$ recorded for ``day``; refuses a day the programme has no rate for."""
    rate = ExchangeRate.objects.filter(date=day).values_list("pen_per_usd", flat=True).first()
    if rate is None:
        raise InvalidInput(
            f"date: no exchange rate recorded for {day.isoformat()}; record the day's soles per "
            "US$ (monitoring exchange rates) before entering an amount on that date",
            field="date",
        )
    return rate


def both_currencies(
    *, amount: Decimal, currency: str, day: dt.date
) -> tuple[Decimal, Decimal, Decimal]:
    """``(usd, pen, rate)`` for an amount entered in ``currency`` on ``day``.

    The amount as entered is kept exactly; the other currency is rounded to the cent.
    """
    if currency not in Currency.values:
        raise InvalidInput(
            f"currency: {currency!r} is not accepted; use one of {', '.join(Currency.values)}",
            field="currency",
        )
    if amount < 0:
        raise InvalidInput(f"amount: {amount} is negative; give an amount of 0 or more")
    rate = rate_on(day)
    if currency == Currency.USD:
        return amount, (amount * rate).quantize(CENT, ROUND_HALF_UP), rate
    return (amount / rate).quantize(CENT, ROUND_HALF_UP), amount, rate
