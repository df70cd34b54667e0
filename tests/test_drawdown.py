"""Drawing from a counted source (chacra.drawdown): what it refuses, naming the figures, and what
it counts on the row and on the instance."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

import chacra.drawdown
from chacra.drawdown import draw, lock_row, require_left
from chacra.errors import Conflict, NotFound
from chacra.nurseries.models import Batch
from chacra.supply import services
from chacra.supply.models import Lot, Purchase
from tests.nurseries.scenario import build
from tests.supply.scenario import DAY, build_chain, buy


def test_more_than_is_left_is_refused_naming_asked_and_left() -> None:
    with pytest.raises(Conflict) as refused:
        require_left(
            asked=Decimal("200.01"),
            left=Decimal("200.00"),
            field="inputs",
            holds="lot L9 has 200.00 kg left (0.00 of 200.00 kg already used)",
            verb="take",
            unit=" kg",
        )
    assert refused.value.message == (
        "inputs: lot L9 has 200.00 kg left (0.00 of 200.00 kg already used); cannot take "
        "200.01 kg; accepted: at most 200.00 kg"
    )
    assert refused.value.field == "inputs"


@pytest.mark.parametrize(("asked", "left"), [(0, 10), (-1, 10), (0, 0), (1, 0)])
def test_nothing_or_less_than_nothing_is_refused(asked: int, left: int) -> None:
    with pytest.raises(Conflict, match=rf"cannot link {asked}; accepted: at most {left}$"):
        require_left(asked=asked, left=left, field="count", holds="D1 has some", verb="link")


def test_exactly_what_is_left_is_accepted() -> None:
    require_left(asked=Decimal("0.30"), left=Decimal("0.30"), field="inputs", holds="", verb="x")
    require_left(asked=1, left=1, field="count", holds="", verb="take")


def test_the_docstring_example_runs() -> None:
    assert doctest.testmod(chacra.drawdown).failed == 0


@pytest.mark.django_db
def test_draw_counts_on_the_row_and_the_instance_and_refuses_past_the_total() -> None:
    lot = build_chain().part_200  # 200 kg, none taken
    draw(lot, used="allocated_kg", total="kg", amount=Decimal("150.00"), meanwhile="gone")
    assert lot.allocated_kg == Decimal("150.00")
    assert Lot.objects.get(pk=lot.pk).allocated_kg == Decimal("150.00")
    with pytest.raises(Conflict, match=r"^inputs: gone$") as refused:
        draw(
            lot,
            used="allocated_kg",
            total="kg",
            amount=Decimal("50.01"),
            meanwhile="inputs: gone",
            field="inputs",
        )
    assert refused.value.field == "inputs"
    assert lot.allocated_kg == Decimal("150.00")
    assert Lot.objects.get(pk=lot.pk).allocated_kg == Decimal("150.00")
    draw(lot, used="allocated_kg", total="kg", amount=Decimal("50.00"), meanwhile="gone")
    assert Lot.objects.get(pk=lot.pk).allocated_kg == Decimal("200.00")


@pytest.mark.django_db
def test_a_writer_holding_a_stale_count_is_refused_by_the_database() -> None:
    lot = build_chain().part_200
    stale = Lot.objects.get(pk=lot.pk)  # read before another writer draws 150 kg
    draw(lot, used="allocated_kg", total="kg", amount=Decimal("150.00"), meanwhile="gone")
    # It believes 200 kg are left; the update checks the row's own count, not the instance's.
    with pytest.raises(Conflict, match="taken meanwhile"):
        draw(stale, used="allocated_kg", total="kg", amount=Decimal("100.00"),
             meanwhile="the kilos were taken meanwhile")  # fmt: skip
    assert stale.allocated_kg == Decimal("0.00")
    assert Lot.objects.get(pk=lot.pk).allocated_kg == Decimal("150.00")


@pytest.mark.django_db
def test_draw_adds_to_the_other_counts_it_is_given() -> None:
    batch = Batch.objects.get(pk=build().s1.pk)  # 500 seedlings, 450 taken, none lost
    draw(batch, used="taken", total="count", amount=30, also=("lost",), meanwhile="gone")
    assert (batch.taken, batch.lost) == (480, 30)
    fresh = Batch.objects.get(pk=batch.pk)
    assert (fresh.taken, fresh.lost) == (480, 30)


@pytest.mark.django_db
def test_lock_row_gives_the_row_or_names_what_was_not_found() -> None:
    batch = build().s1
    assert lock_row(Batch.objects.select_related("nursery"), batch.pk, "batch") == batch
    with pytest.raises(NotFound, match=r"^batch: no batch with id 999999$") as refused:
        lock_row(Batch.objects.all(), 999999, "batch")
    assert refused.value.field == "batch"


@pytest.mark.django_db
def test_the_last_kilos_of_a_source_can_be_taken_whatever_the_database() -> None:
    # On SQLite decimals are binary floats: 0.10 + 0.20 there is past 0.30 unless rounded.
    chain = build_chain()
    bought = buy(chain.coop, chain.a, "R-9", [(chain.a1, "0.30")])
    services.lot_collect(actor=None, purchases=[(bought, "0.10")], date=DAY)
    services.lot_collect(actor=None, purchases=[(bought, None)], date=DAY)  # the 0.20 left
    assert Purchase.objects.get(pk=bought.pk).allocated_kg == Decimal("0.30")
    lot = Lot.objects.get(pk=chain.part_200.pk)
    for kg in ("20.10", "25.20", "154.70"):  # 200.00 in all
        draw(lot, used="allocated_kg", total="kg", amount=Decimal(kg), meanwhile="gone")
    assert Lot.objects.get(pk=lot.pk).allocated_kg == Decimal("200.00")
    with pytest.raises(Conflict, match="gone"):
        draw(lot, used="allocated_kg", total="kg", amount=Decimal("0.01"), meanwhile="gone")
