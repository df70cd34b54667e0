"""The purchase page: recorded through the service (audited as web), refusals at their field
with nothing written, and only for the roles that record purchases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.supply.models import Purchase
from tests.factories import DepartamentoFactory, UserFactory
from tests.supply.scenario import DAY, Chain

URL = "/supply/purchases/new/"


def _client(role: Role, name: str, **kw: Any) -> Client:
    user = UserFactory(username=name)
    user_set_role(actor=None, user=user, role=role, **kw)
    client = Client()
    client.force_login(user)
    return client


def _form(chain: Chain, **changes: Any) -> dict[str, Any]:
    return {
        "buyer": chain.coop.pk, "receipt_number": "R-100", "date": str(DAY),
        "producer": chain.a.code, "plot_1": chain.a1.code, "kg_1": "120",
        "plot_2": chain.a2.code, "kg_2": "30", "bean_state": "wet", "flavour": "fine_flavour",
        "quality_grade": "", "price_per_kg": "2.50", "premium_per_kg": "0.25",
    } | changes  # fmt: skip


def test_staff_record_a_purchase_from_two_plots(chain: Chain) -> None:
    staff = _client(Role.STAFF, "staff-buy")
    page = staff.get(reverse("supply"))
    assert URL in page.content.decode()
    assert staff.get(URL).status_code == 200
    answer = staff.post(URL, _form(chain))
    assert answer.status_code == 302
    purchase = Purchase.objects.get(buyer=chain.coop, receipt_number="R-100")
    assert answer["Location"] == reverse("supply-purchase-saved", args=[purchase.pk])
    assert purchase.kg == Decimal("150.00")
    assert purchase.amount_paid == Decimal("412.50")  # 150 kg x (2.50 + 0.25)
    assert sorted((o.plot.code, o.kg) for o in purchase.origins.all()) == [
        (chain.a1.code, Decimal("120.00")), (chain.a2.code, Decimal("30.00")),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(
        model="supply.Purchase", object_id=str(purchase.pk), source="web"
    ).exists()
    saved = staff.get(answer["Location"]).content.decode()
    assert "R-100" in saved
    assert "150" in saved


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"plot_1": "TB1"}, "plot_1", "TB1"),  # another producer's plot
        ({"receipt_number": "R-1"}, None, "R-1"),  # the receipt is the chain's first purchase
        ({"producer": "P999999"}, "producer", "P999999"),
        ({"kg_2": ""}, "kg_2", "second plot"),
        ({"kg_1": "0"}, "kg_1", ""),
    ],
)
def test_a_refused_purchase_is_shown_at_its_field_and_writes_nothing(
    chain: Chain, english: None, changes: dict[str, Any], field: str | None, said: str
) -> None:
    staff = _client(Role.STAFF, "staff-refused")
    before = Purchase.objects.count()
    answer = staff.post(URL, _form(chain, **changes))
    assert answer.status_code in (400, 409)
    assert Purchase.objects.count() == before
    form = answer.context["form"]
    errors = form.errors.get(field or "__all__") or form.non_field_errors()
    assert errors, form.errors
    assert said in " ".join(str(e) for e in form.errors.values())


def test_only_roles_that_record_purchases_get_the_page(chain: Chain) -> None:
    for role, name, kw in [
        (Role.INVESTOR, "inv-buy", {}),
        (Role.BUYER, "buyer-buy", {}),
        (Role.AGENT, "agent-buy", {"region": chain.a.comunidad.distrito.provincia.departamento}),
    ]:
        assert _client(role, name, **kw).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login page


def test_a_regional_office_records_in_its_region_only(chain: Chain) -> None:
    home = chain.a.comunidad.distrito.provincia.departamento
    elsewhere = _client(
        Role.REGIONAL, "reg-far", region=DepartamentoFactory(ubigeo="25", name="Ucayali")
    )
    refused = elsewhere.post(URL, _form(chain))
    assert refused.status_code in (400, 403)
    assert not Purchase.objects.filter(receipt_number="R-100").exists()
    regional = _client(Role.REGIONAL, "reg-near", region=home)
    assert regional.post(URL, _form(chain)).status_code == 302
    assert Purchase.objects.filter(receipt_number="R-100").exists()


def test_the_top_menu_leads_to_lots_and_shipments_for_the_roles_that_see_them(
    chain: Chain,
) -> None:
    link = 'href="/supply/"'
    assert link in _client(Role.STAFF, "staff-menu").get("/").content.decode()
    assert link in _client(Role.BUYER, "buyer-menu").get("/").content.decode()
    assert link not in _client(Role.INVESTOR, "inv-menu").get("/").content.decode()
