"""Every write to the supply chain: one function per change, atomic, permission-checked, audited.

Refusals raise before anything is written (and the transaction rolls back whatever a later
check refuses): a message names the value and what is accepted. Kilos are ``Decimal`` with two
places. Kilos taken from a purchase or lot are counted on it (``allocated_kg``) under a row lock
(``select_for_update`` on PostgreSQL; SQLite runs one write transaction at a time), so the same
kilos can never go into two lots or shipments, even by two clerks at the same moment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import instance_save, instances_bulk_create
from chacra.errors import AccessDenied, Conflict, InvalidInput
from chacra.registry.models import Comunidad, Organisation, OrganisationKind, Plot, Producer
from chacra.registry.services import next_codes
from chacra.supply import rules
from chacra.supply.kilos import LotOutput, lock, same, step_record, take, wanted
from chacra.supply.models import (
    Allocation,
    BeanState,
    BuyerAccess,
    CustodyTransfer,
    Facility,
    FlavourClass,
    Lot,
    ProcessingStep,
    Purchase,
    PurchasePlot,
    Shipment,
    StepKind,
)
from chacra.supply.models.purchases import PURCHASE_STATES
from chacra.supply.values import choice, kg_value, money_value, not_future, public_id

BUYING_KINDS = (
    OrganisationKind.BUYER,
    OrganisationKind.COOPERATIVE,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.PROCESSOR,
)
CONTAINER = re.compile(r"^[A-Z]{4}\d{7}$")
MONEY_TOLERANCE = Decimal("1.00")  # soles: receipts round


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def require_supply_write(actor: Any, producer: Producer | None = None) -> None:
    """Programme-wide roles record anything; a regional office its region's purchases and lots."""
    scope = _scope(actor)
    if scope.is_programme_wide:
        return
    if scope.role == Role.REGIONAL:
        if producer is None:
            return
        region = producer.comunidad.distrito.provincia.departamento_id
        if region == scope.region_id:
            return
        raise AccessDenied(f"producer {producer.code} is outside your region")
    raise AccessDenied("your role cannot record purchases, lots or shipments")


# --- facilities and buyer logins ---------------------------------------------------------------


@transaction.atomic
def facility_register(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    kind: str,
    distrito: Any = None,
    location: Any = None,
    capacity_kg_per_year: Decimal | None = None,
    source: str = "code",
) -> Facility:
    require_supply_write(actor)
    facility = Facility(
        organisation=organisation,
        name=" ".join(name.split()),
        kind=kind,
        distrito=distrito,
        location=location,
        capacity_kg_per_year=capacity_kg_per_year,
    )
    return instance_save(actor=actor, instance=facility, source=source)  # type: ignore[return-value]


@transaction.atomic
def buyer_access_grant(
    *, actor: Any, user: Any, organisation: Organisation, source: str = "code"
) -> BuyerAccess:
    """Let a login with the buyer role see its organisation's shipments' origin (aggregates)."""
    if not _scope(actor).is_programme_wide:
        raise AccessDenied("only programme staff link buyer logins to organisations")
    if scope_for(user).role != Role.BUYER:
        raise InvalidInput(f"user: {user} does not have the buyer role", field="user")
    access = BuyerAccess.objects.filter(user=user).first() or BuyerAccess(user=user)
    access.organisation = organisation
    return instance_save(actor=actor, instance=access, source=source)  # type: ignore[return-value]


# --- purchases ---------------------------------------------------------------------------------


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


@transaction.atomic
def lot_collect(
    *,
    actor: Any,
    purchases: Sequence[tuple[Purchase | int, Any]],
    date: dt.date,
    custody_model: str | None = None,
    facility: Facility | None = None,
    code: str | None = None,
    source: str = "code",
) -> Lot:
    """Make a lot from purchases (kilos per purchase; None takes all it has left)."""
    require_supply_write(actor)
    taken = lock(Purchase, wanted(purchases, "purchase"), "purchase")
    total = sum((kg for _, kg in taken), Decimal(0))
    _, lots = step_record(
        actor=actor,
        kind=StepKind.COLLECTION,
        taken=taken,
        outputs=[LotOutput(total, code=code)],
        date=date,
        ratio=None,
        custody_model=custody_model,
        facility=facility,
        notes="",
        source=source,
    )
    return lots[0]


@transaction.atomic
def step_process(
    *,
    actor: Any,
    kind: str,
    inputs: Sequence[tuple[Lot | int, Any]],
    outputs: Sequence[LotOutput | Any],
    date: dt.date,
    ratio: Any = None,
    custody_model: str | None = None,
    facility: Facility | None = None,
    notes: str = "",
    source: str = "code",
) -> ProcessingStep:
    """Ferment, dry, sort, split or merge lots: kilos in per lot, the lots that come out.

    Outputs may not exceed the inputs times the step's allowed conversion (1, or the drying
    ratio); what is missing is recorded as loss. ``outputs`` items are LotOutput or plain kg.
    """
    require_supply_write(actor)
    choice(kind, [k for k in StepKind.values if k != StepKind.COLLECTION], "kind")
    asked_ratio = None if ratio is None else Decimal(str(ratio))
    taken = lock(Lot, wanted(inputs, "lot"), "lot")
    step, _ = step_record(
        actor=actor,
        kind=kind,
        taken=taken,
        outputs=[o if isinstance(o, LotOutput) else LotOutput(o) for o in outputs],
        date=date,
        ratio=asked_ratio,
        custody_model=custody_model,
        facility=facility,
        notes=notes,
        source=source,
    )
    return step


def lot_split(
    *, actor: Any, lot: Lot, parts: Sequence[Any], date: dt.date, source: str = "code"
) -> list[Lot]:
    """Split (all or part of) a lot into lots of the given kilos."""
    kg = sum((kg_value(p, "outputs") for p in parts), Decimal(0))
    step = step_process(
        actor=actor,
        kind=StepKind.SPLIT,
        inputs=[(lot, kg)],
        outputs=list(parts),
        date=date,
        source=source,
    )
    return list(step.outputs.order_by("pk"))


def lot_merge(
    *,
    actor: Any,
    lots: Sequence[Lot],
    date: dt.date,
    custody_model: str | None = None,
    source: str = "code",
) -> Lot:
    """Merge what is left of several lots into one."""
    left = {lot.pk: lot.kg - lot.allocated_kg for lot in lots}
    step = step_process(
        actor=actor,
        kind=StepKind.MERGE,
        inputs=[(lot, None) for lot in lots],
        outputs=[sum(left.values(), Decimal(0))],
        date=date,
        custody_model=custody_model,
        source=source,
    )
    return step.outputs.get()


# --- custody and shipments ---------------------------------------------------------------------


@transaction.atomic
def custody_transfer(
    *,
    actor: Any,
    lot: Lot,
    to_organisation: Organisation,
    date: dt.date,
    document: str = "",
    source: str = "code",
) -> CustodyTransfer:
    """Hand a whole, untouched lot to another organisation (split it first to hand over part)."""
    require_supply_write(actor)
    not_future(date)
    locked = Lot.objects.select_for_update().get(pk=lot.pk)
    if locked.allocated_kg:
        raise Conflict(
            f"lot: {locked.code} has {locked.allocated_kg} of {locked.kg} kg already used; "
            "accepted: an untouched lot (split off what is left and hand that over)",
            field="lot",
        )
    if to_organisation.pk == locked.custodian_id:
        raise InvalidInput(f"to_organisation: {to_organisation} already holds {locked.code}")
    transfer = CustodyTransfer(
        lot=locked,
        from_organisation_id=locked.custodian_id,
        to_organisation=to_organisation,
        date=date,
        kg=locked.kg,
        document=document,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    instance_save(actor=actor, instance=transfer, source=source)
    locked.custodian = to_organisation
    instance_save(actor=actor, instance=locked, source=source)
    lot.custodian, lot.allocated_kg = to_organisation, locked.allocated_kg
    return transfer


@transaction.atomic
def shipment_make(
    *,
    actor: Any,
    lots: Sequence[tuple[Lot | int, Any]],
    container_number: str,
    destination: str,
    buyer: Organisation,
    date: dt.date,
    code: str | None = None,
    source: str = "code",
) -> Shipment:
    """Fill a container with kilos of dry lots held by one organisation (the shipper)."""
    require_supply_write(actor)
    container = container_number.replace(" ", "").upper()
    if not CONTAINER.match(container):
        raise InvalidInput(
            f"container_number: {container_number!r} is not accepted; accepted: ISO 6346, four "
            "letters and seven digits such as MSCU1234565",
            field="container_number",
        )
    if not destination.strip():
        raise InvalidInput("destination: empty; accepted: port and country", field="destination")
    not_future(date)
    taken = lock(Lot, wanted(lots, "lot"), "lot")
    if not taken:
        raise InvalidInput("lots: a shipment needs at least one lot", field="lots")
    wet = [r.code for r, _ in taken if r.bean_state != BeanState.DRY]
    if wet:
        raise InvalidInput(
            f"lots: {', '.join(wet)} are not dry; accepted: dry lots only", field="lots"
        )
    shipper = same(
        {r.custodian_id for r, _ in taken},
        "lots",
        "the lots are held by different organisations; transfer custody to the shipper first",
    )
    take(taken)
    shipment = Shipment(
        code=code or next_codes("S", Shipment)[0],
        public_id=public_id(),
        container_number=container,
        shipper_id=shipper,
        buyer=buyer,
        destination=" ".join(destination.split()),
        date=date,
        kg=sum((kg for _, kg in taken), Decimal(0)),
        custody_model=rules.loosest(r.custody_model for r, _ in taken),
        performed_by=actor if getattr(actor, "pk", None) else None,
    )
    instance_save(actor=actor, instance=shipment, source=source)
    instances_bulk_create(
        actor=actor,
        instances=[
            Allocation(kg=kg, lot=r, source_step_id=r.step_id, shipment=shipment) for r, kg in taken
        ],
        source=source,
    )
    return shipment
