"""A built programme in a region of its own ("99"), so the session's demo never counts in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import Point

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from chacra.monitoring import services
from chacra.monitoring.models import Computation, Currency, Indicator, Source
from chacra.registry.models import (
    Comunidad,
    Departamento,
    Distrito,
    ExtensionVisit,
    Membership,
    Organisation,
    OrganisationKind,
    Planting,
    Plot,
    Provincia,
)
from tests.factories import ProducerFactory, UserFactory, plot_polygon

REGION = "99"
DAY = dt.date(2014, 3, 1)


def build() -> dict[str, Any]:
    region = Departamento.objects.create(ubigeo=REGION, name="Región Prueba")
    provincia = Provincia.objects.create(ubigeo="9901", name="Prov Prueba", departamento=region)
    distrito = Distrito.objects.create(ubigeo="990101", name="Dist Prueba", provincia=provincia)
    place = Comunidad.objects.create(
        name="Com Prueba", distrito=distrito, location=Point(-76.7, -7.1, srid=4326)
    )
    staff = UserFactory(username="mon-staff")
    user_set_role(actor=None, user=staff, role=Role.STAFF)
    # Three women and two men; plots of 1, 2, 3, 4 and 5 ha (the last one not mapped).
    producers = [
        ProducerFactory(comunidad=place, sex=s, registered_on=dt.date(2013 + i % 2, 1, 1))
        for i, s in enumerate("FFFMM")
    ]
    for i, p in enumerate(producers):
        ha = Decimal(i + 1)
        plot = Plot.objects.create(
            code=f"MON{i}", producer=p, comunidad=place,
            boundary=plot_polygon(seed=i) if i < 4 else None,
            area_ha=float(ha) if i < 4 else None, mapped_on=dt.date(2014, 6, 1),
        )  # fmt: skip
        Planting.objects.create(
            plot=plot, cacao_installed_ha=ha, installed_on=dt.date(2014 + i % 2, 5, 1),
            temporary_shade_ha=ha, forestry_ha=Decimal("0.5") if i % 2 == 0 else Decimal(0),
        )  # fmt: skip
    coop_a = Organisation.objects.create(
        name="Coop Prueba A", kind=OrganisationKind.COOPERATIVE, departamento=region
    )
    coop_b = Organisation.objects.create(
        name="Coop Prueba B", kind=OrganisationKind.COOPERATIVE, departamento=region
    )
    Membership.objects.create(producer=producers[0], organisation=coop_a)
    Membership.objects.create(producer=producers[1], organisation=coop_a)
    Membership.objects.create(producer=producers[2], organisation=coop_b)
    ExtensionVisit.objects.create(
        date=DAY, agent=staff, producer=producers[0], activities=["training", "pruning"]
    )
    ExtensionVisit.objects.create(
        date=DAY, agent=staff, producer=producers[2], activities=["technical_assistance"]
    )
    bank = Organisation.objects.create(
        name="Caja Prueba", kind=OrganisationKind.FINANCIAL, departamento=region
    )
    for day, rate in ((DAY, "2.8000"), (dt.date(2015, 3, 1), "3.2000")):
        services.exchange_rate_set(actor=staff, date=day, pen_per_usd=Decimal(rate))
    loans = [
        (producers[0], DAY, Decimal("1000"), Currency.USD, True),
        (producers[0], dt.date(2015, 3, 1), Decimal("3200"), Currency.PEN, True),
        (producers[3], dt.date(2015, 3, 1), Decimal("500"), Currency.USD, False),
    ]
    for producer, day, amount, currency, support in loans:
        services.loan_record(
            actor=staff, institution=bank, producer=producer, date=day, amount=amount,
            currency=currency, term_months=12, purpose="planting", programme_support=support,
        )  # fmt: skip
    indicators = {
        c: Indicator.objects.create(
            code=f"T-{c}"[:24],
            name_es=c,
            name_en=c,
            unit="n",
            source=Source.COMPUTED,
            computation=c,
            by_sex=True,
        )
        for c in (Computation.FAMILIES, Computation.HECTARES_PLANTED)
    }
    return {
        "region": region, "staff": staff, "producers": producers, "bank": bank,
        "coops": (coop_a, coop_b), "indicators": indicators,
    }  # fmt: skip
