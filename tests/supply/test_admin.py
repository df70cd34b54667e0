"""The supply admin: the ledger is read-only, buyer logins are linked through the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.supply.models import BuyerAccess, Lot, Purchase
from tests.factories import UserFactory
from tests.supply.scenario import Chain

pytestmark = pytest.mark.usefixtures("english")


def _client(role: Role, name: str, region: Any = None) -> Client:
    user = UserFactory(username=name)
    user_set_role(actor=None, user=user, role=role, region=region)
    client = Client()
    client.force_login(user)
    return client


def test_staff_search_the_ledger_but_cannot_change_it(chain: Chain) -> None:
    staff = _client(Role.STAFF, "staff-admin")
    lots = staff.get(reverse("admin:supply_lot_changelist"), {"q": chain.part_300.code})
    assert [lot.code for lot in lots.context["cl"].result_list] == [chain.part_300.code]
    purchases = staff.get(reverse("admin:supply_purchase_changelist"), {"bean_state": "wet"})
    assert purchases.context["cl"].result_count == 2
    change = reverse("admin:supply_lot_change", args=[chain.part_200.pk])
    page = staff.get(change)
    assert page.status_code == 200  # shown, read-only
    assert 'name="kg"' not in page.content.decode()
    refused = staff.post(change, {"kg": "9999", "allocated_kg": "0"})
    assert refused.status_code == 403
    assert Lot.objects.get(pk=chain.part_200.pk).kg == chain.part_200.kg
    delete = reverse("admin:supply_purchase_delete", args=[chain.pa.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert Purchase.objects.filter(pk=chain.pa.pk).exists()


def test_a_buyer_login_is_linked_through_the_service(chain: Chain) -> None:
    staff = _client(Role.STAFF, "staff-link")
    not_a_buyer = UserFactory(username="agent-x")
    user_set_role(actor=None, user=not_a_buyer, role=Role.INVESTOR)
    add = reverse("admin:supply_buyeraccess_add")
    page = staff.post(add, {"user": not_a_buyer.pk, "organisation": chain.client.pk})
    assert page.status_code == 200  # the form again, with the error
    assert "does not have the buyer role" in page.content.decode()
    buyer = UserFactory(username="buyer-link")
    user_set_role(actor=None, user=buyer, role=Role.BUYER)
    done = staff.post(add, {"user": buyer.pk, "organisation": chain.client.pk})
    assert done.status_code == 302
    assert BuyerAccess.objects.get(user=buyer).organisation == chain.client
    assert AuditEntry.objects.filter(model="supply.BuyerAccess", source="admin").exists()


@pytest.mark.parametrize("role", [Role.REGIONAL, Role.AGENT])
def test_offices_and_agents_use_the_pages_not_the_ledger_admin(chain: Chain, role: Any) -> None:
    region = chain.a.comunidad.distrito.provincia.departamento
    client = _client(role, f"{role.value}-admin", region)
    assert client.get(reverse("admin:supply_purchase_changelist")).status_code == 403
    assert client.get(reverse("admin:supply_buyeraccess_changelist")).status_code == 403
    assert client.get(reverse("admin:supply_facility_changelist")).status_code == 200
