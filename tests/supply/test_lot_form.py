"""The page that makes a lot from purchases: written through the service (audited as web), a
refusal shown at its field with nothing written, and only for the roles that write supply data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.supply.models import Allocation, Lot, Purchase, StepKind
from tests.supply.scenario import DAY, Chain, buy, organisation
from tests.supply.web import client_as, errors_of, far_regional, ledger, refused_roles, web_audit

URL = "/supply/lots/new/"


@pytest.fixture
def fresh(chain: Chain) -> tuple[Purchase, Purchase]:
    """Two purchases of producer A not yet in a lot: 100 kg and 50 kg."""
    return (
        buy(chain.coop, chain.a, "R-10", [(chain.a1, "100")]),
        buy(chain.coop, chain.a, "R-11", [(chain.a2, "50")]),
    )


def _form(chain: Chain, purchases: list[Purchase], **changes: Any) -> dict[str, Any]:
    return {
        "organisation": chain.coop.pk, "date": str(DAY),
        "purchases": [p.pk for p in purchases], "custody_model": "segregated",
    } | changes  # fmt: skip


def test_staff_make_a_lot_from_two_purchases(
    chain: Chain, fresh: tuple[Purchase, ...], english: None
) -> None:
    staff = client_as(Role.STAFF, "staff-lot")
    assert URL in staff.get(reverse("supply")).content.decode()
    page = staff.get(URL, {"organisation": chain.coop.pk})
    assert page.status_code == 200
    offered = dict(page.context["form"].fields["purchases"].choices)
    # the open purchases: R-2 has 500 kg left, R-1 went wholly into a lot
    assert set(offered) == {fresh[0].pk, fresh[1].pk, chain.pb.pk}
    assert "R-10" in offered[fresh[0].pk]
    assert "100.00 kg" in offered[fresh[0].pk]
    before = ledger()

    answer = staff.post(f"{URL}?organisation={chain.coop.pk}", _form(chain, list(fresh)))

    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    lot = Lot.objects.get(step=Allocation.objects.get(purchase=fresh[0]).step)
    assert answer["Location"] == reverse("supply-lot", args=[lot.pk])
    assert (lot.kg, lot.custody_model, lot.bean_state) == (Decimal("150.00"), "segregated", "wet")
    assert lot.step.kind == StepKind.COLLECTION
    assert lot.custodian == chain.coop
    assert sorted(Allocation.objects.filter(step=lot.step).values_list("kg", flat=True)) == [
        Decimal("50.00"), Decimal("100.00"),
    ]  # fmt: skip
    for bought in fresh:
        bought.refresh_from_db()
        assert bought.allocated_kg == bought.kg
    after = ledger()
    assert {k: after[k] - before[k] for k in after} == {
        "Lot": 1, "ProcessingStep": 1, "Allocation": 2, "CustodyTransfer": 0, "Shipment": 0,
        "AuditEntry": 4,
    }  # fmt: skip
    assert web_audit() == {
        "supply.ProcessingStep create": 1, "supply.Lot create": 1, "supply.Allocation create": 2,
    }  # fmt: skip
    assert lot.code in staff.get(answer["Location"]).content.decode()


@pytest.mark.parametrize(
    ("case", "field", "said"),
    [
        ("used", "purchases", "R-1 has 0.00 kg left"),  # wholly in lot L1 already
        ("foreign", "purchases", "R-90 were bought by another organisation"),
        ("two producers", "custody_model", "come from 2 producers"),
        ("none", "purchases", ""),
        ("future", "date", "in the future"),
        ("wet and dry", "purchases", "different states"),
    ],
)
def test_a_refused_lot_is_shown_at_its_field_and_writes_nothing(
    chain: Chain, fresh: tuple[Purchase, ...], english: None, case: str, field: str, said: str
) -> None:
    elsewhere = organisation("Asociación Vecina")
    forms = {
        "used": _form(chain, [chain.pa]),
        "foreign": _form(chain, [fresh[0], buy(elsewhere, chain.a, "R-90", [(chain.a1, "5")])]),
        "two producers": _form(chain, [fresh[0], chain.pb], custody_model="identity_preserved"),
        "none": _form(chain, []),
        "future": _form(chain, list(fresh), date="2999-01-01"),
        "wet and dry": _form(
            chain, [fresh[0], buy(chain.coop, chain.a, "R-91", [(chain.a1, "5")], bean_state="dry")]
        ),
    }
    staff = client_as(Role.STAFF, "staff-lot-refused")
    before = ledger()
    answer = staff.post(URL, forms[case])
    assert answer.status_code in (400, 409)
    assert ledger() == before
    assert said in errors_of(answer, field), answer.context["form"].errors
    assert errors_of(answer, field)
    if case != "none":  # the form itself asks for a purchase; the others are the service's
        assert "Nothing was recorded." in errors_of(answer, None)


def test_a_regional_office_collects_its_regions_purchases_only(
    chain: Chain, fresh: tuple[Purchase, ...]
) -> None:
    elsewhere = far_regional()
    assert fresh[0].pk not in dict(elsewhere.get(URL).context["form"].fields["purchases"].choices)
    before = ledger()
    refused = elsewhere.post(URL, _form(chain, [fresh[0]]))
    assert refused.status_code == 400
    assert errors_of(refused, "purchases")
    assert ledger() == before
    home = chain.a.comunidad.distrito.provincia.departamento
    regional = client_as(Role.REGIONAL, "reg-lot", region=home)
    assert regional.post(URL, _form(chain, [fresh[0]])).status_code == 302
    assert Purchase.objects.get(pk=fresh[0].pk).allocated_kg == Decimal("100.00")


def test_only_roles_that_write_supply_data_get_the_page(
    chain: Chain, fresh: tuple[Purchase, ...]
) -> None:
    refused = refused_roles(chain)
    before = ledger()
    for client in refused:
        assert client.get(URL).status_code == 403
        assert client.post(URL, _form(chain, list(fresh))).status_code == 403
        assert URL not in client.get(reverse("supply")).content.decode()
    assert Client().get(URL).status_code == 302  # to the login page
    assert ledger() == before
