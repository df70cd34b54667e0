"""The supply API answers odd requests with 4xx and a reason, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from tests.factories import UserFactory
from tests.supply.scenario import Chain


@pytest.fixture
def staff(chain: Chain) -> Client:
    user = UserFactory(username="staff-edges")
    user_set_role(actor=None, user=user, role=Role.STAFF)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["lots", "shipments"])
@pytest.mark.parametrize("tail", ["", "trace/"])
def test_an_id_that_is_not_a_number_is_not_found(staff: Client, kind: str, tail: str) -> None:
    answer = staff.get(f"/api/v1/supply/{kind}/abc/{tail}")
    assert answer.status_code == 404
    assert "'abc' is not a number" in answer.json()["detail"]


@pytest.mark.parametrize("kind", ["lots", "shipments"])
def test_http_trace_is_not_mistaken_for_the_trace_action(
    chain: Chain, staff: Client, kind: str
) -> None:
    target = chain.shipment if kind == "shipments" else chain.part_300
    assert staff.generic("TRACE", f"/api/v1/supply/{kind}/{target.pk}/").status_code == 405
    traced = staff.get(f"/api/v1/supply/{kind}/{target.pk}/trace/")
    assert traced.status_code == 200


@pytest.mark.parametrize("season", ["0", "1999", "2101", "20x5"])
def test_a_season_outside_the_accepted_years_is_refused(staff: Client, season: str) -> None:
    answer = staff.get("/api/v1/supply/flags/", {"season": season})
    assert answer.status_code == 400
    assert f"season: '{season}' is not a year from 2000 to 2100" in str(answer.json())


def test_a_season_in_range_lists_its_flags(chain: Chain, staff: Client) -> None:
    answer = staff.get("/api/v1/supply/flags/", {"season": "2015"})
    assert answer.status_code == 200
    assert answer.json()["season"] == 2015


@pytest.mark.parametrize("lot_id", [0, 2**63, -5])
def test_a_lot_id_outside_the_id_range_is_refused_by_field(
    chain: Chain, staff: Client, lot_id: int
) -> None:
    answer = staff.post(
        "/api/v1/supply/shipments/",
        {"lots": [{"lot": lot_id, "kg": "10"}], "container_number": "MSCU7777777",
         "destination": "Hamburg", "buyer": chain.client.pk, "date": "2015-08-01"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 400
    assert list(answer.json()["lots"]["0"]) == ["lot"]
