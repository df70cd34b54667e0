"""Lots: collected from purchases, then fermented, dried, sorted, split and merged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from chacra.errors import InvalidInput
from chacra.registry.models import Organisation
from chacra.supply.kilos import LotOutput, lock, step_record, wanted
from chacra.supply.models import Facility, Lot, ProcessingStep, Purchase, StepKind
from chacra.supply.services.access import require_supply_write
from chacra.supply.values import choice, kg_value


@transaction.atomic
def lot_collect(
    *,
    actor: Any,
    purchases: Sequence[tuple[Purchase | int, Any]],
    date: dt.date,
    custody_model: str | None = None,
    facility: Facility | None = None,
    code: str | None = None,
    organisation: Organisation | None = None,
    source: str = "code",
) -> Lot:
    """Make a lot from purchases (kilos per purchase; None takes all it has left).

    ``organisation``, when given, is the one making the lot: every purchase must be its own.
    """
    require_supply_write(actor)
    taken = lock(Purchase, wanted(purchases, "purchase"), "purchase")
    if organisation is not None:
        foreign = [p.receipt_number for p, _ in taken if p.buyer_id != organisation.pk]
        if foreign:
            raise InvalidInput(
                f"purchases: {', '.join(foreign)} were bought by another organisation; "
                f"accepted: purchases of {organisation}",
                field="purchases",
            )
    total = sum((kg for _, kg in taken), Decimal(0))
    _, lots = step_record(
        actor=actor,
        kind=StepKind.COLLECTION,
        taken=taken,
        outputs=[LotOutput(total, code=code)],
        date=date,
        ratio=None,
        custody_model=custody_model,
        facility=facility,
        notes="",
        source=source,
    )
    return lots[0]


@transaction.atomic
def step_process(
    *,
    actor: Any,
    kind: str,
    inputs: Sequence[tuple[Lot | int, Any]],
    outputs: Sequence[LotOutput | Any],
    date: dt.date,
    ratio: Any = None,
    custody_model: str | None = None,
    facility: Facility | None = None,
    notes: str = "",
    source: str = "code",
) -> ProcessingStep:
    """Ferment, dry, sort, split or merge lots: kilos in per lot, the lots that come out.

    Outputs may not exceed the inputs times the step's allowed conversion (1, or the drying
    ratio); what is missing is recorded as loss. ``outputs`` items are LotOutput or plain kg.
    """
    require_supply_write(actor)
    choice(kind, [k for k in StepKind.values if k != StepKind.COLLECTION], "kind")
    asked_ratio = None if ratio is None else Decimal(str(ratio))
    taken = lock(Lot, wanted(inputs, "lot"), "lot")
    step, _ = step_record(
        actor=actor,
        kind=kind,
        taken=taken,
        outputs=[o if isinstance(o, LotOutput) else LotOutput(o) for o in outputs],
        date=date,
        ratio=asked_ratio,
        custody_model=custody_model,
        facility=facility,
        notes=notes,
        source=source,
    )
    return step


def lot_split(
    *, actor: Any, lot: Lot, parts: Sequence[Any], date: dt.date, source: str = "code"
) -> list[Lot]:
    """Split (all or part of) a lot into lots of the given kilos."""
    kg = sum((kg_value(p, "outputs") for p in parts), Decimal(0))
    step = step_process(
        actor=actor,
        kind=StepKind.SPLIT,
        inputs=[(lot, kg)],
        outputs=list(parts),
        date=date,
        source=source,
    )
    return list(step.outputs.order_by("pk"))


def lot_merge(
    *,
    actor: Any,
    lots: Sequence[Lot],
    date: dt.date,
    custody_model: str | None = None,
    source: str = "code",
) -> Lot:
    """Merge what is left of several lots into one."""
    left = {lot.pk: lot.kg - lot.allocated_kg for lot in lots}
    step = step_process(
        actor=actor,
        kind=StepKind.MERGE,
        inputs=[(lot, None) for lot in lots],
        outputs=[sum(left.values(), Decimal(0))],
        date=date,
        custody_model=custody_model,
        source=source,
    )
    return step.outputs.get()
