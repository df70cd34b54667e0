"""Batches: started (sown, cut, moved, split or grafted from another batch) and lost. What leaves
a batch is counted on it (``taken``) by a conditional update under a row lock, so a batch never
gives more than it holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from chacra.accounts.models import AuditAction
from chacra.accounts.services import audit_record, instance_save
from chacra.drawdown import draw, lock_row, require_left
from chacra.errors import InvalidInput
from chacra.nurseries import rules
from chacra.nurseries.models import Batch, BatchKind, MaterialSource, Nursery
from chacra.nurseries.services.common import (
    clone_get,
    count_value,
    new_code,
    not_future,
    one_of,
    region_of,
    require_region_write,
)
from chacra.registry.models import Clone, Producer
from chacra.registry.services import require_producer_write


def batch_locked(batch: Batch | int) -> Batch:
    pk = batch if isinstance(batch, int) else batch.pk
    related = ("nursery__distrito__provincia", "holder__comunidad", "clone", "repays")
    return lock_row(Batch.objects.select_related(*related), pk, "batch")


def require_holder_write(actor: Any, batch: Batch) -> None:
    if batch.holder is not None:
        require_producer_write(actor=actor, producer=batch.holder, comunidad=batch.holder.comunidad)
    elif batch.nursery is not None:
        nursery = batch.nursery
        require_region_write(actor, region_of(nursery.distrito), f"nursery {nursery.code}")


def _holds(batch: Batch) -> str:
    kind = BatchKind(batch.kind).label.lower()
    return (
        f"batch {batch.code} holds {batch.available} {kind} "
        f"({batch.taken} of {batch.count} already taken)"
    )


def batch_take(*, actor: Any, batch: Batch, count: int, lost: bool, source: str, why: str) -> None:
    """Count ``count`` as gone from the batch, if it still holds them; audited."""
    counted = ("taken", "lost") if lost else ("taken",)
    before = {name: getattr(batch, name) for name in counted}
    draw(
        batch,
        used="taken",
        total="count",
        amount=count,
        also=counted[1:],
        meanwhile=f"count: the plants of batch {batch.code} were taken meanwhile",
    )
    changes = {name: [before[name], getattr(batch, name)] for name in counted}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=batch,
        changes=changes,
        summary=f"{batch.code}: {count} {why}",
        source=source,
    )


def require_available(batch: Batch, count: int, verb: str) -> None:
    require_left(asked=count, left=batch.available, field="count", holds=_holds(batch), verb=verb)


def _batch_clone(
    kind: str, clone: Clone | str | None, material_source: MaterialSource | None
) -> Clone | None:
    chosen = clone_get(clone) if clone is not None else None
    if material_source is not None:
        if chosen is not None and chosen.pk != material_source.clone_id:
            raise InvalidInput(
                f"clone: {chosen.code} differs from the clone of source {material_source.code} "
                f"({material_source.clone.code}); accepted: {material_source.clone.code}",
                field="clone",
            )
        chosen = material_source.clone
    if chosen is not None and kind not in rules.CLONE_ALLOWED:
        raise InvalidInput(
            f"clone: {BatchKind(kind).label} carry no cacao clone; accepted: no clone",
            field="clone",
        )
    return chosen


def _from_origin(
    kind: str, count: int, origin: Batch, origin_count: Any, clone: Clone | None
) -> tuple[int, Clone | None]:
    """How many units the new batch takes from its origin, and the clone it carries."""
    allowed = (kind, *rules.MADE_FROM.get(kind, ()))
    if origin.kind not in allowed:
        names = ", ".join(BatchKind(k).label.lower() for k in allowed)
        raise InvalidInput(
            f"origin_batch: {BatchKind(kind).label.lower()} cannot be made from "
            f"{BatchKind(origin.kind).label.lower()} ({origin.code}); accepted: a batch of {names}",
            field="origin_batch",
        )
    if clone is not None and origin.clone_id is not None and clone.pk != origin.clone_id:
        raise InvalidInput(
            f"clone: {clone.code} differs from the clone of {origin.code} "
            f"({origin.clone.code}); accepted: {origin.clone.code}",  # type: ignore[union-attr]
            field="clone",
        )
    clone = clone or origin.clone
    if origin.kind == kind:  # a move or a split: what arrives is what left
        taken = count if origin_count is None else count_value(origin_count, "origin_count")
        if taken != count:
            raise InvalidInput(
                f"count: a batch moved from {origin.code} holds what it took ({taken}), not "
                f"{count}; accepted: {taken}",
                field="count",
            )
        return taken, clone
    if origin_count is None:
        raise InvalidInput(
            f"origin_count: say how many sticks of {origin.code} were used", field="origin_count"
        )
    sticks = count_value(origin_count, "origin_count")
    if count > sticks * rules.BUDS_PER_STICK:
        raise InvalidInput(
            f"count: {sticks} budwood sticks graft at most {sticks * rules.BUDS_PER_STICK} "
            f"seedlings ({rules.BUDS_PER_STICK} buds a stick), not {count}; accepted: at most "
            f"{sticks * rules.BUDS_PER_STICK}",
            field="count",
        )
    return sticks, clone


@transaction.atomic
def batch_start(
    *,
    actor: Any,
    kind: str,
    count: Any,
    started_on: dt.date,
    nursery: Nursery | None = None,
    holder: Producer | None = None,
    clone: Clone | str | None = None,
    material_source: MaterialSource | None = None,
    origin_batch: Batch | None = None,
    origin_count: Any = None,
    ready_on: dt.date | None = None,
    code: str | None = None,
    source: str = "code",
) -> Batch:
    """A new batch at a nursery or with a farmer: sown, cut from a source, or made from another
    batch (moved, split, or seedlings grafted with its budwood), whose count it takes."""
    one_of(kind, BatchKind.values, "kind")
    if (nursery is None) == (holder is None):
        raise InvalidInput(
            "nursery: a batch is held at one nursery or by one farmer; accepted: nursery or "
            "holder, not both or neither",
            field="nursery",
        )
    count = count_value(count, "count")
    not_future(started_on, "started_on")
    if ready_on is not None and ready_on < started_on:
        raise InvalidInput(
            f"ready_on: {ready_on} is before the batch started ({started_on}); accepted: "
            f"{started_on} or later",
            field="ready_on",
        )
    if material_source is not None and kind not in rules.CLONE_ALLOWED:
        raise InvalidInput(
            f"material_source: {BatchKind(kind).label.lower()} do not come from a cacao mother "
            "plant or budwood garden; accepted: no source",
            field="material_source",
        )
    chosen = _batch_clone(kind, clone, material_source)
    origin, taken = None, None
    if origin_batch is not None:
        origin = batch_locked(origin_batch)
        taken, chosen = _from_origin(kind, count, origin, origin_count, chosen)
        if started_on < origin.started_on:
            raise InvalidInput(
                f"started_on: {started_on} is before origin batch {origin.code} started "
                f"({origin.started_on}); accepted: {origin.started_on} or later",
                field="started_on",
            )
        require_available(origin, taken, "take")
        require_holder_write(actor, origin)
    elif origin_count is not None:
        raise InvalidInput("origin_count: given without an origin batch", field="origin_count")
    if chosen is None and kind in rules.CLONE_REQUIRED:
        raise InvalidInput(
            "clone: budwood sticks are cut from one clone; accepted: a clone code, a material "
            "source or an origin batch of budwood",
            field="clone",
        )
    batch = Batch(
        code=new_code("B", Batch, code),
        kind=kind,
        clone=chosen,
        nursery=nursery,
        holder=holder,
        source=material_source,
        origin_batch=origin,
        origin_count=taken,
        started_on=started_on,
        ready_on=ready_on,
        count=count,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    require_holder_write(actor, batch)
    instance_save(actor=actor, instance=batch, source=source)
    if origin is not None and taken is not None:
        batch_take(
            actor=actor,
            batch=origin,
            count=taken,
            lost=False,
            source=source,
            why=f"used for batch {batch.code}",
        )
    return batch


@transaction.atomic
def batch_loss_record(
    *, actor: Any, batch: Batch, count: Any, reason: str, source: str = "code"
) -> Batch:
    """Plants that died or sticks that dried out: they leave the batch for good."""
    locked = batch_locked(batch)
    require_holder_write(actor, locked)
    lost = count_value(count, "count")
    if not reason.strip():
        raise InvalidInput("reason: say why the plants were lost (e.g. drought, disease)")
    require_available(locked, lost, "lose")
    batch_take(
        actor=actor,
        batch=locked,
        count=lost,
        lost=True,
        source=source,
        why=f"lost: {reason.strip()}",
    )
    return locked
