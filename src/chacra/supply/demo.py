"""``chacra supply_demo``: a season of purchases, lots and shipments on top of the demo programme.

Deterministic for a seed; every write goes through the services, so the audit log and every
rule apply as they would to a clerk's. Buyers are the demo's cooperatives: each buys every
15 days from its members (wet beans, +10% for fine flavour), collects each fortnight's beans
into a lot, ferments, dries (ratio 0.38), sorts into two grades, and ships 25 t containers
of grade 1 to the demo exporter's clients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

import numpy as np
from django.db import transaction

from chacra.errors import Conflict
from chacra.registry.models import Membership, Organisation, OrganisationKind
from chacra.supply import services
from chacra.supply.models import Lot, Purchase, StepKind

SEASON = 2015
CONTAINER_KG = Decimal(25_000)


@dataclass
class SupplyDemoReport:
    purchases: int = 0
    lots: int = 0
    shipments: int = 0


def _d(value: float) -> Decimal:
    """Kilos to 0.01, rounded down: an output may not pass its input times the ratio."""
    return Decimal(f"{value:.4f}").quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@transaction.atomic
def supply_demo_build(*, seed: int = 2015, producers_per_coop: int = 40) -> SupplyDemoReport:
    """Load a season of supply data; refuses a database that already holds purchases."""
    if Purchase.objects.exists():
        raise Conflict("the database already holds purchases; the supply demo loads once")
    rng = np.random.default_rng(seed)
    report = SupplyDemoReport()
    client, _ = Organisation.objects.get_or_create(
        name="Chocolatier Demo Europa GmbH", defaults={"kind": OrganisationKind.BUYER}
    )
    coops = Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE).order_by("pk")
    receipt = 0
    for coop in coops:
        members = [
            m.producer
            for m in Membership.objects.filter(organisation=coop)
            .select_related("producer")
            .order_by("producer__code")[:producers_per_coop]
            if m.producer.plots.exists()
        ]
        if not members:
            continue
        grade_1: list[Lot] = []
        for fortnight in range(8, 16):  # April to July, the main harvest
            day = dt.date(SEASON, 1, 1) + dt.timedelta(days=15 * fortnight)
            bought = []
            for producer in members:
                if rng.random() < 0.3:
                    continue
                plots = list(producer.plots.order_by("code")[:2])
                kg = rng.uniform(20, 90)
                fine = rng.random() < 0.8
                price = rng.normal(2.6, 0.15)
                receipt += 1
                shares = [kg] if len(plots) == 1 else [kg * 0.6, kg * 0.4]
                bought.append(
                    services.purchase_record(
                        actor=None, buyer=coop, receipt_number=f"DEMO-{receipt:06d}", date=day,
                        producer=producer,
                        origins=[(p, _d(k)) for p, k in zip(plots, shares, strict=False)],
                        bean_state="wet", flavour="fine_flavour" if fine else "conventional",
                        price_per_kg=_d(price), premium_per_kg=_d(price * 0.1 if fine else 0),
                        source="demo",
                    )
                )  # fmt: skip
            if not bought:
                continue
            report.purchases += len(bought)
            lot = services.lot_collect(
                actor=None, purchases=[(p, None) for p in bought], date=day,
                custody_model="mass_balance", source="demo",
            )  # fmt: skip
            fermented = services.step_process(
                actor=None, kind=StepKind.FERMENTATION, inputs=[(lot, None)],
                outputs=[_d(float(lot.kg) * 0.9)], date=day + dt.timedelta(days=6), source="demo",
            ).outputs.get()  # fmt: skip
            dried = services.step_process(
                actor=None, kind=StepKind.DRYING, inputs=[(fermented, None)],
                outputs=[_d(float(fermented.kg) * 0.38)], ratio="0.38",
                date=day + dt.timedelta(days=12), source="demo",
            ).outputs.get()  # fmt: skip
            sorted_step = services.step_process(
                actor=None, kind=StepKind.SORTING, inputs=[(dried, None)],
                outputs=[services.LotOutput(_d(float(dried.kg) * 0.85), "1"),
                         services.LotOutput(_d(float(dried.kg) * 0.13), "2")],
                date=day + dt.timedelta(days=13), source="demo",
            )  # fmt: skip
            lots = list(sorted_step.outputs.order_by("pk"))
            grade_1.append(lots[0])
            report.lots += 5
        if grade_1:
            services.shipment_make(
                actor=None, lots=[(lot, None) for lot in grade_1],
                container_number=f"MSCU{coop.pk:07d}", destination="Hamburg, Germany",
                buyer=client, date=dt.date(SEASON, 8, 20), source="demo",
            )  # fmt: skip
            report.shipments += 1
    return report
