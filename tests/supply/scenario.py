"""A small supply chain with known answers, built through the services.

Producer A sells 1,000 kg wet (plot A1 600, A2 400); producer B 1,000 kg wet from plot B1.
Lot L1 takes all of A's purchase and 500 kg of B's (1,500 kg wet); fermentation gives 1,350 kg;
drying (ratio 0.40 allowed) gives 500 kg dry; a split gives 300 kg and 200 kg; the 300 kg go
into shipment S. So S holds 2/3 of A's beans and 1/3 of B's: A1 120, A2 80, B1 100 kg, from
purchased kilos A1 360, A2 240, B1 300 (S took 300 of the 500 kg dried from 1,500 kg wet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chacra.registry.models import Organisation, OrganisationKind, Plot, Producer
from chacra.supply import services
from chacra.supply.models import Lot, Purchase, Shipment, StepKind
from tests.factories import ComunidadFactory, ProducerFactory, plot_polygon

DAY = dt.date(2015, 6, 1)


@dataclass
class Chain:
    coop: Organisation
    client: Organisation
    a: Producer
    b: Producer
    a1: Plot
    a2: Plot
    b1: Plot
    pa: Purchase
    pb: Purchase
    collected: Lot
    fermented: Lot
    dried: Lot
    part_300: Lot
    part_200: Lot
    shipment: Shipment


def organisation(name: str, kind: str = OrganisationKind.COOPERATIVE) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind)


def plot(producer: Producer, code: str, seed: int = 0, **fields: Any) -> Plot:
    return Plot.objects.create(
        code=code,
        producer=producer,
        comunidad=producer.comunidad,
        boundary=plot_polygon(seed=seed),
        mapping_method="gps_walk",
        area_ha=1.5,
        **fields,
    )


def buy(
    coop: Organisation, producer: Producer, receipt: str, origins: list[tuple[Plot, str]], **kw: Any
) -> Purchase:
    values: dict[str, Any] = {
        "bean_state": "wet",
        "flavour": "fine_flavour",
        "price_per_kg": Decimal("2.50"),
        "premium_per_kg": Decimal("0.25"),
        "date": DAY,
    } | kw
    return services.purchase_record(
        actor=None, buyer=coop, receipt_number=receipt, producer=producer, origins=origins, **values
    )


def build_chain() -> Chain:
    comunidad = ComunidadFactory()
    coop = organisation("Cooperativa Prueba")
    client = organisation("Chocolates Prueba GmbH", OrganisationKind.BUYER)
    a = ProducerFactory(comunidad=comunidad)
    b = ProducerFactory(comunidad=comunidad)
    a1, a2, b1 = plot(a, "TA1", 1), plot(a, "TA2", 2), plot(b, "TB1", 3)
    pa = buy(coop, a, "R-1", [(a1, "600"), (a2, "400")])
    pb = buy(coop, b, "R-2", [(b1, "1000")])
    collected = services.lot_collect(
        actor=None, purchases=[(pa, None), (pb, "500")], date=DAY, custody_model="segregated"
    )
    fermented = services.step_process(
        actor=None, kind=StepKind.FERMENTATION, inputs=[(collected, None)], outputs=["1350"],
        date=DAY,
    ).outputs.get()  # fmt: skip
    dried = services.step_process(
        actor=None, kind=StepKind.DRYING, inputs=[(fermented, None)], outputs=["500"], date=DAY
    ).outputs.get()
    part_300, part_200 = services.lot_split(actor=None, lot=dried, parts=["300", "200"], date=DAY)
    shipment = services.shipment_make(
        actor=None,
        lots=[(part_300, None)],
        container_number="MSCU1234565",
        destination="Hamburg, Germany",
        buyer=client,
        date=DAY,
    )
    return Chain(
        coop, client, a, b, a1, a2, b1, pa, pb, collected, fermented, dried, part_300, part_200,
        shipment,
    )  # fmt: skip


def access_objects(producer: Producer) -> dict[str, Any]:
    """A purchase of the demo producer's beans, made into a dry lot and shipped, for the walk of
    every route by every role (tests/accounts/test_access.py)."""
    coop = organisation("Cooperativa Acceso")
    plot_ = producer.plots.first()
    assert plot_ is not None
    bought = buy(coop, producer, "ACC-1", [(plot_, "100")], bean_state="dry")
    lot = services.lot_collect(actor=None, purchases=[(bought, None)], date=DAY)
    shipment = services.shipment_make(
        actor=None, lots=[(lot, "60")], container_number="MSCU0000001", destination="Hamburg",
        buyer=organisation("Cliente Acceso", OrganisationKind.BUYER), date=DAY,
    )  # fmt: skip
    return {
        "supply_lot": lot.pk,
        "supply_shipment": shipment.pk,
        "supply_purchase": bought.pk,
        "lot_origin": {"public_id": lot.public_id},
        "shipment_origin": {"public_id": shipment.public_id},
        "lot_qr": {"kind": "lot", "public_id": lot.public_id},
    }
