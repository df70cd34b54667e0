"""Taking kilos from purchases and lots, and making lots of them, for the supply services.

Sources are locked in id order (``select_for_update`` on PostgreSQL; SQLite runs one write
transaction at a time) and every refusal is raised before anything is written; what is taken is
counted on each source (``allocated_kg``) as :mod:`chacra.drawdown` counts every drawn source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any, TypeVar

from chacra.accounts.services import instance_save, instances_bulk_create
from chacra.drawdown import draw, require_left
from chacra.errors import InvalidInput, NotFound
from chacra.registry.services import next_codes
from chacra.supply import rules
from chacra.supply.models import Allocation, CustodyModel, Facility, Lot, ProcessingStep, Purchase
from chacra.supply.values import kg_value, not_future, public_id

M = TypeVar("M", Purchase, Lot)


def wanted(items: Sequence[tuple[Any, Any]], what: str) -> dict[int, Decimal | None]:
    wanted: dict[int, Decimal | None] = {}
    for item, kg in items:
        pk = item if isinstance(item, int) else item.pk
        if pk in wanted:
            raise InvalidInput(f"inputs: {what} {pk} is listed twice", field="inputs")
        wanted[pk] = None if kg is None else kg_value(kg, "inputs", f"{what} {pk}")
    return wanted


def lock(model: type[M], wanted: dict[int, Decimal | None], what: str) -> list[tuple[M, Decimal]]:
    """The rows, locked in id order, with the kilos to take from each (all that is left if None).

    Refuses, before anything is written, kilos a row does not have left.
    """
    rows = {r.pk: r for r in model.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
    missing = sorted(set(wanted) - set(rows))
    if missing:
        raise NotFound(f"inputs: no {what} with id {', '.join(map(str, missing))}")
    out = []
    for pk, asked in wanted.items():
        row = rows[pk]
        left = row.kg - row.allocated_kg
        take = left if asked is None else asked
        label = row.receipt_number if isinstance(row, Purchase) else row.code
        require_left(
            asked=take,
            left=left,
            field="inputs",
            holds=f"{what} {label} has {left} kg left ({row.allocated_kg} of {row.kg} kg "
            "already used)",
            verb="take",
            unit=" kg",
        )
        out.append((row, take))
    return out


def take(taken: Sequence[tuple[M, Decimal]]) -> None:
    """Count the kilos taken on each source, never past its kg."""
    for row, kg in taken:
        draw(
            row,
            used="allocated_kg",
            total="kg",
            amount=kg,
            meanwhile=f"inputs: the kilos of {row} were taken meanwhile",
            field="inputs",
        )


@dataclass(frozen=True)
class LotOutput:
    """One lot a step makes: its kilos, and for sorting its grade."""

    kg: Any
    quality_grade: str = ""
    code: str | None = None


def _traits(row: Purchase | Lot) -> rules.InputTraits:
    if isinstance(row, Purchase):
        return rules.InputTraits(
            f"purchase {row.receipt_number}",
            CustodyModel.IDENTITY_PRESERVED,
            row.flavour,
            frozenset({row.producer_id}),
        )
    return rules.InputTraits(
        f"lot {row.code}",
        row.custody_model,
        row.flavour,
        frozenset({row.producer_id}) if row.producer_id else frozenset(),
    )


def _holder(row: Purchase | Lot) -> int:
    return row.buyer_id if isinstance(row, Purchase) else row.custodian_id


def same(values: set[Any], field: str, message: str) -> Any:
    if len(values) != 1:
        raise InvalidInput(f"{field}: {message}", field=field)
    return next(iter(values))


def step_record(
    *,
    actor: Any,
    kind: str,
    taken: Sequence[tuple[Purchase, Decimal]] | Sequence[tuple[Lot, Decimal]],
    outputs: Sequence[LotOutput],
    date: dt.date,
    ratio: Decimal | None,
    custody_model: str | None,
    facility: Facility | None,
    notes: str,
    source: str,
) -> tuple[ProcessingStep, list[Lot]]:
    rule = rules.STEP_RULES[kind]
    not_future(date)
    n_in, n_out = len(taken), len(outputs)
    if n_in < rule.min_inputs or (rule.max_inputs is not None and n_in > rule.max_inputs):
        most = rule.max_inputs if rule.max_inputs is not None else "any number"
        raise InvalidInput(
            f"inputs: a {kind} step takes {rule.min_inputs} to {most} inputs, not {n_in}",
            field="inputs",
        )
    if n_out < rule.min_outputs or (rule.max_outputs is not None and n_out > rule.max_outputs):
        most = rule.max_outputs if rule.max_outputs is not None else "any number"
        raise InvalidInput(
            f"outputs: a {kind} step makes {rule.min_outputs} to {most} lots, not {n_out}",
            field="outputs",
        )
    out_kg = [kg_value(o.kg, "outputs", f"output {i + 1}") for i, o in enumerate(outputs)]
    rows = [r for r, _ in taken]
    organisation_id = same(
        {_holder(r) for r in rows},
        "inputs",
        "the inputs are held by different organisations; a step works on one organisation's "
        "beans: transfer custody first",
    )
    state = same(
        {r.bean_state for r in rows},
        "inputs",
        f"the inputs are in different states ({', '.join(sorted({r.bean_state for r in rows}))}); "
        "accepted: one state",
    )
    if state not in rule.input_states:
        raise InvalidInput(
            f"inputs: a {kind} step takes {' or '.join(rule.input_states)} beans, not {state}",
            field="inputs",
        )
    ratio = rules.step_ratio(kind, ratio)
    total_in = sum((kg for _, kg in taken), Decimal(0))
    total_out = sum(out_kg, Decimal(0))
    limit = total_in * ratio
    if total_out > limit:
        allowed = limit.quantize(rules.KG_STEP, rounding=ROUND_DOWN)
        raise InvalidInput(
            f"outputs: {total_out} kg out exceeds {total_in} kg in x {ratio} ({kind}) = "
            f"{limit.normalize():f} kg; accepted: at most {allowed} kg",
            field="outputs",
        )
    model, producer_id = rules.custody_check(custody_model, [_traits(r) for r in rows])
    if facility is not None and facility.organisation_id != organisation_id:
        raise InvalidInput(
            f"facility: {facility} belongs to another organisation", field="facility"
        )
    grades = {r.quality_grade for r in rows}
    take(taken)  # type: ignore[type-var]
    step = ProcessingStep(
        kind=kind,
        organisation_id=organisation_id,
        facility=facility,
        date=date,
        input_kg=total_in,
        output_kg=total_out,
        ratio=ratio,
        loss_kg=(limit - total_out).quantize(rules.KG_STEP),
        notes=notes,
        performed_by=actor if getattr(actor, "pk", None) else None,
    )
    instance_save(actor=actor, instance=step, source=source)
    codes = iter(next_codes("L", Lot, n_out))
    lots = []
    for output, kg in zip(outputs, out_kg, strict=True):
        lot = Lot(
            code=output.code or next(codes),
            public_id=public_id(),
            step=step,
            custodian_id=organisation_id,
            facility=facility,
            custody_model=model,
            producer_id=producer_id,
            bean_state=rule.output_state or state,
            flavour=rules.flavour_of(r.flavour for r in rows),
            quality_grade=output.quality_grade or (grades.pop() if len(grades) == 1 else ""),
            kg=kg,
        )
        lots.append(instance_save(actor=actor, instance=lot, source=source))
    source_field = "purchase" if isinstance(rows[0], Purchase) else "lot"
    instances_bulk_create(
        actor=actor,
        instances=[
            Allocation(
                kg=kg,
                step=step,
                source_step_id=r.step_id if isinstance(r, Lot) else None,
                **{source_field: r},
            )
            for r, kg in taken
        ],
        source=source,
    )
    return step, lots  # type: ignore[return-value]
