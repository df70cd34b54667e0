"""Plantain returns: suckers a farmer gives back against a donation, counted on it (``returned``
within ``obligation``) and held as a new batch for new farmers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from chacra.accounts.models import AuditAction
from chacra.accounts.services import audit_record, instance_save
from chacra.errors import Conflict, InvalidInput, NotFound
from chacra.nurseries.models import Batch, BatchKind, Distribution, Nursery
from chacra.nurseries.services.batches import require_holder_write
from chacra.nurseries.services.common import count_value, new_code, not_future
from chacra.registry.services import require_producer_write


@transaction.atomic
def plantain_return_record(
    *,
    actor: Any,
    distribution: Distribution,
    count: Any,
    date: dt.date,
    nursery: Nursery | None = None,
    code: str | None = None,
    source: str = "code",
) -> Batch:
    """Suckers a farmer returns against a donation: a new batch, held by her (or brought to a
    nursery), ready to go to new farmers. Never more than she still owes."""
    locked = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("batch", "producer__comunidad", "plot__comunidad")
        .filter(pk=distribution.pk)
        .first()
    )
    if locked is None:
        raise NotFound(f"distribution: no distribution with id {distribution.pk}")
    require_producer_write(actor=actor, producer=locked.producer, comunidad=locked.plot.comunidad)
    if locked.obligation == 0:
        raise InvalidInput(
            f"distribution: {locked.code} created no obligation to return (not a donated "
            "plantain distribution); accepted: a donated plantain distribution",
            field="distribution",
        )
    count = count_value(count, "count")
    not_future(date, "date")
    if date < locked.date:
        raise InvalidInput(
            f"date: {date} is before the donation {locked.code} ({locked.date}); accepted: "
            f"{locked.date} or later",
            field="date",
        )
    if count > locked.outstanding:
        raise Conflict(
            f"count: {locked.producer.code} owes {locked.outstanding} suckers on {locked.code} "
            f"({locked.returned} of {locked.obligation} already returned); cannot return {count}; "
            f"accepted: at most {locked.outstanding}",
            field="count",
        )
    done = Distribution.objects.filter(pk=locked.pk, returned__lte=F("obligation") - count).update(
        returned=F("returned") + count
    )
    if not done:
        raise Conflict(f"count: a return against {locked.code} was recorded meanwhile")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=locked,
        changes={"returned": [locked.returned, locked.returned + count]},
        summary=f"{locked.code}: {count} suckers returned",
        source=source,
    )
    locked.returned += count
    returned = Batch(
        code=new_code("B", Batch, code),
        kind=BatchKind.PLANTAIN,
        nursery=nursery,
        holder=None if nursery is not None else locked.producer,
        repays=locked,
        generation=locked.generation,
        started_on=date,
        ready_on=date,
        count=count,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if nursery is not None:
        require_holder_write(actor, returned)
    instance_save(actor=actor, instance=returned, source=source)
    return returned
