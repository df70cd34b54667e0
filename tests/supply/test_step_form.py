"""The page that records a processing step on a lot, reached from the lot page: written through
the service (audited as web), a refusal shown at its field with nothing written, and only for the
roles that write supply data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.supply import services
from chacra.supply.models import Lot, ProcessingStep
from tests.supply.scenario import DAY, Chain, buy
from tests.supply.web import client_as, errors_of, ledger, refused_roles, web_audit


def _url(lot: Lot) -> str:
    return f"/supply/lots/{lot.pk}/step/"


@pytest.fixture
def wet(chain: Chain) -> Lot:
    """A lot of 400 kg wet beans, nothing taken from it."""
    bought = buy(chain.coop, chain.a, "R-20", [(chain.a1, "300"), (chain.a2, "100")])
    return services.lot_collect(actor=None, purchases=[(bought, None)], date=DAY)


def _form(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "drying", "date": str(DAY), "kg_in": "", "ratio": "0.375", "notes": "",
        "kg_1": "150", "grade_1": "", "kg_2": "", "grade_2": "", "kg_3": "", "grade_3": "",
    } | changes  # fmt: skip


def test_staff_dry_a_lot_from_its_page(chain: Chain, wet: Lot, english: None) -> None:
    staff = client_as(Role.STAFF, "staff-step")
    lot_page = staff.get(reverse("supply-lot", args=[wet.pk])).content.decode()
    assert f'href="{_url(wet)}"' in lot_page
    page = staff.get(_url(wet))
    assert page.status_code == 200
    assert "400.00 kg" in page.content.decode()  # what is left to process
    before = ledger()

    answer = staff.post(_url(wet), _form())

    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    step = ProcessingStep.objects.get(inputs__lot=wet)
    dry = step.outputs.get()
    assert answer["Location"] == reverse("supply-lot", args=[dry.pk])
    assert (step.kind, step.input_kg, step.output_kg) == ("drying", Decimal(400), Decimal(150))
    assert (step.ratio, step.loss_kg) == (Decimal("0.375"), Decimal(0))
    assert (dry.kg, dry.bean_state) == (Decimal("150.00"), "dry")
    wet.refresh_from_db()
    assert wet.allocated_kg == wet.kg
    after = ledger()
    assert {k: after[k] - before[k] for k in after} == {
        "Lot": 1, "ProcessingStep": 1, "Allocation": 1, "CustodyTransfer": 0, "Shipment": 0,
        "AuditEntry": 3,
    }  # fmt: skip
    assert web_audit() == {
        "supply.ProcessingStep create": 1, "supply.Lot create": 1, "supply.Allocation create": 1,
    }  # fmt: skip


def test_a_sorting_makes_one_lot_per_grade(chain: Chain) -> None:
    staff = client_as(Role.STAFF, "staff-sort")
    answer = staff.post(_url(chain.part_200), _form(
        kind="sorting", ratio="", kg_1="120", grade_1="1", kg_2="75.5", grade_2="2",
    ))  # fmt: skip
    assert answer.status_code == 302, answer.context and answer.context["form"].errors
    step = ProcessingStep.objects.get(kind="sorting")
    assert sorted(step.outputs.values_list("kg", "quality_grade")) == [
        (Decimal("75.50"), "2"), (Decimal("120.00"), "1"),
    ]  # fmt: skip
    assert step.loss_kg == Decimal("4.50")


@pytest.mark.parametrize(
    ("lot", "changes", "field", "said"),
    [
        # 400 kg wet x 0.375 = 150 kg dry at most
        ("wet", {"kg_1": "150.01"}, "kg_1", "150.01 kg out exceeds 400.00 kg in x 0.375"),
        ("wet", {"ratio": "0.5"}, "ratio", "outside the accepted 0.35-0.40"),
        ("wet", {"kind": "fermentation", "ratio": "0.4"}, "ratio", "does not convert weight"),
        ("wet", {"kind": "sorting", "ratio": ""}, "kg_in", "takes dry beans, not wet"),
        ("wet", {"kg_in": "400.01"}, "kg_in", "has 400.00 kg left"),
        ("wet", {"kg_1": "0"}, "kg_1", "0 kg is not accepted"),
        ("wet", {"kg_3": "", "grade_3": "1"}, "kg_3", "Give the kilos"),
        ("dried", {"kind": "sorting", "ratio": ""}, "kg_in", "has 0.00 kg left"),  # split already
        ("wet", {"date": "2999-01-01"}, "date", "in the future"),
    ],
)
def test_a_refused_step_is_shown_at_its_field_and_writes_nothing(
    chain: Chain, wet: Lot, english: None, lot: str, changes: dict[str, Any], field: str, said: str
) -> None:
    target = wet if lot == "wet" else chain.dried
    staff = client_as(Role.STAFF, "staff-step-refused")
    before = ledger()
    answer = staff.post(_url(target), _form(**changes))
    assert answer.status_code in (400, 409)
    assert ledger() == before
    assert said in errors_of(answer, field), answer.context["form"].errors


def test_only_roles_that_write_supply_data_get_the_page(chain: Chain, wet: Lot) -> None:
    refused = refused_roles(chain)
    before = ledger()
    for client in refused:
        assert client.get(_url(wet)).status_code == 403
        assert client.post(_url(wet), _form()).status_code == 403
    agent_sees = refused[2].get(reverse("supply-lot", args=[wet.pk])).content.decode()
    assert _url(wet) not in agent_sees  # the agent sees the lot, without the link
    assert Client().get(_url(wet)).status_code == 302  # to the login page
    assert ledger() == before
    staff = client_as(Role.STAFF, "staff-step-none")
    assert staff.get("/supply/lots/999999/step/").status_code == 404
