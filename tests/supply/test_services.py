"""Every refused write says what was wrong and what is accepted, and writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.errors import AccessDenied, Conflict, InvalidInput
from chacra.supply import services
from chacra.supply.models import (
    Allocation,
    CustodyModel,
    Lot,
    ProcessingStep,
    Purchase,
    PurchasePlot,
    Shipment,
    StepKind,
)
from tests.factories import DepartamentoFactory, ProducerFactory, UserFactory
from tests.supply.scenario import DAY, Chain, buy, plot

D = Decimal


def _counts() -> tuple[int, ...]:
    return (
        Purchase.objects.count(),
        PurchasePlot.objects.count(),
        Lot.objects.count(),
        ProcessingStep.objects.count(),
        Allocation.objects.count(),
        Shipment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_purchase_is_recorded_with_its_plots_and_audited(chain: Chain) -> None:
    assert chain.pa.kg == D("1000.00")
    assert chain.pa.amount_paid == D("2750.00")  # 1000 kg x (2.50 + 0.25)
    assert dict(chain.pa.origins.values_list("plot__code", "kg")) == {
        "TA1": D("600.00"),
        "TA2": D("400.00"),
    }
    assert AuditEntry.objects.filter(model="supply.Purchase", object_id=str(chain.pa.pk)).exists()
    chain.pb.refresh_from_db()
    assert chain.pb.allocated_kg == D("500.00")


@pytest.mark.parametrize(
    ("origins", "error", "message"),
    [
        ([("NOPE", "10")], InvalidInput, "no plot with code 'NOPE'"),
        ([("TB1", "10")], InvalidInput, "plot TB1 belongs to producer"),
        ([("TA1", "0")], InvalidInput, "0 kg is not accepted; accepted: more than 0 kg"),
        ([("TA1", "-5")], InvalidInput, "-5 kg is not accepted"),
        ([("TA1", "1.005")], InvalidInput, "more than two decimals"),
        ([("TA1", "abc")], InvalidInput, "'abc' is not a weight"),
        ([], InvalidInput, "needs the plot"),
    ],
)
def test_purchase_refusals(chain: Chain, origins: Any, error: type, message: str) -> None:
    before = _counts()
    with pytest.raises(error, match=message):
        buy(chain.coop, chain.a, "R-X", origins)
    assert _counts() == before


def test_receipt_numbers_are_unique_per_buyer(chain: Chain) -> None:
    with pytest.raises(Conflict, match="already recorded receipt R-1"):
        buy(chain.coop, chain.a, "R-1", [(chain.a1, "5")])
    other = type(chain.coop).objects.create(name="Otra Cooperativa", kind="cooperative")
    assert buy(other, chain.a, "R-1", [(chain.a1, "5")]).kg == D("5.00")


def test_amount_paid_must_match_kilos_and_prices(chain: Chain) -> None:
    with pytest.raises(InvalidInput, match=r"S/ 100.00 does not match 10.00 kg"):
        buy(chain.coop, chain.a, "R-Y", [(chain.a1, "10")], amount_paid="100")


def test_the_same_kilos_cannot_go_into_two_lots(chain: Chain) -> None:
    before = _counts()
    with pytest.raises(Conflict, match=r"purchase R-2 has 500.00 kg left .*; cannot take 501"):
        services.lot_collect(actor=None, purchases=[(chain.pb, "501")], date=DAY)
    with pytest.raises(Conflict, match=r"has 0\.00 kg left"):
        services.lot_collect(actor=None, purchases=[(chain.pa, "1")], date=DAY)
    assert _counts() == before
    rest = services.lot_collect(
        actor=None, purchases=[(chain.pb, None)], date=DAY, custody_model="identity_preserved"
    )
    assert rest.kg == D("500.00")
    assert rest.producer_id == chain.b.pk


def test_a_lot_cannot_be_shipped_twice(chain: Chain) -> None:
    with pytest.raises(Conflict, match=r"has 0\.00 kg left"):
        services.shipment_make(
            actor=None, lots=[(chain.part_300, "1")], container_number="MSCU7654321",
            destination="Rotterdam", buyer=chain.client, date=DAY,
        )  # fmt: skip


def test_outputs_cannot_exceed_inputs_times_the_conversion(chain: Chain) -> None:
    before = _counts()
    with pytest.raises(InvalidInput, match=r"100.01 kg out exceeds 100.00 kg in x 1 \(split\)"):
        services.step_process(
            actor=None, kind="split", inputs=[(chain.part_200, "100")], outputs=["60", "40.01"],
            date=DAY,
        )  # fmt: skip
    lot = services.lot_collect(actor=None, purchases=[(chain.pb, "100")], date=DAY)
    before = _counts()
    with pytest.raises(InvalidInput, match=r"40.01 kg out exceeds 100.00 kg in x 0.40 \(drying\)"):
        services.step_process(
            actor=None, kind=StepKind.DRYING, inputs=[(lot, None)], outputs=["40.01"], date=DAY
        )
    with pytest.raises(InvalidInput, match=r"ratio 0.45 is outside the accepted 0.35-0.40"):
        services.step_process(
            actor=None, kind="drying", inputs=[(lot, None)], outputs=["40"], date=DAY, ratio="0.45"
        )
    assert _counts() == before
    step = services.step_process(
        actor=None, kind="drying", inputs=[(lot, None)], outputs=["36"], date=DAY, ratio="0.37"
    )
    assert (step.ratio, step.loss_kg) == (D("0.370"), D("1.00"))


def test_drying_ratio_range_comes_from_the_settings(chain: Chain, settings: Any) -> None:
    settings.CHACRA_DRYING_RATIO_MAX = "0.42"
    lot = services.lot_collect(actor=None, purchases=[(chain.pb, "100")], date=DAY)
    step = services.step_process(
        actor=None, kind="drying", inputs=[(lot, None)], outputs=["42"], date=DAY
    )
    assert step.ratio == D("0.42")


def test_steps_take_the_states_they_process(chain: Chain) -> None:
    with pytest.raises(InvalidInput, match="a fermentation step takes wet beans, not dry"):
        services.step_process(
            actor=None, kind="fermentation", inputs=[(chain.part_200, "10")], outputs=["10"],
            date=DAY,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="a merge step takes 2 to any number inputs, not 1"):
        services.step_process(
            actor=None, kind="merge", inputs=[(chain.part_200, "10")], outputs=["10"], date=DAY
        )


def test_custody_models_decide_what_may_be_mixed(chain: Chain) -> None:
    with pytest.raises(InvalidInput, match="inputs come from 2 producers"):
        services.lot_collect(
            actor=None, purchases=[(chain.pb, "10"), (buy(chain.coop, chain.a, "R-5",
            [(chain.a1, "10")]), None)], date=DAY, custody_model="identity_preserved",
        )  # fmt: skip
    conventional = buy(chain.coop, chain.a, "R-6", [(chain.a1, "10")], flavour="conventional")
    with pytest.raises(InvalidInput, match="conventional and fine_flavour"):
        services.lot_collect(
            actor=None, purchases=[(chain.pb, "10"), (conventional, None)], date=DAY,
            custody_model="segregated",
        )  # fmt: skip
    mixed = services.lot_collect(
        actor=None, purchases=[(chain.pb, "10"), (conventional, None)], date=DAY,
        custody_model="mass_balance",
    )  # fmt: skip
    assert (mixed.flavour, mixed.custody_model) == ("mixed", CustodyModel.MASS_BALANCE)
    with pytest.raises(InvalidInput, match=r"lot L\d+ is mass_balance; .* cannot be segregated"):
        services.step_process(
            actor=None, kind="fermentation", inputs=[(mixed, None)], outputs=["20"], date=DAY,
            custody_model="segregated",
        )  # fmt: skip


def test_custody_transfer_moves_whole_lots_only(chain: Chain) -> None:
    exporter = type(chain.coop).objects.create(name="Exportadora Prueba", kind="buyer")
    with pytest.raises(Conflict, match=r"has 500\.00 of 500\.00 kg already used"):
        services.custody_transfer(actor=None, lot=chain.dried, to_organisation=exporter, date=DAY)
    transfer = services.custody_transfer(
        actor=None, lot=chain.part_200, to_organisation=exporter, date=DAY, document="GR-1"
    )
    chain.part_200.refresh_from_db()
    assert chain.part_200.custodian == exporter
    assert transfer.from_organisation == chain.coop
    with pytest.raises(InvalidInput, match="held by different organisations"):
        services.lot_merge(actor=None, lots=[chain.part_200, _dry_lot(chain)], date=DAY)


def _dry_lot(chain: Chain) -> Lot:
    fresh = buy(chain.coop, chain.b, "R-D", [(chain.b1, "20")], bean_state="dry")
    return services.lot_collect(actor=None, purchases=[(fresh, None)], date=DAY)


def test_shipments_take_dry_lots_with_a_valid_container(chain: Chain) -> None:
    wet = services.lot_collect(actor=None, purchases=[(chain.pb, "10")], date=DAY)
    kw: dict[str, Any] = {"destination": "Hamburg", "buyer": chain.client, "date": DAY}
    with pytest.raises(InvalidInput, match="are not dry"):
        services.shipment_make(actor=None, lots=[(wet, None)], container_number="MSCU1111111", **kw)
    with pytest.raises(InvalidInput, match="'CONT-1' is not accepted; accepted: ISO 6346"):
        services.shipment_make(
            actor=None, lots=[(chain.part_200, None)], container_number="CONT-1", **kw
        )
    assert chain.shipment.kg == D("300.00")
    assert chain.shipment.custody_model == CustodyModel.SEGREGATED


def test_only_programme_roles_and_regional_offices_record(chain: Chain) -> None:
    investor = UserFactory(username="inv")
    user_set_role(actor=None, user=investor, role=Role.INVESTOR)
    with pytest.raises(AccessDenied, match="cannot record purchases"):
        services.lot_collect(actor=investor, purchases=[(chain.pb, "5")], date=DAY)
    regional = UserFactory(username="reg-other")
    user_set_role(
        actor=None, user=regional, role=Role.REGIONAL,
        region=DepartamentoFactory(ubigeo="25", name="Ucayali"),
    )  # fmt: skip
    with pytest.raises(AccessDenied, match="outside your region"):
        services.purchase_record(
            actor=regional, buyer=chain.coop, receipt_number="R-8", date=DAY, producer=chain.a,
            origins=[(chain.a1, "5")], bean_state="wet", flavour="fine_flavour",
            price_per_kg="2.5",
        )  # fmt: skip


def test_a_producer_without_the_plot_gets_a_list_of_her_plots(chain: Chain) -> None:
    other = ProducerFactory(comunidad=chain.a.comunidad)
    plot(other, "TO1", 5)
    with pytest.raises(InvalidInput, match=r"accepted: T\d+'s plots \(TO1\)"):
        buy(chain.coop, other, "R-9", [(chain.a1, "5")])


ZERO_OR_NEGATIVE = ["0", "-5", "0.00"]


@pytest.mark.parametrize("kg", ZERO_OR_NEGATIVE)
def test_zero_or_negative_kilos_are_refused_everywhere(chain: Chain, kg: str) -> None:
    before = _counts()
    shown = str(Decimal(kg))
    with pytest.raises(InvalidInput, match=rf"purchase \d+: {shown} kg is not accepted"):
        services.lot_collect(actor=None, purchases=[(chain.pb, kg)], date=DAY)
    with pytest.raises(InvalidInput, match=rf"output 1: {shown} kg is not accepted"):
        services.step_process(
            actor=None, kind="sorting", inputs=[(chain.part_200, "10")], outputs=[kg], date=DAY
        )
    with pytest.raises(InvalidInput, match=rf"lot \d+: {shown} kg is not accepted"):
        services.shipment_make(
            actor=None, lots=[(chain.part_200, kg)], container_number="MSCU7654321",
            destination="Rotterdam", buyer=chain.client, date=DAY,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match=f"{shown} kg is not accepted"):
        services.lot_split(actor=None, lot=chain.part_200, parts=["100", kg], date=DAY)
    assert _counts() == before
    chain.part_200.refresh_from_db()
    assert chain.part_200.allocated_kg == 0


def test_the_same_kilos_cannot_go_into_two_shipments(chain: Chain) -> None:
    kw: dict[str, Any] = {"destination": "Rotterdam", "buyer": chain.client, "date": DAY}
    services.shipment_make(
        actor=None, lots=[(chain.part_200, "150")], container_number="MSCU7654321", **kw
    )
    before = _counts()
    with pytest.raises(Conflict, match=r"has 50\.00 kg left .*cannot take 50\.01 kg"):
        services.shipment_make(
            actor=None, lots=[(chain.part_200, "50.01")], container_number="MSCU7654322", **kw
        )
    with pytest.raises(InvalidInput, match=r"lot \d+ is listed twice"):
        services.shipment_make(
            actor=None, lots=[(chain.part_200, "10"), (chain.part_200.pk, "10")],
            container_number="MSCU7654322", **kw,
        )  # fmt: skip
    assert _counts() == before


def test_identity_preserved_lots_of_one_producer_stay_so_when_merged(chain: Chain) -> None:
    bought = [buy(chain.coop, chain.b, f"R-IP{i}", [(chain.b1, "10")]) for i in range(2)]
    lots = [
        services.lot_collect(
            actor=None, purchases=[(p, None)], date=DAY, custody_model="identity_preserved"
        )
        for p in bought
    ]
    merged = services.lot_merge(actor=None, lots=lots, date=DAY)
    assert (merged.custody_model, merged.producer_id, merged.kg) == (
        CustodyModel.IDENTITY_PRESERVED, chain.b.pk, D("20.00"),
    )  # fmt: skip
    mass = services.lot_collect(
        actor=None, purchases=[(chain.pb, "10")], date=DAY, custody_model="mass_balance"
    )
    before = _counts()
    with pytest.raises(InvalidInput, match=r"is mass_balance; a lot made from it cannot be"):
        services.lot_merge(
            actor=None, lots=[merged, mass], date=DAY, custody_model="identity_preserved"
        )
    assert _counts() == before
