"""Purchases, processing and nursery work added to the built programme (``scenario.build``), each
small enough that a test can count its answer by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from chacra.nurseries.models import (
    Batch,
    BatchKind,
    Distribution,
    MaterialSource,
    Nursery,
    NurseryKind,
    SourceKind,
)
from chacra.registry.models import Clone, Departamento, Organisation, OrganisationKind, Plot
from chacra.supply.models import Facility, ProcessingStep, Purchase, StepKind
from chacra.supply.models.facilities import FacilityKind


def add_supply(built: dict[str, Any]) -> None:
    """Purchases from producers 0 (twice), 3 and 4; drying in the region and in another one.

    Producers with purchases: 3 (0 in 2014; 3 and 4 in 2015), one woman and two men.
    Tonnes dried in the region: 1.5 (2014, at a facility) + 2.25 (2015, no facility: the
    organisation's region) = 3.75; fermentation and the other region's drying do not count.
    """
    coop_a, coop_b = built["coops"]
    producers = built["producers"]
    purchases = [
        (producers[0], dt.date(2014, 5, 1), "100"), (producers[0], dt.date(2015, 6, 1), "50"),
        (producers[3], dt.date(2015, 7, 1), "80"), (producers[4], dt.date(2015, 8, 1), "20"),
    ]  # fmt: skip
    for n, (producer, day, kg) in enumerate(purchases):
        Purchase.objects.create(
            buyer=coop_a, receipt_number=f"MON-{n}", date=day, producer=producer,
            bean_state="wet", flavour="fine_flavour", kg=Decimal(kg),
            price_per_kg=Decimal("2.50"), amount_paid=Decimal(kg) * Decimal("2.50"),
        )  # fmt: skip
    distrito = built["producers"][0].comunidad.distrito
    plant = Facility.objects.create(
        name="Planta Prueba", kind=FacilityKind.PROCESSING_PLANT, organisation=coop_a,
        distrito=distrito,
    )  # fmt: skip
    other = Departamento.objects.create(ubigeo="98", name="Región Otra")
    elsewhere = Organisation.objects.create(
        name="Coop Otra", kind=OrganisationKind.COOPERATIVE, departamento=other
    )
    steps = [
        (StepKind.DRYING, coop_a, plant, dt.date(2014, 9, 1), "1500"),
        (StepKind.DRYING, coop_b, None, dt.date(2015, 10, 1), "2250"),
        (StepKind.FERMENTATION, coop_a, plant, dt.date(2015, 10, 1), "3000"),
        (StepKind.DRYING, elsewhere, None, dt.date(2015, 10, 1), "1000"),
    ]
    for kind, org, facility, day, kg in steps:
        ProcessingStep.objects.create(
            kind=kind, organisation=org, facility=facility, date=day,
            input_kg=Decimal(kg) * 3, output_kg=Decimal(kg), ratio=Decimal("0.400"),
            loss_kg=Decimal(kg) * 2,
        )  # fmt: skip


def add_nurseries(built: dict[str, Any]) -> None:
    """Farmers' nursery work: producer 1 built a nursery (2014), 200 budwood sticks were cut from
    producer 2's garden (2014), producer 3 returned 60 plantain suckers (2015).

    Not farmers' work: a municipal nursery, and the nursery's own plantain batch.
    """
    producers = built["producers"]
    distrito = producers[0].comunidad.distrito
    nursery = Nursery.objects.create(
        code="MON-N1", name="Vivero Prueba", kind=NurseryKind.FARMER, distrito=distrito,
        capacity=1000, operator_producer=producers[1], established_on=dt.date(2014, 2, 1),
    )  # fmt: skip
    Nursery.objects.create(
        code="MON-N2", name="Vivero Municipal", kind=NurseryKind.MUNICIPAL, distrito=distrito,
        capacity=5000, operator_organisation=built["coops"][1],
        established_on=dt.date(2014, 2, 1),
    )  # fmt: skip
    clone = Clone.objects.create(code="MON-CL1", group="native")
    garden = MaterialSource.objects.create(
        code="MON-S1", kind=SourceKind.BUDWOOD_GARDEN, plot=Plot.objects.get(code="MON2"),
        clone=clone, plants=20,
    )  # fmt: skip
    Batch.objects.create(
        code="MON-B1", kind=BatchKind.BUDWOOD, clone=clone, nursery=nursery, source=garden,
        started_on=dt.date(2014, 4, 1), count=200,
    )  # fmt: skip
    suckers = Batch.objects.create(
        code="MON-B2", kind=BatchKind.PLANTAIN, nursery=nursery,
        started_on=dt.date(2014, 4, 1), count=100, taken=50,
    )  # fmt: skip
    donation = Distribution.objects.create(
        code="MON-D1", batch=suckers, producer=producers[3], plot=Plot.objects.get(code="MON3"),
        count=50, date=dt.date(2014, 5, 1), signed_by="firma", donated=True, obligation=100,
        returned=60,
    )  # fmt: skip
    Batch.objects.create(
        code="MON-B3", kind=BatchKind.PLANTAIN, holder=producers[3], repays=donation,
        generation=1, started_on=dt.date(2015, 5, 1), count=60,
    )  # fmt: skip
