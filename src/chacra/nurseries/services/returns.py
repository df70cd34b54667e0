"""Plantain returns: suckers a farmer gives back against a donation, counted on it (``returned``
within ``obligation``) and held as a new batch for new farmers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from chacra.accounts.models import AuditAction
from chacra.accounts.services import audit_record, instance_save
from chacra.drawdown import draw, lock_row, require_left
from chacra.errors import InvalidInput
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
    related = ("batch", "producer__comunidad", "plot__comunidad")
    locked = lock_row(
        Distribution.objects.select_related(*related), distribution.pk, "distribution"
    )
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
    require_left(
        asked=count,
        left=locked.outstanding,
        field="count",
        holds=f"{locked.producer.code} owes {locked.outstanding} suckers on {locked.code} "
        f"({locked.returned} of {locked.obligation} already returned)",
        verb="return",
    )
    before = locked.returned
    draw(
        locked,
        used="returned",
        total="obligation",
        amount=count,
        meanwhile=f"count: a return against {locked.code} was recorded meanwhile",
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=locked,
        changes={"returned": [before, locked.returned]},
        summary=f"{locked.code}: {count} suckers returned",
        source=source,
    )
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
