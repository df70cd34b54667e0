"""Purchases from producers: kilos per plot of origin, price, premium and payment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from chacra.accounts.services import instance_save, instances_bulk_create
from chacra.errors import Conflict, InvalidInput
from chacra.registry.models import Comunidad, Organisation, OrganisationKind, Plot, Producer
from chacra.supply.models import Facility, FlavourClass, Purchase, PurchasePlot
from chacra.supply.models.purchases import PURCHASE_STATES
from chacra.supply.services.access import require_supply_write
from chacra.supply.values import choice, kg_value, money_value, not_future

BUYING_KINDS = (
    OrganisationKind.BUYER,
    OrganisationKind.COOPERATIVE,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.PROCESSOR,
)
MONEY_TOLERANCE = Decimal("1.00")  # soles: receipts round


def _plots_of(producer: Producer, origins: Sequence[tuple[Any, Any]]) -> list[tuple[Plot, Decimal]]:
    """Each origin's plot (by code or instance) and kilos, refusing unknown and foreign plots."""
    if not origins:
        raise InvalidInput(
            "plots: a purchase needs the plot(s) the beans came from, with kg for each",
            field="plots",
        )
    codes = [o if isinstance(o, str) else o.code for o, _ in origins]
    if len(set(codes)) != len(codes):
        raise InvalidInput(f"plots: a plot is listed twice in {', '.join(codes)}", field="plots")
    found = {p.code: p for p in Plot.objects.filter(code__in=codes).select_related("producer")}
    out = []
    for code, (_, kg) in zip(codes, origins, strict=True):
        plot = found.get(code)
        if plot is None:
            raise InvalidInput(f"plots: no plot with code {code!r} is registered", field="plots")
        if plot.producer_id != producer.pk:
            own = ", ".join(producer.plots.values_list("code", flat=True)) or "none registered"
            raise InvalidInput(
                f"plots: plot {code} belongs to producer {plot.producer.code}, not to "
                f"{producer.code}; accepted: {producer.code}'s plots ({own})",
                field="plots",
            )
        out.append((plot, kg_value(kg, "plots", f"plot {code}")))
    return out


@transaction.atomic
def purchase_record(
    *,
    actor: Any,
    buyer: Organisation,
    receipt_number: str,
    date: dt.date,
    producer: Producer,
    origins: Sequence[tuple[Plot | str, Any]],
    bean_state: str,
    flavour: str,
    price_per_kg: Any,
    premium_per_kg: Any = 0,
    amount_paid: Any = None,
    quality_grade: str = "",
    facility: Facility | None = None,
    comunidad: Comunidad | None = None,
    bought_by: Any = None,
    source: str = "code",
) -> Purchase:
    """Record a purchase from a producer: kilos per plot of origin, price, premium and payment.

    ``origins``: ``[(plot or plot code, kg), ...]``; the purchase's kilos are their sum.
    """
    require_supply_write(actor, producer)
    receipt = receipt_number.strip()
    if not receipt:
        raise InvalidInput("receipt_number: empty; accepted: the receipt's number", field="receipt")
    choice(buyer.kind, BUYING_KINDS, "buyer")
    choice(bean_state, PURCHASE_STATES, "bean_state")
    choice(flavour, [FlavourClass.FINE_FLAVOUR, FlavourClass.CONVENTIONAL], "flavour")
    not_future(date)
    plots = _plots_of(producer, origins)
    kg = sum((k for _, k in plots), Decimal(0))
    price = money_value(price_per_kg, "price_per_kg")
    premium = money_value(premium_per_kg, "premium_per_kg")
    due = (kg * (price + premium)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    paid = due if amount_paid is None else money_value(amount_paid, "amount_paid")
    if abs(paid - due) > MONEY_TOLERANCE:
        raise InvalidInput(
            f"amount_paid: S/ {paid} does not match {kg} kg x (S/ {price} + S/ {premium} premium)"
            f" = S/ {due}; accepted: within S/ {MONEY_TOLERANCE} of it",
            field="amount_paid",
        )
    if facility is not None and facility.organisation_id != buyer.pk:
        raise InvalidInput(f"facility: {facility} is not {buyer}'s", field="facility")
    if Purchase.objects.filter(buyer=buyer, receipt_number=receipt).exists():
        raise Conflict(
            f"receipt_number: {buyer} already recorded receipt {receipt}", field="receipt_number"
        )
    purchase = Purchase(
        buyer=buyer,
        receipt_number=receipt,
        date=date,
        producer=producer,
        facility=facility,
        comunidad=comunidad,
        bought_by=bought_by,
        bean_state=bean_state,
        flavour=flavour,
        quality_grade=quality_grade,
        kg=kg,
        price_per_kg=price,
        premium_per_kg=premium,
        amount_paid=paid,
    )
    instance_save(actor=actor, instance=purchase, source=source)
    instances_bulk_create(
        actor=actor,
        instances=[PurchasePlot(purchase=purchase, plot=p, kg=k) for p, k in plots],
        source=source,
    )
    return purchase
