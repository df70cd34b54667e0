"""Custody transfers between organisations, and shipments (containers) made of dry lots."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from chacra.accounts.services import instance_save, instances_bulk_create
from chacra.drawdown import lock_row
from chacra.errors import Conflict, InvalidInput
from chacra.registry.models import Organisation
from chacra.registry.services import next_codes
from chacra.supply import rules
from chacra.supply.kilos import lock, same, take, wanted
from chacra.supply.models import Allocation, BeanState, CustodyTransfer, Lot, Shipment
from chacra.supply.services.access import require_supply_write
from chacra.supply.values import not_future, public_id

CONTAINER = re.compile(r"^[A-Z]{4}\d{7}$")


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
    locked = lock_row(Lot.objects.all(), lot.pk, "lot")  # NotFound if it is gone meanwhile
    if locked.allocated_kg:
        raise Conflict(
            f"lot: {locked.code} has {locked.allocated_kg} of {locked.kg} kg already used; "
            "accepted: an untouched lot (split off what is left and hand that over)",
            field="lot",
        )
    if to_organisation.pk == locked.custodian_id:
        raise InvalidInput(
            f"to_organisation: {to_organisation} already holds {locked.code}",
            field="to_organisation",
        )
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
