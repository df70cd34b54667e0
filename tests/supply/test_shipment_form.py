"""The page that makes a shipment from dry lots, reached from /supply/: written through the
service (audited as web), a refusal shown at its field with nothing written, and only for the
roles that write supply data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.supply import services
from chacra.supply.models import Allocation, Lot, Shipment
from tests.supply.scenario import DAY, Chain, organisation
from tests.supply.web import client_as, errors_of, ledger, refused_roles, web_audit

URL = "/supply/shipments/new/"


def _form(chain: Chain, lots: list[Lot], **changes: Any) -> dict[str, Any]:
    return {
        "lots": [lot.pk for lot in lots], "container_number": "mscu 7654321",
        "destination": "Antwerp, Belgium", "buyer": chain.client.pk, "date": str(DAY),
    } | changes  # fmt: skip


def test_staff_ship_a_dry_lot(chain: Chain) -> None:
    staff = client_as(Role.STAFF, "staff-ship")
    assert URL in staff.get(reverse("supply")).content.decode()
    page = staff.get(URL)
    assert page.status_code == 200
    # only dry lots with kilos left: the 200 kg part (the 300 kg part is shipped, the rest used)
    offered = dict(page.context["form"].fields["lots"].choices)
    assert list(offered) == [chain.part_200.pk]
    assert chain.part_200.code in offered[chain.part_200.pk]
    before = ledger()

    answer = staff.post(URL, _form(chain, [chain.part_200]))

    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    shipment = Shipment.objects.get(container_number="MSCU7654321")
    assert answer["Location"] == reverse("supply-shipment", args=[shipment.pk])
    assert (shipment.kg, shipment.shipper, shipment.buyer) == (
        Decimal("200.00"), chain.coop, chain.client,
    )  # fmt: skip
    assert shipment.destination == "Antwerp, Belgium"
    assert Allocation.objects.get(shipment=shipment).lot == chain.part_200
    after = ledger()
    assert {k: after[k] - before[k] for k in after} == {
        "Lot": 0, "ProcessingStep": 0, "Allocation": 1, "CustodyTransfer": 0, "Shipment": 1,
        "AuditEntry": 2,
    }  # fmt: skip
    assert web_audit() == {"supply.Shipment create": 1, "supply.Allocation create": 1}
    assert "MSCU7654321" in staff.get(answer["Location"]).content.decode()


@pytest.mark.parametrize(
    ("case", "field", "said"),
    [
        ("shipped", "lots", "has 0.00 kg left"),  # the 300 kg part went into S already
        ("wet", "lots", "are not dry"),
        ("two holders", "lots", "held by different organisations"),
        ("container", "container_number", "ISO 6346"),
        ("blank destination", "destination", "required"),
        ("future", "date", "in the future"),
    ],
)
def test_a_refused_shipment_is_shown_at_its_field_and_writes_nothing(
    chain: Chain, english: None, case: str, field: str, said: str
) -> None:
    def wet() -> Lot:
        return services.lot_collect(actor=None, purchases=[(chain.pb, None)], date=DAY)

    def two_holders() -> list[Lot]:
        parts = services.lot_split(actor=None, lot=chain.part_200, parts=["50", "150"], date=DAY)
        services.custody_transfer(
            actor=None, lot=parts[0], to_organisation=organisation("Otra Cooperativa"), date=DAY
        )
        return parts

    forms = {
        "shipped": lambda: _form(chain, [chain.part_300]),
        "wet": lambda: _form(chain, [wet()]),
        "two holders": lambda: _form(chain, two_holders()),
        "container": lambda: _form(chain, [chain.part_200], container_number="MSCU12"),
        "blank destination": lambda: _form(chain, [chain.part_200], destination="   "),
        "future": lambda: _form(chain, [chain.part_200], date="2999-01-01"),
    }
    form = forms[case]()
    staff = client_as(Role.STAFF, "staff-ship-refused")
    before = ledger()
    answer = staff.post(URL, form)
    assert answer.status_code in (400, 409)
    assert ledger() == before
    assert errors_of(answer, field)
    assert said in errors_of(answer, field), answer.context["form"].errors


def test_only_roles_that_write_supply_data_get_the_page(chain: Chain) -> None:
    refused = refused_roles(chain)
    before = ledger()
    for client in refused:
        assert client.get(URL).status_code == 403
        assert client.post(URL, _form(chain, [chain.part_200])).status_code == 403
    assert Client().get(URL).status_code == 302  # to the login page
    assert ledger() == before
