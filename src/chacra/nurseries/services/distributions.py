"""Distributions: plants or sticks taken from a batch to a producer's plot (a donated plantain
distribution obliges the receiver to return twice the count)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from chacra.accounts.models import Role
from chacra.accounts.scope import scope_for
from chacra.accounts.services import instance_save
from chacra.errors import InvalidInput
from chacra.nurseries import rules
from chacra.nurseries.models import Batch, BatchKind, Distribution, Transport
from chacra.nurseries.services.batches import batch_locked, batch_take, require_available
from chacra.nurseries.services.common import count_value, new_code, not_future, one_of
from chacra.registry.models import Plot, Producer
from chacra.registry.services import require_producer_write


def _receipt(signed_by: str, received_by_agent: Any) -> str:
    signed_by = " ".join(signed_by.split())
    if not signed_by and received_by_agent is None:
        raise InvalidInput(
            "receipt: a distribution needs the receiver's signature (signed_by) or the extension "
            "agent who received it (received_by_agent); neither was given",
            field="signed_by",
        )
    if received_by_agent is not None and scope_for(received_by_agent).role != Role.AGENT:
        raise InvalidInput(
            f"received_by_agent: {received_by_agent} is not an extension agent",
            field="received_by_agent",
        )
    return signed_by


@transaction.atomic
def distribution_record(
    *,
    actor: Any,
    batch: Batch,
    plot: Plot,
    count: Any,
    date: dt.date,
    producer: Producer | None = None,
    transport: str = "",
    transport_notes: str = "",
    signed_by: str = "",
    received_by_agent: Any = None,
    donated: bool = True,
    code: str | None = None,
    source: str = "code",
) -> Distribution:
    """Plants or sticks taken from a batch to a producer's plot; never more than the batch holds.

    A donated plantain distribution obliges the receiver to return twice the count.
    """
    producer = producer or plot.producer
    if plot.producer_id != producer.pk:
        own = ", ".join(producer.plots.values_list("code", flat=True)) or "none registered"
        raise InvalidInput(
            f"plot: {plot.code} belongs to another producer than {producer.code}; accepted: "
            f"{producer.code}'s plots ({own})",
            field="plot",
        )
    require_producer_write(actor=actor, producer=producer, comunidad=plot.comunidad)
    count = count_value(count, "count")
    not_future(date, "date")
    if transport:
        one_of(transport, Transport.values, "transport")
    signed_by = _receipt(signed_by, received_by_agent)
    locked = batch_locked(batch)
    if date < locked.started_on:
        raise InvalidInput(
            f"date: {date} is before batch {locked.code} started ({locked.started_on}); "
            f"accepted: {locked.started_on} or later",
            field="date",
        )
    if locked.holder_id == producer.pk:
        raise InvalidInput(
            f"producer: {producer.code} holds batch {locked.code}; accepted: another producer",
            field="producer",
        )
    require_available(locked, count, "distribute")
    plantain = locked.kind == BatchKind.PLANTAIN
    repaid = locked.repays
    distribution = Distribution(
        code=new_code("D", Distribution, code),
        batch=locked,
        producer=producer,
        plot=plot,
        count=count,
        date=date,
        transport=transport,
        transport_notes=transport_notes.strip(),
        signed_by=signed_by,
        received_by_agent=received_by_agent,
        donated=donated,
        obligation=count * rules.RETURN_FACTOR if plantain and donated else 0,
        generation=locked.generation + 1,
        root=(repaid.root or repaid) if repaid is not None else None,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    instance_save(actor=actor, instance=distribution, source=source)
    batch_take(
        actor=actor,
        batch=locked,
        count=count,
        lost=False,
        source=source,
        why=f"distributed ({distribution.code})",
    )
    return distribution
