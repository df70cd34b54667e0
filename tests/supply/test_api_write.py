"""Recording a chain through the API: the same answers and refusals as the services give."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from chacra.supply import services
from chacra.supply.api import LotViewSet
from chacra.supply.models import Allocation, CustodyTransfer, Lot, ProcessingStep, Shipment
from tests.factories import DepartamentoFactory, UserFactory
from tests.supply.scenario import DAY, Chain, buy

pytestmark = pytest.mark.usefixtures("english")


def _client(role: Role, name: str, **kw: Any) -> Client:
    user = UserFactory(username=name)
    user_set_role(actor=None, user=user, role=role, **kw)
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, name: str, body: dict[str, Any], *args: Any) -> Any:
    return client.post(reverse(name, args=args), body, content_type="application/json")


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Lot, ProcessingStep, Allocation, Shipment))


def test_a_chain_recorded_through_the_api_traces_back_to_its_plots(chain: Chain) -> None:
    staff = _client(Role.STAFF, "staff-write")
    fresh = buy(chain.coop, chain.a, "R-API", [(chain.a1, "300"), (chain.a2, "100")])
    made = _post(staff, "api:supply-lot-list", {"purchases": [{"purchase": fresh.pk}],
                                                "date": str(DAY)})  # fmt: skip
    assert made.status_code == 201, made.content
    assert (made.json()["kg"], made.json()["custody_model"]) == ("400.00", "identity_preserved")
    dried = _post(staff, "api:supply-lot-process", {
        "kind": "drying", "inputs": [{"lot": made.json()["id"]}], "outputs": [{"kg": "150"}],
        "date": str(DAY), "ratio": "0.375",
    })  # fmt: skip
    assert dried.status_code == 201, dried.content
    assert (dried.json()["loss_kg"], dried.json()["lots"][0]["bean_state"]) == ("0.00", "dry")
    exporter = type(chain.coop).objects.create(name="Exportadora API", kind="buyer")
    dry_lot = dried.json()["lots"][0]["id"]
    handed = _post(staff, "api:supply-lot-transfer",
                   {"to_organisation": exporter.pk, "date": str(DAY), "document": "GR-9"},
                   dry_lot)  # fmt: skip
    assert handed.status_code == 201, handed.content
    assert (handed.json()["from"], handed.json()["to"]) == (chain.coop.name, exporter.name)
    shipped = _post(staff, "api:supply-shipment-list", {
        "lots": [{"lot": dry_lot, "kg": "120"}], "container_number": "MSCU7654321",
        "destination": "Antwerp, Belgium", "buyer": chain.client.pk, "date": str(DAY),
    })  # fmt: skip
    assert shipped.status_code == 201, shipped.content
    assert shipped.json()["shipper"] == exporter.name
    trace = staff.get(reverse("api:supply-shipment-trace", args=[shipped.json()["id"]])).json()
    # 120 of 150 kg: 4/5 of the 400 kg wet, 300 from TA1 and 100 from TA2
    assert {p["plot"]: (p["kg"], p["purchased_kg"]) for p in trace["plots"]} == {
        "TA1": ("90.00", "240.00"), "TA2": ("30.00", "80.00"),
    }  # fmt: skip


def test_refusals_through_the_api_write_nothing(chain: Chain) -> None:
    staff = _client(Role.STAFF, "staff-refused")
    before = _counts()
    over = _post(staff, "api:supply-lot-process", {
        "kind": "split", "inputs": [{"lot": chain.part_200.pk, "kg": "100"}],
        "outputs": [{"kg": "60"}, {"kg": "40.01"}], "date": str(DAY),
    })  # fmt: skip
    assert over.status_code == 400
    assert "100.01 kg out exceeds 100.00 kg in x 1 (split)" in over.json()["detail"]
    used = {"purchases": [{"purchase": chain.pa.pk, "kg": "1"}], "date": str(DAY)}
    twice = _post(staff, "api:supply-lot-list", used)
    assert twice.status_code == 409
    assert "has 0.00 kg left" in twice.json()["detail"]
    zero = _post(staff, "api:supply-shipment-list", {
        "lots": [{"lot": chain.part_200.pk, "kg": "0"}], "container_number": "MSCU7654321",
        "destination": "Antwerp", "buyer": chain.client.pk, "date": str(DAY),
    })  # fmt: skip
    assert zero.status_code == 400
    assert "0.00 kg is not accepted" in zero.json()["detail"]
    assert _counts() == before


def test_only_roles_that_record_may_write_and_within_their_region(chain: Chain) -> None:
    body = {"purchases": [{"purchase": chain.pb.pk, "kg": "5"}], "date": str(DAY)}
    investor = _client(Role.INVESTOR, "inv-write")
    assert _post(investor, "api:supply-lot-list", body).status_code == 403
    elsewhere = _client(
        Role.REGIONAL, "reg-write", region=DepartamentoFactory(ubigeo="25", name="Ucayali")
    )
    refused = _post(elsewhere, "api:supply-lot-list", body)
    assert refused.status_code == 404
    assert f"no purchase with id {chain.pb.pk} in your scope" in refused.json()["detail"]
    home = chain.a.comunidad.distrito.provincia.departamento
    regional = _client(Role.REGIONAL, "reg-home", region=home)
    assert _post(regional, "api:supply-lot-list", body).status_code == 201


def test_a_lot_gone_before_its_transfer_is_locked_is_not_found_by_field(
    chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = _client(Role.STAFF, "staff-gone")
    fresh = buy(chain.coop, chain.a, "R-GONE", [(chain.a1, "50")])
    lot = services.lot_collect(actor=None, purchases=[(fresh, None)], date=DAY)
    read = LotViewSet.get_object

    def read_then_lose(view: LotViewSet) -> Lot:
        found = read(view)
        # another request takes it away between this read and the service's lock
        Allocation.objects.filter(step=found.step).delete()
        Lot.objects.filter(pk=found.pk).delete()
        return found

    monkeypatch.setattr(LotViewSet, "get_object", read_then_lose)
    before = CustodyTransfer.objects.count()
    answer = _post(staff, "api:supply-lot-transfer",
                   {"to_organisation": chain.client.pk, "date": str(DAY)}, lot.pk)  # fmt: skip
    assert answer.status_code == 404, answer.content
    assert answer.json()["detail"] == f"lot: no lot with id {lot.pk}"
    assert answer.json()["field"] == "lot"
    assert CustodyTransfer.objects.count() == before
