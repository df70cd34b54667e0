"""Currency on the right date, entered values with evidence and author, the co-investment table;
targets, rates, partners and unit values kept one per key (set again, the row changes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.errors import AccessDenied, InvalidInput
from chacra.monitoring import services
from chacra.monitoring.ledger import coinvestment_summary
from chacra.monitoring.models import (
    Currency,
    ExchangeRate,
    Indicator,
    IndicatorValue,
    InKindActivity,
    InKindUnitValue,
    Loan,
    Nature,
    Partner,
    Sector,
    Source,
    Target,
)
from chacra.registry.models import Organisation, OrganisationKind, Producer
from tests.factories import UserFactory
from tests.monitoring.scenario import DAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def built() -> dict[str, Any]:
    return build()


def test_a_loan_in_soles_converts_at_its_own_date_rate(built: dict[str, Any]) -> None:
    loan = Loan.objects.get(producer=built["producers"][0], currency=Currency.PEN)
    assert loan.rate == Decimal("3.2000")  # 2015-03-01's rate, not 2014-03-01's 2.80
    assert loan.amount_pen == Decimal("3200")
    assert loan.amount_usd == Decimal("1000.00")


def test_a_date_with_no_rate_is_refused_naming_the_date(built: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="2014-03-02"):
        services.loan_record(
            actor=built["staff"], institution=built["bank"], producer=built["producers"][1],
            date=dt.date(2014, 3, 2), amount=Decimal(10), currency=Currency.USD,
            term_months=6, purpose="planting", programme_support=True,
        )  # fmt: skip


def test_entered_values_keep_evidence_and_author(built: dict[str, Any]) -> None:
    jobs = Indicator.objects.create(
        code="T-JOBS", name_es="Empleos", name_en="Jobs", unit="jobs", source=Source.ENTERED
    )
    value = services.indicator_value_enter(
        actor=built["staff"], indicator=jobs, year=2015, value=Decimal(120),
        note="planillas de cooperativas 2015", region=built["region"],
    )  # fmt: skip
    stored = IndicatorValue.objects.get(pk=value.pk)
    assert stored.entered_by == built["staff"]
    assert stored.note == "planillas de cooperativas 2015"
    entry = AuditEntry.objects.get(model="monitoring.IndicatorValue", object_id=str(value.pk))
    assert entry.actor == built["staff"]
    with pytest.raises(InvalidInput, match="evidence"):
        services.indicator_value_enter(
            actor=built["staff"], indicator=jobs, year=2015, value=Decimal(1), note="  "
        )


def test_computed_indicators_take_no_entered_values(built: dict[str, Any]) -> None:
    families = next(iter(built["indicators"].values()))
    with pytest.raises(InvalidInput, match="computed"):
        services.indicator_value_enter(
            actor=built["staff"], indicator=families, year=2015, value=Decimal(1), note="x"
        )


def test_only_programme_staff_or_the_region_write(built: dict[str, Any]) -> None:
    investor = UserFactory(username="mon-investor")
    user_set_role(actor=None, user=investor, role=Role.INVESTOR)
    with pytest.raises(AccessDenied):
        services.exchange_rate_set(actor=investor, date=DAY, pen_per_usd=Decimal(3))
    with pytest.raises(AccessDenied):
        services.loan_record(
            actor=investor, institution=built["bank"], producer=built["producers"][0], date=DAY,
            amount=Decimal(1), currency=Currency.USD, term_months=1, purpose="other",
            programme_support=True,
        )  # fmt: skip


def test_coinvestment_subtotals_farmers_and_leverage(built: dict[str, Any]) -> None:
    staff, region = built["staff"], built["region"]
    # Only the values set here count (the session's demo, when loaded, sets its own).
    InKindUnitValue.objects.all().delete()
    services.unit_value_set(
        actor=staff, activity=InKindActivity.LAND_PREPARATION, usd_per_unit=Decimal(100),
        valid_from=dt.date(2012, 1, 1),
    )  # fmt: skip
    # From 2015 on a hectare is worth more: plots 1 and 3 (2 + 4 ha) were planted in 2015.
    services.unit_value_set(
        actor=staff, activity=InKindActivity.LAND_PREPARATION, usd_per_unit=Decimal(200),
        valid_from=dt.date(2015, 1, 1),
    )  # fmt: skip
    producers = Producer.objects.filter(comunidad__distrito__provincia__departamento=region)
    # Contributions are programme-wide: count what these three add to any already recorded.
    before = coinvestment_summary(producers=producers)
    sectors = {"Empresa P": Sector.PRIVATE, "Muni P": Sector.PUBLIC, "Donante P": Sector.DONOR}
    for name, sector in sectors.items():
        org = Organisation.objects.create(name=name, kind=OrganisationKind.BUYER)
        partner = services.partner_register(actor=staff, organisation=org, sector=sector)
        services.contribution_record(
            actor=staff, partner=partner, date=DAY, amount=Decimal("2800"), currency=Currency.PEN,
            nature=Nature.EQUIPMENT, region=region, evidence="acta",
        )  # fmt: skip
    s = coinvestment_summary(producers=producers)
    assert s.farmers_usd == 9 * 100 + 6 * 200
    assert [(f.region, f.farmers) for f in s.farmers] == [("Región Prueba", 5)]
    assert s.public_usd - before.public_usd == 1000  # S/ 2,800 at 2.80
    assert s.private_usd - before.private_usd == 1000
    assert s.private_usd - s.farmers_usd == pytest.approx(
        before.private_usd - before.farmers_usd + 1000
    )
    assert s.leveraged_usd == pytest.approx(s.private_usd + s.public_usd)
    assert s.donor_usd - before.donor_usd == 1000
    assert s.leverage_ratio == pytest.approx(s.leveraged_usd / s.donor_usd, abs=0.01)


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
