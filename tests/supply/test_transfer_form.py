"""The custody transfer form on the lot page (and its own page for a refusal): written through
the service (audited as web), a refusal shown with nothing written, only for the roles that write
supply data, and only offered for a whole, untouched lot."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.supply.models import CustodyTransfer, Lot
from tests.supply.scenario import DAY, Chain, organisation
from tests.supply.web import client_as, errors_of, ledger, refused_roles, web_audit


def _url(lot: Lot) -> str:
    return f"/supply/lots/{lot.pk}/transfer/"


def _form(to: Any, **changes: Any) -> dict[str, Any]:
    return {"to_organisation": to.pk, "date": str(DAY), "document": "GR-001-77"} | changes


def test_staff_hand_an_untouched_lot_over_from_its_page(chain: Chain) -> None:
    exporter = organisation("Exportadora Prueba", "buyer")
    staff = client_as(Role.STAFF, "staff-transfer")
    page = staff.get(reverse("supply-lot", args=[chain.part_200.pk])).content.decode()
    assert f'action="{_url(chain.part_200)}"' in page
    assert 'id="transfer-form"' in page
    # a lot that beans were taken from is not offered: split off what is left first
    used = staff.get(reverse("supply-lot", args=[chain.dried.pk])).content.decode()
    assert 'id="transfer-form"' not in used
    before = ledger()

    answer = staff.post(_url(chain.part_200), _form(exporter))

    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    assert answer["Location"] == reverse("supply-lot", args=[chain.part_200.pk])
    transfer = CustodyTransfer.objects.get(lot=chain.part_200)
    assert (transfer.from_organisation, transfer.to_organisation) == (chain.coop, exporter)
    assert (transfer.kg, transfer.document) == (chain.part_200.kg, "GR-001-77")
    chain.part_200.refresh_from_db()
    assert chain.part_200.custodian == exporter
    after = ledger()
    assert {k: after[k] - before[k] for k in after} == {
        "Lot": 0, "ProcessingStep": 0, "Allocation": 0, "CustodyTransfer": 1, "Shipment": 0,
        "AuditEntry": 2,
    }  # fmt: skip
    assert web_audit() == {"supply.CustodyTransfer create": 1, "supply.Lot update": 1}
    shown = staff.get(answer["Location"]).content.decode()
    assert "GR-001-77" in shown  # in the lot's custody transfers


@pytest.mark.parametrize(
    ("case", "field", "said"),
    [
        ("used", None, "already used"),  # the dried lot was split
        ("same holder", "to_organisation", "already holds"),
        ("future", "date", "in the future"),
        ("no one", "to_organisation", ""),
    ],
)
def test_a_refused_transfer_is_shown_and_writes_nothing(
    chain: Chain, english: None, case: str, field: str | None, said: str
) -> None:
    exporter = organisation("Exportadora Prueba", "buyer")
    lot, form = {
        "used": (chain.dried, _form(exporter)),
        "same holder": (chain.part_200, _form(chain.coop)),
        "future": (chain.part_200, _form(exporter, date="2999-01-01")),
        "no one": (chain.part_200, _form(exporter, to_organisation="")),
    }[case]
    staff = client_as(Role.STAFF, "staff-transfer-refused")
    before = ledger()
    answer = staff.post(_url(lot), form)
    assert answer.status_code in (400, 409)
    assert ledger() == before
    assert errors_of(answer, field)
    assert said in errors_of(answer, field), answer.context["form"].errors


def test_only_roles_that_write_supply_data_hand_lots_over(chain: Chain) -> None:
    exporter = organisation("Exportadora Prueba", "buyer")
    refused = refused_roles(chain)
    before = ledger()
    for client in refused:
        assert client.get(_url(chain.part_200)).status_code == 403
        assert client.post(_url(chain.part_200), _form(exporter)).status_code == 403
    agent_sees = refused[2].get(reverse("supply-lot", args=[chain.part_200.pk])).content.decode()
    assert 'id="transfer-form"' not in agent_sees
    assert Client().post(_url(chain.part_200), _form(exporter)).status_code == 302  # login
    assert ledger() == before
