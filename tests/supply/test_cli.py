"""``chacra trace``: the same scope as pages and API, clear refusals."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from tests.factories import UserFactory
from tests.supply.scenario import Chain


def _trace(*args: str) -> str:
    out = io.StringIO()
    call_command("trace", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def staff(db: None) -> str:
    user_set_role(actor=None, user=UserFactory(username="st"), role=Role.STAFF)
    return "st"


def test_trace_back_a_shipment_lists_plots_with_kg(chain: Chain, staff: str) -> None:
    text = _trace(chain.shipment.code, "--as", staff)
    assert "shipment S000001: 300.00 kg, segregated, 2 producers" in text
    assert f"TA1\t{chain.a.code}\t{chain.a.full_name}\tJuanjuí\t120.00\t360.00\t1" in text
    assert "drying" in text


def test_trace_forward_from_a_plot(chain: Chain, staff: str) -> None:
    text = _trace("TA1", "--forward", "--as", staff)
    assert (
        f"shipment\t{chain.shipment.code}\t2015-06-01\tCooperativa Prueba\t120.00\t360.00\t40.0%"
        in text
    )


def test_trace_forward_from_a_lot(chain: Chain, staff: str) -> None:
    text = _trace(chain.dried.code, "--forward", "--as", staff)
    assert f"shipment\t{chain.shipment.code}\t2015-06-01\tCooperativa Prueba\t300.00" in text


def test_investors_and_strangers_are_refused(chain: Chain) -> None:
    user_set_role(actor=None, user=UserFactory(username="inv"), role=Role.INVESTOR)
    with pytest.raises(CommandError, match="does not see buyers' lots"):
        _trace(chain.shipment.code, "--as", "inv")
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        _trace(chain.shipment.code, "--as", "nobody")
