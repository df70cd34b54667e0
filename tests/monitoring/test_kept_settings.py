"""Targets, exchange rates, partners and in-kind unit values are kept one per key: setting one
again changes the row that is there (audited), it does not add another."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chacra.accounts.models import AuditEntry
from chacra.errors import InvalidInput
from chacra.monitoring import services
from chacra.monitoring.models import (
    Currency,
    ExchangeRate,
    Indicator,
    InKindActivity,
    InKindUnitValue,
    Partner,
    Sector,
    Source,
    Target,
)
from chacra.registry.models import Organisation, OrganisationKind
from tests.monitoring.scenario import DAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def built() -> dict[str, Any]:
    return build()


def test_setting_a_target_twice_changes_the_one_target(built: dict[str, Any]) -> None:
    staff, region = built["staff"], built["region"]
    jobs = Indicator.objects.create(
        code="K-JOBS", name_es="Empleos", name_en="Jobs", unit="jobs", source=Source.ENTERED
    )
    first = services.target_set(actor=staff, indicator=jobs, value=Decimal(100), year=2016,
                                region=region)  # fmt: skip
    again = services.target_set(actor=staff, indicator=jobs, value=Decimal(150), year=2016,
                                region=region)  # fmt: skip
    services.target_set(actor=staff, indicator=jobs, value=Decimal(900))  # the programme's
    assert again.pk == first.pk
    kept = Target.objects.filter(indicator=jobs)
    assert {(t.year, t.region_id, t.value) for t in kept} == {
        (2016, region.pk, Decimal(150)),
        (None, None, Decimal(900)),
    }
    audited = AuditEntry.objects.filter(model="monitoring.Target", object_id=str(first.pk))
    assert audited.count() == 2


def test_a_rate_a_partner_and_a_unit_value_set_again_keep_one_row(built: dict[str, Any]) -> None:
    staff = built["staff"]
    day = dt.date(2016, 2, 29)
    services.exchange_rate_set(actor=staff, date=day, pen_per_usd=Decimal("3.30"), note="BCRP")
    services.exchange_rate_set(actor=staff, date=day, pen_per_usd=Decimal("3.35"), note="SBS")
    rate = ExchangeRate.objects.get(date=day)
    assert (rate.pen_per_usd, rate.source) == (Decimal("3.35"), "SBS")
    org = Organisation.objects.create(name="Empresa K", kind=OrganisationKind.BUYER)
    services.partner_register(actor=staff, organisation=org, sector=Sector.PRIVATE)
    services.partner_register(actor=staff, organisation=org, sector=Sector.DONOR,
                              committed_usd=Decimal(5000))  # fmt: skip
    partner = Partner.objects.get(organisation=org)
    assert (partner.sector, partner.committed_usd) == (Sector.DONOR, Decimal(5000))
    since = dt.date(2016, 1, 1)
    for usd in (Decimal(10), Decimal(12)):
        services.unit_value_set(actor=staff, activity=InKindActivity.LAND_PREPARATION,
                                usd_per_unit=usd, valid_from=since)  # fmt: skip
    kept = InKindUnitValue.objects.filter(
        activity=InKindActivity.LAND_PREPARATION, valid_from=since
    )
    assert [v.usd_per_unit for v in kept] == [Decimal(12)]


def test_an_unknown_nature_or_status_is_refused_naming_the_accepted(
    built: dict[str, Any],
) -> None:
    staff = built["staff"]
    org = Organisation.objects.create(name="Muni K", kind=OrganisationKind.BUYER)
    partner = services.partner_register(actor=staff, organisation=org, sector=Sector.PUBLIC)
    with pytest.raises(InvalidInput, match=r"^nature: 'gift' is not a nature of contribution; "
                       r"use one of labour, .*, equipment, ") as refused:  # fmt: skip
        services.contribution_record(
            actor=staff, partner=partner, date=DAY, amount=Decimal(1), currency=Currency.USD,
            nature="gift",
        )  # fmt: skip
    assert refused.value.field == "nature"
    loan = services.loan_record(
        actor=staff, institution=built["bank"], producer=built["producers"][0], date=DAY,
        amount=Decimal(10), currency=Currency.USD, term_months=6, purpose="planting",
        programme_support=True,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match=r"^status: 'overdue' is not a repayment status; use "
                       r"one of current, late, repaid, defaulted$"):  # fmt: skip
        services.loan_status_set(actor=staff, loan=loan, status="overdue")
