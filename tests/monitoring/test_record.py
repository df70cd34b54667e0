"""The record pages, through the Django test client: writes by role, with evidence and author,
audited; refusals that store nothing; messages that say what was wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from chacra.accounts.models import AuditEntry
from chacra.monitoring.models import (
    Contribution,
    ExchangeRate,
    Indicator,
    IndicatorValue,
    InKindUnitValue,
    Loan,
    Partner,
    Source,
    Target,
)
from chacra.registry.models import Departamento, Organisation, OrganisationKind, Producer

pytestmark = pytest.mark.django_db
SM = "22"  # San Martín: the demo's regional office and agent work there


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _audited(model: str, pk: int, username: str) -> AuditEntry:
    entry = AuditEntry.objects.get(model=model, object_id=str(pk))
    assert entry.actor.get_username() == username
    assert entry.source == "web"
    return entry


def _jobs() -> Indicator:
    """An indicator the programme enters (the demo's jobs created)."""
    return Indicator.objects.filter(source=Source.ENTERED).order_by("code").first()


def test_staff_enter_a_value_with_a_document_kept_with_its_author(login: Any) -> None:
    jobs = _jobs()
    staff = login("staff")
    pdf = SimpleUploadedFile("planillas 2016.pdf", b"%PDF-1.4 planillas", "application/pdf")
    response = staff.post(
        "/monitoring/record/value/",
        {"indicator": jobs.pk, "year": 2016, "region": "", "sex": "F", "value": "37",
         "note": "", "document": pdf},
    )  # fmt: skip
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=jobs, year=2016, sex="F")
    assert value.value == Decimal(37)
    assert value.entered_by.get_username() == "staff"
    assert value.document.startswith("monitoring/planillas")
    _audited("monitoring.IndicatorValue", value.pk, "staff")
    page = staff.get(f"/monitoring/indicators/{jobs.code}/")
    assert page.status_code == 200
    link = next(c for r in page.context["entries"] for c in r if getattr(c, "url", None))
    download = staff.get(link.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 planillas"
    assert login("investor").get(link.url).status_code == 403
    seen = login("investor").get(f"/monitoring/indicators/{jobs.code}/")
    assert seen.context["entries"] is None  # evidence and authors are for staff roles
    assert "planillas" not in seen.content.decode()


def test_a_value_with_no_evidence_is_refused_on_the_form(login: Any) -> None:
    jobs = _jobs()
    before = IndicatorValue.objects.count()
    response = login("staff").post(
        "/monitoring/record/value/",
        {"indicator": jobs.pk, "year": 2016, "value": "5", "note": "  "},
    )
    assert response.status_code == 400
    assert "evidence" in str(response.context["form"].errors["note"])
    empty = login("staff").post("/monitoring/record/value/", {})
    assert empty.status_code == 400
    assert set(empty.context["form"].errors) >= {"indicator", "year", "value"}
    bad = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    response = login("staff").post(
        "/monitoring/record/value/",
        {"indicator": jobs.pk, "year": 2016, "value": "5", "note": "x", "document": bad},
    )
    assert response.status_code == 400
    assert "virus.exe" in str(response.context["form"].errors["document"])
    assert IndicatorValue.objects.count() == before


def test_roles_that_may_not_write_are_refused_and_nothing_is_stored(login: Any) -> None:
    jobs = _jobs()
    data = {"indicator": jobs.pk, "year": 2016, "value": "5", "note": "acta"}
    before = IndicatorValue.objects.count()
    for role in ("investor", "buyer", "agent-sm-01"):
        assert login(role).post("/monitoring/record/value/", data).status_code == 403, role
    assert login(None).post("/monitoring/record/value/", data).status_code == 302  # to log in
    rate = {"date": "2016-12-30", "pen_per_usd": "3.40"}
    assert login("regional-sm").post("/monitoring/record/rate/", rate).status_code == 403
    assert IndicatorValue.objects.count() == before
    assert not ExchangeRate.objects.filter(date=dt.date(2016, 12, 30)).exists()


def test_a_regional_office_enters_values_for_its_own_region_only(login: Any) -> None:
    jobs = _jobs()
    office = login("regional-sm")
    page = office.get("/monitoring/record/value/")
    assert [d.ubigeo for d in page.context["form"].fields["region"].queryset] == [SM]
    other = Departamento.objects.exclude(ubigeo=SM).first()
    data = {"indicator": jobs.pk, "year": 2016, "value": "4", "note": "acta regional"}
    response = office.post("/monitoring/record/value/", data | {"region": other.pk})
    assert response.status_code == 400  # not a choice offered
    assert not IndicatorValue.objects.filter(note="acta regional").exists()
    mine = Departamento.objects.get(ubigeo=SM)
    assert office.post("/monitoring/record/value/", data | {"region": mine.pk}).status_code == 302
    value = IndicatorValue.objects.get(note="acta regional")
    assert (value.region, value.entered_by.get_username()) == (mine, "regional-sm")


def test_a_contribution_in_soles_converts_at_its_dates_rate(login: Any) -> None:
    staff = login("staff")
    day = "2016-12-29"
    rate = {"date": day, "pen_per_usd": "3.5000"}
    assert staff.post("/monitoring/record/rate/", rate).status_code == 302
    partner = Partner.objects.exclude(sector="donor").first()
    data = {"partner": partner.pk, "date": day, "amount": "7000", "currency": "PEN",
            "nature": "cash", "region": "", "evidence": "acta 2016-12"}  # fmt: skip
    acta = SimpleUploadedFile("acta.pdf", b"%PDF acta", "application/pdf")
    assert (
        staff.post("/monitoring/record/contribution/", data | {"document": acta}).status_code == 302
    )
    c = Contribution.objects.get(evidence="acta 2016-12")
    url = f"/monitoring/document/?name={c.document}"
    assert b"".join(staff.get(url).streaming_content) == b"%PDF acta"
    assert login("regional-sm").get(url).status_code == 404  # a programme-wide contribution
    assert (c.amount_usd, c.amount_pen, c.rate) == (
        Decimal("2000.00"),
        Decimal(7000),
        Decimal("3.5"),
    )
    assert c.recorded_by.get_username() == "staff"
    _audited("monitoring.Contribution", c.pk, "staff")
    _audited("monitoring.ExchangeRate", ExchangeRate.objects.get(date=day).pk, "staff")
    no_rate = staff.post("/monitoring/record/contribution/", data | {"date": "2016-12-31"})
    assert no_rate.status_code == 400
    assert "2016-12-31" in str(no_rate.context["form"].errors["date"])


def test_staff_keep_the_programmes_books(login: Any) -> None:
    staff = login("staff")
    org = Organisation.objects.create(name="Empresa Formulario", kind=OrganisationKind.BUYER)
    form = {"organisation": org.pk, "sector": "private", "committed_usd": "5000"}
    assert staff.post("/monitoring/record/partner/", form).status_code == 302
    partner = Partner.objects.get(organisation=org)
    _audited("monitoring.Partner", partner.pk, "staff")
    families = Indicator.objects.get(code="F01")
    form = {"indicator": families.pk, "year": 2016, "region": "", "value": "123"}
    assert staff.post("/monitoring/record/target/", form).status_code == 302
    target = Target.objects.get(indicator=families, year=2016, region=None)
    assert target.value == 123
    _audited("monitoring.Target", target.pk, "staff")
    page = staff.get("/monitoring/indicators/F01/")
    assert 2016 in {p.year for p in page.context["row"].trend if p.target == 123}
    form = {"activity": "nursery_building", "usd_per_unit": "250", "valid_from": "2012-01-01"}
    assert staff.post("/monitoring/record/unit-value/", form).status_code == 302
    assert InKindUnitValue.objects.get(activity="nursery_building").usd_per_unit == 250
    form = {"code": "x-9", "name_es": "Mujeres líderes", "name_en": "Women leaders",
            "unit": "women", "aggregation": "sum", "by_region": "on"}  # fmt: skip
    assert staff.post("/monitoring/record/indicator/", form).status_code == 302
    defined = Indicator.objects.get(code="X-9")
    assert (defined.source, defined.by_region, defined.by_sex) == (Source.ENTERED, True, False)
    computed = staff.post("/monitoring/record/indicator/", form | {"code": "F01"})
    assert computed.status_code == 400
    assert "computes" in str(computed.context["form"].errors["code"])
    assert Indicator.objects.get(code="F01").source == Source.COMPUTED


def test_a_regional_office_records_loans_of_its_producers(login: Any) -> None:
    office = login("regional-sm")
    bank = Organisation.objects.filter(kind=OrganisationKind.FINANCIAL).first()
    in_sm = "comunidad__distrito__provincia__departamento__ubigeo"
    mine = Producer.objects.filter(**{in_sm: SM}).first()
    far = Producer.objects.exclude(**{in_sm: SM}).first()
    day = ExchangeRate.objects.order_by("date").first().date
    data = {"institution": bank.pk, "date": day.isoformat(), "amount": "900", "currency": "USD",
            "term_months": "18", "purpose": "planting"}  # fmt: skip
    refused = office.post("/monitoring/record/loan/", data | {"producer": far.code})
    assert refused.status_code == 400
    assert far.code in str(refused.context["form"].errors["producer"])
    assert (
        office.post("/monitoring/record/loan/", data | {"producer": mine.code}).status_code == 302
    )
    loan = Loan.objects.get(producer=mine, amount_usd=900, date=day)
    assert loan.programme_support is False  # the box was not ticked
    assert loan.recorded_by == get_user_model().objects.get(username="regional-sm")
    _audited("monitoring.Loan", loan.pk, "regional-sm")
    status = {"loan": loan.pk, "status": "repaid"}
    assert office.post("/monitoring/record/loan-status/", status).status_code == 302
    loan.refresh_from_db()
    assert loan.status == "repaid"
    far_loan = Loan.objects.exclude(**{f"producer__{in_sm}": SM}).first()
    was = far_loan.status
    other = "late" if was != "late" else "current"
    elsewhere = office.post(
        "/monitoring/record/loan-status/", {"loan": far_loan.pk, "status": other}
    )
    assert elsewhere.status_code == 400
    far_loan.refresh_from_db()
    assert far_loan.status == was
