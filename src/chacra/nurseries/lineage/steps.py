"""The links of a lineage chain (a distribution, a batch, the material source at its end) and
the walk up from batches to where they began, a level at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from chacra.nurseries.models import Batch, Distribution, MaterialSource

BATCH_RELATED = (
    "clone",
    "nursery__distrito",
    "holder__comunidad__distrito",
    "source__clone",
    "source__plot__comunidad__distrito",
    "repays__producer",
    "repays__plot__comunidad__distrito",
)


@dataclass(frozen=True)
class Step:
    """One link of a chain: a distribution, a batch, or the material source at its end."""

    kind: str  # "distribution", "batch" or "source"
    code: str
    date: dt.date | None
    count: int | None
    material: str  # a BatchKind or SourceKind value
    clone: str
    distrito: str
    nursery: str = ""  # a batch held at a nursery: its code, name and kind
    nursery_name: str = ""
    nursery_kind: str = ""
    holder: str = ""  # a batch held by a farmer: her producer code
    returned: bool = False  # ... because she returned it against a donation
    producer: str = ""  # a distribution: the producer who received it
    plot: str = ""  # a distribution: the plot it went to; a source: the plot it stands on
    pk: int = 0  # the record's id

    @property
    def where(self) -> str:
        """Where the step is, in English (the command line's words)."""
        if self.nursery:
            return f"at {self.nursery_name} ({self.nursery}, {self.nursery_kind} nursery)"
        if self.holder:
            return f"{'returned' if self.returned else 'held'} by {self.holder}"
        if self.kind == "distribution":
            return f"to {self.producer}, plot {self.plot}"
        return f"on plot {self.plot}" if self.plot else ""

    def describe(self) -> str:
        """One line for the command line (English, with chacra's codes for kinds)."""
        kind = self.material.replace("_", " ")
        if self.kind == "source":
            return f"{self.code}: {kind} {self.clone} {self.where} ({self.distrito})"
        what = " ".join(x for x in (f"{self.count:,}", kind, self.clone) if x)
        return f"{self.code} {self.date or ''}: {what} {self.where} ({self.distrito})"


def batch_step(batch: Batch) -> Step:
    nursery, holder = batch.nursery, batch.holder
    if nursery is not None:
        distrito = nursery.distrito.name
    else:
        distrito = holder.comunidad.distrito.name if holder is not None else ""
    return Step(
        kind="batch",
        code=batch.code,
        date=batch.started_on,
        count=batch.count,
        material=batch.kind,
        clone=batch.clone.code if batch.clone else "",
        distrito=distrito,
        nursery=nursery.code if nursery else "",
        nursery_name=nursery.name if nursery else "",
        nursery_kind=nursery.kind if nursery else "",
        holder=holder.code if holder else "",
        returned=batch.repays_id is not None,
        pk=batch.pk,
    )


def distribution_step(d: Distribution, batch: Batch) -> Step:
    return Step(
        kind="distribution",
        code=d.code,
        date=d.date,
        count=d.count,
        material=batch.kind,
        clone=batch.clone.code if batch.clone else "",
        distrito=d.plot.comunidad.distrito.name,
        producer=d.producer.code,
        plot=d.plot.code,
        pk=d.pk,
    )


def source_step(source: MaterialSource) -> Step:
    return Step(
        kind="source",
        code=source.code,
        date=source.established_on,
        count=source.plants,
        material=source.kind,
        clone=source.clone.code,
        distrito=source.plot.comunidad.distrito.name,
        plot=source.plot.code,
        pk=source.pk,
    )


def batches_up(batch_ids: Iterable[int]) -> dict[int, Batch]:
    """These batches and every batch they came from, by id (one query per level)."""
    found: dict[int, Batch] = {}
    todo = set(batch_ids)
    while todo:
        rows = list(Batch.objects.filter(pk__in=todo).select_related(*BATCH_RELATED))
        found.update((b.pk, b) for b in rows)
        up = {b.origin_batch_id for b in rows if b.origin_batch_id}
        up |= {b.repays.batch_id for b in rows if b.repays is not None}
        todo = up - found.keys()
    return found


def steps_up(batch: Batch, batches: dict[int, Batch]) -> list[Step]:
    """The batch, the batches and donations it came from, and its source, nearest first."""
    steps: list[Step] = []
    current: Batch | None = batch
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        steps.append(batch_step(current))
        if current.origin_batch_id:
            current = batches.get(current.origin_batch_id)
        elif current.repays is not None:
            repaid = current.repays
            current = batches.get(repaid.batch_id)
            if current is not None:
                steps.append(distribution_step(repaid, current))
        else:
            if current.source is not None:
                steps.append(source_step(current.source))
            current = None
    return steps
