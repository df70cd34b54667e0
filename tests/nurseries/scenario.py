"""A small programme of genetic material with known answers, built through the services.

Producer M keeps mother plant MP (ICS-95) and budwood garden G (TSH-565, 20 plants) on plot M1.
Farmer N runs nursery V1 on plot N1; the municipality runs nursery V2.

- V1 cuts 100 ICS-95 sticks from MP (batch BW1) and 40 TSH-565 sticks from G (BW2); it grafts
  500 seedlings with 60 sticks of BW1 (S1).
- A receives 300 seedlings of S1 on A1 (D1), planted on A1. B receives 30 sticks of BW1 (D2) and
  20 of BW2 (D3) on B1, grafted ICS-95 and TSH-565. C receives 150 seedlings of S1 on C1 (D4).
- Plantain: V2 raises 1,000 suckers (P0). A gets 200 as a donation (D5, owes 400) and returns
  250, then 150 (R1, R2). R1 goes to C (D6, 250, generation 2, owes 500); C returns 100 (R3),
  which goes to D on D1 (D7, generation 3, owes 200).
- Timber: V2 raises 300 bolaina (T0); A gets 100 on A1 (D8).

So MP's material reached A1 (300 seedlings), B1 (30 sticks) and C1 (150 seedlings); plot A1
traces to MP through D1, S1, BW1; the original donation D5 reached three farmers over three
generations and 500 suckers came back in its cascade. Everything lies in Loreto, apart from the
session's demo (San Martín, Huánuco, Ucayali).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import Point

from chacra.nurseries import services
from chacra.nurseries.models import Batch, Distribution, MaterialSource, Nursery
from chacra.registry import services as registry
from chacra.registry.models import Graft, Organisation, OrganisationKind, Planting, Plot, Producer
from tests.factories import (
    ComunidadFactory,
    DepartamentoFactory,
    DistritoFactory,
    ProducerFactory,
    ProvinciaFactory,
    plot_polygon,
)

REGION = "16"


def day(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


@dataclass
class Scenario:
    m: Producer
    n: Producer
    a: Producer
    b: Producer
    c: Producer
    d: Producer
    m1: Plot
    n1: Plot
    a1: Plot
    b1: Plot
    c1: Plot
    d1: Plot
    mother: MaterialSource
    garden: MaterialSource
    v1: Nursery
    v2: Nursery
    bw1: Batch
    bw2: Batch
    s1: Batch
    p0: Batch
    t0: Batch
    d1_seedlings: Distribution
    d2_budwood: Distribution
    d3_budwood: Distribution
    d4_seedlings: Distribution
    d5_plantain: Distribution
    d6_plantain: Distribution
    d7_plantain: Distribution
    d8_bolaina: Distribution
    r1: Batch
    r2: Batch
    r3: Batch
    planting_a1: Planting
    graft_b1_ics: Graft
    graft_b1_tsh: Graft


def plot(producer: Producer, seed: int) -> Plot:
    return registry.plot_register(
        actor=None,
        producer=producer,
        boundary=plot_polygon(seed=seed),
        method="gps_walk",
        refresh_flags=False,
    )


def give(batch: Batch, to: Plot, count: int, when: dt.date, **kw: Any) -> Distribution:
    return services.distribution_record(
        actor=None, batch=batch, plot=to, count=count, date=when, signed_by="firma", **kw
    )


def place() -> Any:
    """A comunidad in Loreto, a region the demo does not use, so that its figures stay apart."""
    region = DepartamentoFactory(ubigeo=REGION, name="Loreto")
    provincia = ProvinciaFactory(ubigeo="1601", name="Maynas", departamento=region)
    distrito = DistritoFactory(
        ubigeo="160101", name="Iquitos", capital="Iquitos", provincia=provincia
    )
    return ComunidadFactory(distrito=distrito)


def build() -> Scenario:
    comunidad = place()
    people = [ProducerFactory(comunidad=comunidad) for _ in range(6)]
    m, n, a, b, c, d = people
    m1, n1, a1, b1, c1, d1 = (plot(p, i) for i, p in enumerate(people))
    mother = services.source_register(actor=None, plot=m1, clone="ICS-95")
    garden = services.source_register(
        actor=None, plot=m1, clone="TSH-565", kind="budwood_garden", plants=20
    )
    v1 = services.nursery_register(
        actor=None, name="Vivero Prueba", kind="farmer", capacity=20_000,
        operator_producer=n, plot=n1,
    )  # fmt: skip
    municipality = Organisation.objects.create(
        name="Municipalidad Prueba", kind=OrganisationKind.MUNICIPALITY
    )
    v2 = services.nursery_register(
        actor=None, name="Vivero Municipal Prueba", kind="municipal", capacity=600_000,
        operator_organisation=municipality, distrito=comunidad.distrito,
        location=Point(-76.71, -7.17, srid=4326),
    )  # fmt: skip
    bw1 = services.batch_start(
        actor=None, kind="budwood", count=100, started_on=day(2014, 1), nursery=v1,
        material_source=mother,
    )  # fmt: skip
    bw2 = services.batch_start(
        actor=None, kind="budwood", count=40, started_on=day(2014, 1), nursery=v1,
        material_source=garden,
    )  # fmt: skip
    s1 = services.batch_start(
        actor=None, kind="cacao_seedling", count=500, started_on=day(2014, 2), nursery=v1,
        origin_batch=bw1, origin_count=60, ready_on=day(2014, 5),
    )  # fmt: skip
    d1_seedlings = give(s1, a1, 300, day(2014, 5), transport="truck_return_trip")
    d2_budwood = give(bw1, b1, 30, day(2014, 6))
    d3_budwood = give(bw2, b1, 20, day(2014, 6))
    d4_seedlings = give(s1, c1, 150, day(2014, 6))
    planting_a1 = registry.planting_record(
        actor=None, plot=a1, cacao_installed_ha=Decimal("0.30"), installed_on=day(2014, 5),
        temporary_shade_ha=Decimal("0.30"),
    )  # fmt: skip
    graft_b1_ics = registry.graft_record(
        actor=None, plot=b1, clone="ICS-95", grafted_ha=Decimal("0.20"), grafted_on=day(2014, 6)
    )
    graft_b1_tsh = registry.graft_record(
        actor=None, plot=b1, clone="TSH-565", grafted_ha=Decimal("0.10"), grafted_on=day(2014, 6)
    )
    services.planting_material_link(actor=None, distribution=d1_seedlings, planting=planting_a1)
    services.planting_material_link(actor=None, distribution=d2_budwood, graft=graft_b1_ics)
    services.planting_material_link(actor=None, distribution=d3_budwood, graft=graft_b1_tsh)

    p0 = services.batch_start(
        actor=None, kind="plantain", count=1_000, started_on=day(2014, 1), nursery=v2
    )
    d5_plantain = give(p0, a1, 200, day(2014, 5))
    r1 = services.plantain_return_record(
        actor=None, distribution=d5_plantain, count=250, date=day(2014, 12)
    )
    r2 = services.plantain_return_record(
        actor=None, distribution=d5_plantain, count=150, date=day(2015, 3)
    )
    d6_plantain = give(r1, c1, 250, day(2015, 1))
    r3 = services.plantain_return_record(
        actor=None, distribution=d6_plantain, count=100, date=day(2015, 8)
    )
    d7_plantain = give(r3, d1, 100, day(2015, 9))
    t0 = services.batch_start(
        actor=None, kind="bolaina", count=300, started_on=day(2014, 1), nursery=v2
    )
    d8_bolaina = give(t0, a1, 100, day(2014, 5))
    return Scenario(
        m=m, n=n, a=a, b=b, c=c, d=d, m1=m1, n1=n1, a1=a1, b1=b1, c1=c1, d1=d1,
        mother=mother, garden=garden, v1=v1, v2=v2, bw1=bw1, bw2=bw2, s1=s1, p0=p0, t0=t0,
        d1_seedlings=d1_seedlings, d2_budwood=d2_budwood, d3_budwood=d3_budwood,
        d4_seedlings=d4_seedlings, d5_plantain=d5_plantain, d6_plantain=d6_plantain,
        d7_plantain=d7_plantain, d8_bolaina=d8_bolaina, r1=r1, r2=r2, r3=r3,
        planting_a1=planting_a1, graft_b1_ics=graft_b1_ics, graft_b1_tsh=graft_b1_tsh,
    )  # fmt: skip
