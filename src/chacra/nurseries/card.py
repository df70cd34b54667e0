"""The producer card's section on genetic material: each clone on her plots with its origin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from chacra.accounts.scope import Scope
from chacra.nurseries.lineage import Step, plot_lineage
from chacra.registry import selectors as registry
from chacra.registry.models import Producer


@dataclass(frozen=True)
class CloneOrigin:
    """A clone grafted or planted on one of the producer's plots, and where it came from."""

    plot_pk: int
    plot_code: str
    clone: str
    use: str  # "graft" or "planting"
    date: dt.date | None
    hectares: Decimal | None
    count: int
    batch: Step | None  # the batch it was taken from
    nursery: Step | None  # the first batch held at a nursery on the way back
    source: Step | None  # the mother plant or budwood garden at the end


def clone_origins(*, scope: Scope, producer: Producer) -> list[CloneOrigin]:
    """Every grafting (and every planting of grafted seedlings) on the producer's plots with
    its origin; a grafting whose material was not recorded is listed with no origin."""
    out = []
    for plot in registry.plot_list(scope=scope).filter(producer=producer):
        lineage = plot_lineage(scope=scope, plot=plot)
        for chain in lineage.chains:
            if chain.use == "delivered" or not chain.clone:
                continue
            batches = [s for s in chain.steps if s.kind == "batch"]
            out.append(
                CloneOrigin(
                    plot_pk=plot.pk,
                    plot_code=plot.code,
                    clone=chain.clone,
                    use=chain.use,
                    date=chain.date,
                    hectares=chain.hectares,
                    count=chain.count,
                    batch=batches[0] if batches else None,
                    nursery=next((s for s in batches if s.nursery), None),
                    source=next((s for s in chain.steps if s.kind == "source"), None),
                )
            )
        traced = {(c.clone, c.date) for c in out if c.plot_pk == plot.pk and c.use == "graft"}
        for g in plot.grafts.select_related("clone"):
            if (g.clone.code, g.grafted_on) not in traced:
                out.append(
                    CloneOrigin(
                        plot_pk=plot.pk, plot_code=plot.code, clone=g.clone.code, use="graft",
                        date=g.grafted_on, hectares=g.grafted_ha, count=0,
                        batch=None, nursery=None, source=None,
                    )
                )  # fmt: skip
    out.sort(key=lambda c: (c.plot_code, c.date or dt.date.min, c.clone))
    return out
