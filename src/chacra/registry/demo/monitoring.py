"""The demo's monitoring: the report's indicator table as targets, its co-investment partners, the
programme's exchange rates, unit values for farmers' work, loans, and the figures no record holds.

Amounts scale with the demo's size (``scale`` = producers / 17,000), so the full demo lands near the
report's achieved column and the small one near a 500/17,000 share of it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.contrib.auth import get_user_model

from chacra.accounts.services import bulk_audit, instance_save
from chacra.monitoring import services
from chacra.monitoring.currency import both_currencies
from chacra.monitoring.models import (
    Aggregation,
    Computation,
    Currency,
    ExchangeRate,
    Indicator,
    InKindActivity,
    Loan,
    LoanPurpose,
    Nature,
    RepaymentStatus,
    Sector,
    Source,
)
from chacra.registry.models import Departamento, Organisation, OrganisationKind, Producer

SOURCE = "demo"
REPORT = "Informe final Alianza Cacao Perú 2016, cuadro de indicadores"

# code, Spanish, English, unit, target, computed as ("" = entered), aggregation, counts people
INDICATORS = [
    ("F01", "Familias que se benefician de cadenas de valor y/o acceso a financiamiento",
     "Families that benefit from value chains and/or access to finance", "families", 23_000,
     Computation.FAMILIES, Aggregation.SUM, True),
    ("F02", "Empleos generados", "Jobs created", "jobs", 18_000, "", Aggregation.SUM, True),
    ("F03", "Nuevas hectáreas de cacao instaladas", "New hectares of cacao planted", "ha", 28_000,
     Computation.HECTARES_PLANTED, Aggregation.SUM, False),
    ("F04", "Productores con mejor acceso a mercados mediante acuerdos de compra",
     "Producers with improved market access through purchase agreements", "producers", 10_000,
     Computation.PRODUCERS_PURCHASES, Aggregation.SUM, True),
    ("F05", "Hectáreas instaladas bajo sistemas agroforestales",
     "Hectares planted under agroforestry systems", "ha", 16_800,
     Computation.HECTARES_AGROFORESTRY, Aggregation.SUM, False),
    ("F06", "Incremento de cacao con procesamiento poscosecha (t)",
     "Incremental increase in cacao undergoing post-harvest processing (t)", "t", 6_000,
     Computation.TONNES_POST_HARVEST, Aggregation.SUM, False),
    ("F07", "Cadenas de valor orientadas al mercado (compradores, organizaciones, productores, "
     "financiamiento)", "Market-led value chains linking buyers, organisations, producers, finance",
     "chains", 5, "", Aggregation.LATEST, False),
    ("F08", "Fondos apalancados de fuentes privadas y públicas (US$)",
     "Funds leveraged from private and public sources (US$)", "US$", 49_717_147,
     Computation.FUNDS_LEVERAGED, Aggregation.SUM, False),
    ("F09", "Organizaciones capacitadas en gestión empresarial y financiera",
     "Organisations trained in business and financial management", "organisations", 10,
     Computation.ORGANISATIONS_TRAINED, Aggregation.SUM, False),
    ("F10",
     "Valor de créditos de instituciones financieras en zonas de desarrollo alternativo (US$)",
     "Value of loans by financial institutions in alternative development areas (US$)", "US$",
     44_000_000, Computation.LOANS_VALUE, Aggregation.SUM, False),
    ("F11", "Familias que accedieron a servicios financieros",
     "Families that accessed financial services", "families", 10_000,
     Computation.FAMILIES_FINANCE, Aggregation.SUM, True),
    ("F12", "Familias que accedieron a financiamiento sin apoyo del programa",
     "Families that accessed finance without programme support", "families", 2_500,
     Computation.FAMILIES_FINANCE_UNSUPPORTED, Aggregation.SUM, True),
    ("F13", "Empresas / instituciones financieras con servicios financieros más competitivos",
     "Companies / financial institutions with more competitive financing services",
     "institutions", 1, "", Aggregation.LATEST, False),
    ("F14", "Instituciones financieras calificadas", "Qualified financial institutions",
     "institutions", 4, "", Aggregation.LATEST, False),
    ("F15", "Hectáreas incorporadas a un sistema de trazabilidad",
     "Hectares incorporated into a traceability system", "ha", 23_000,
     Computation.HECTARES_GEOREFERENCED, Aggregation.SUM, False),
]  # fmt: skip

# Entered indicators: (code, year, value, scales with the demo) as the report gives them.
ENTERED = [
    ("F02", 2016, 20_934, True),
    ("F07", 2016, 5, False),
    ("F13", 2016, 1, False),
    ("F14", 2016, 4, False),
]

# The report's co-investment table: partner, kind, sector, US$, nature, region ubigeo (None: all).
PARTNERS = [
    ("Armajaro / ECOM Agrotrade", OrganisationKind.BUYER, Sector.PRIVATE, 6_403_496,
     Nature.LABOUR, None),
    ("Romex", OrganisationKind.BUYER, Sector.PRIVATE, 5_884_964, Nature.WORKING_CAPITAL, None),
    ("Caja Maynas", OrganisationKind.FINANCIAL, Sector.PRIVATE, 1_350_333,
     Nature.OPERATING_EXPENSES, "25"),
    ("Caja Señor de Luren", OrganisationKind.FINANCIAL, Sector.PRIVATE, 760_221, Nature.CASH,
     "10"),
    ("Financiera Confianza", OrganisationKind.FINANCIAL, Sector.PRIVATE, 2_121_223,
     Nature.PARTICIPANT_TIME, "22"),
    ("AMT Agroindustrias", OrganisationKind.PROCESSOR, Sector.PRIVATE, 1_430_000,
     Nature.INFRASTRUCTURE, "25"),
    ("Otros socios privados", OrganisationKind.BUYER, Sector.PRIVATE, 3_403_259, Nature.OTHER,
     None),
    # The report's producer organisations' row, less what farmers' recorded work is valued at.
    ("Organizaciones de productores", OrganisationKind.ASSOCIATION,
     Sector.PRODUCER_ORGANISATIONS, 1_999_502, Nature.INPUTS, None),
    ("Gobierno Regional de Ucayali (cofinanciamiento)", OrganisationKind.REGIONAL_GOVERNMENT,
     Sector.PUBLIC, 740_959, Nature.TRAINING, "25"),
    ("Municipalidades", OrganisationKind.MUNICIPALITY, Sector.PUBLIC, 1_298_533,
     Nature.LABOUR, None),
    ("DEVIDA", OrganisationKind.REGIONAL_GOVERNMENT, Sector.PUBLIC, 219_984, Nature.TRAVEL, "25"),
    ("Ministerio de Agricultura y Riego", OrganisationKind.REGIONAL_GOVERNMENT, Sector.PUBLIC,
     325_571, Nature.EQUIPMENT, None),
    ("USAID", OrganisationKind.PROGRAMME_OFFICE, Sector.DONOR, 36_000_000, Nature.CASH, None),
]  # fmt: skip

# US$ per unit, set so the full demo's farmers come near the report's $26.3 million:
# plantain seedlings $6.9 million, budwood and grafting $1.1 million, the rest land preparation.
UNIT_VALUES = {
    InKindActivity.LAND_PREPARATION: Decimal("629"),
    InKindActivity.PLANTAIN_SHADE: Decimal("264"),
    InKindActivity.GRAFTING: Decimal("43"),
}
UNSCALED = {"F07", "F09", "F13", "F14"}  # chains, organisations, institutions
LOAN_FAMILIES, LOAN_USD = 4_434, 20_226_259
YEARS = range(2012, 2017)
PEN_PER_USD = {2012: 2.64, 2013: 2.70, 2014: 2.84, 2015: 3.19, 2016: 3.38}  # yearly averages


def _month_starts() -> list[dt.date]:
    return [dt.date(y, m, 1) for y in YEARS for m in range(1, 13)]


def monitoring_build(*, scale: float, seed: int) -> None:
    """Load the demo's monitoring records (after producers, plots and visits exist)."""
    rng = np.random.default_rng(seed + 8)
    staff = get_user_model().objects.get(username="staff")
    days = _month_starts()
    rates = ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(
                date=d,
                pen_per_usd=Decimal(f"{PEN_PER_USD[d.year] + rng.normal(0, 0.02):.4f}"),
                source="demo (SBS-like monthly rate)",
            )
            for d in days
        ]
    )
    bulk_audit(actor=None, model=ExchangeRate, objects=rates, source=SOURCE)
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                code=code, name_es=es, name_en=en, unit=unit,
                source=Source.COMPUTED if how else Source.ENTERED, computation=how,
                aggregation=agg, by_sex=people, order=i,
            )
            for i, (code, es, en, unit, _t, how, agg, people) in enumerate(INDICATORS)
        ]
    )  # fmt: skip
    bulk_audit(actor=None, model=Indicator, objects=indicators, source=SOURCE)
    by_code = {i.code: i for i in indicators}
    for code, *_n, target, _h, _a, _p in INDICATORS:
        # Targets of counts, hectares and dollars scale with the demo; of institutions do not.
        value = round(target * scale) if code not in UNSCALED else target
        services.target_set(
            actor=None, indicator=by_code[code], value=Decimal(value), source=SOURCE
        )
    for code, year, value, scales in ENTERED:
        services.indicator_value_enter(
            actor=staff, indicator=by_code[code], year=year,
            value=Decimal(round(value * scale) if scales else value),
            note=REPORT, source=SOURCE,
        )  # fmt: skip
    _coinvestment_build(scale, rng)
    _loans_build(scale, rng)


def _coinvestment_build(scale: float, rng: np.random.Generator) -> None:
    regions = {d.ubigeo: d for d in Departamento.objects.all()}
    for activity, unit_usd in UNIT_VALUES.items():
        services.unit_value_set(
            actor=None, activity=activity, usd_per_unit=unit_usd, valid_from=dt.date(2012, 1, 1),
            source=SOURCE,
        )  # fmt: skip
    for name, kind, sector, usd, nature, region in PARTNERS:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            org = Organisation(
                name=name, kind=kind, departamento=regions.get(region) if region else None
            )
            instance_save(actor=None, instance=org, source=SOURCE)
        partner = services.partner_register(
            actor=None, organisation=org, sector=sector, committed_usd=Decimal(round(usd * scale)),
            source=SOURCE,
        )  # fmt: skip
        # Four yearly instalments, every other one entered in soles at that day's rate.
        for i, year in enumerate(range(2013, 2017)):
            day = dt.date(year, int(rng.integers(1, 13)), 1)
            amount = Decimal(f"{usd * scale / 4:.2f}")
            currency = Currency.USD
            if i % 2:
                amount = (amount * ExchangeRate.objects.get(date=day).pen_per_usd).quantize(
                    Decimal("0.01")
                )
                currency = Currency.PEN
            services.contribution_record(
                actor=None, partner=partner, date=day, amount=amount, currency=currency,
                nature=nature, region=regions.get(region) if region else None,
                evidence=f"acta de cofinanciamiento {year} (demo)", source=SOURCE,
            )  # fmt: skip


def _loans_build(scale: float, rng: np.random.Generator) -> None:
    institutions = list(Organisation.objects.filter(kind=OrganisationKind.FINANCIAL))
    producers = list(Producer.objects.order_by("pk").values_list("pk", flat=True))
    n = min(len(producers), round(LOAN_FAMILIES * scale))
    if not n or not institutions:
        return
    borrowers = rng.choice(producers, n, replace=False)
    weights = rng.lognormal(0, 0.5, n)
    usd = weights / weights.sum() * LOAN_USD * scale
    days = [d for d in _month_starts() if d.year >= 2013]
    purposes, statuses = LoanPurpose.values, RepaymentStatus.values
    loans = []
    for i, pk in enumerate(borrowers):
        day = days[int(rng.integers(len(days)))]
        amount_usd, amount_pen, rate = both_currencies(
            amount=Decimal(f"{usd[i]:.2f}"), currency=Currency.USD, day=day
        )
        loans.append(
            Loan(
                institution=institutions[i % len(institutions)], producer_id=int(pk), date=day,
                currency=Currency.USD, amount_usd=amount_usd, amount_pen=amount_pen, rate=rate,
                term_months=int(rng.choice([6, 12, 18, 24, 36])),
                purpose=purposes[int(rng.integers(len(purposes)))],
                # The report: no family reached finance without the programme's support.
                programme_support=True,
                status=statuses[int(rng.choice(len(statuses), p=[0.6, 0.1, 0.28, 0.02]))],
            )
        )  # fmt: skip
    made = Loan.objects.bulk_create(loans, batch_size=500)
    bulk_audit(actor=None, model=Loan, objects=made, source=SOURCE)
