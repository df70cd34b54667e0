"""The demo's planting material as plain records: batches, distributions and the links from
plantings and grafts to them, made in order of planting so that counts always add up.

Each planting's cacao seedlings come from the nearest farmer nursery in the month it was
installed; each grafting's budwood sticks are cut, in its month, from the nearest garden or mother
plant of its clone; agroforestry plantings get bolaina or capirona from a municipal or private
nursery; every planting gets plantain suckers for temporary shade. Every donated sucker obliges
the farmer to return two: most return them (some in two instalments, some only in part, a few
not at all) and the returns go to later farmers of the region, generation after generation.

Records are dicts by attname, as ``chacra.accounts.services.records_insert`` writes them; a key
starting with ``_`` holds the record another one refers to, resolved to its id when written.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import struct
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import Any

import numpy as np

from chacra.accounts.records import record_defaults
from chacra.nurseries.models import (
    Batch,
    BatchKind,
    Distribution,
    MaterialSource,
    Nursery,
    NurseryKind,
    PlantingMaterial,
    Transport,
)
from chacra.registry.models import Graft, Planting, Plot

Record = dict[str, Any]
CACAO_PER_HA, PLANTAIN_PER_HA, TIMBER_PER_HA, BUDWOOD_PER_HA = 1111, 500, 125, 140
TRANSPORTS = {
    Transport.TRUCK_RETURN_TRIP.value: 0.35,
    Transport.TRUCK.value: 0.15,
    Transport.PICKUP.value: 0.15,
    Transport.MOTORCYCLE.value: 0.15,
    Transport.PACK_ANIMAL.value: 0.10,
    Transport.ON_FOOT.value: 0.10,
}


def months_after(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def xy_of(plot: Plot) -> tuple[float, float]:
    point = plot.location if plot.location is not None else plot.comunidad.location
    if point is None:
        return (0.0, 0.0)
    wkb = bytes(point.wkb)  # one GEOS call; reading x and y apart takes four
    return struct.unpack_from("<dd" if wkb[0] == 1 else ">dd", wkb, 5)


def points(nurseries: list[Nursery]) -> np.ndarray:
    return np.array([n.location.coords for n in nurseries])  # type: ignore[union-attr]


def nearest(places: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Index of the nearest target for each place (degrees, longitude scaled by latitude)."""
    scale = np.cos(np.radians(places[:, 1].mean())) if len(places) else 1.0
    dx = (places[:, None, 0] - targets[None, :, 0]) * scale
    dy = places[:, None, 1] - targets[None, :, 1]
    return np.argmin(dx * dx + dy * dy, axis=1)


def _draws(rng: np.random.Generator, choices: list[str], p: list[float]) -> Iterator[str]:
    """Endless random choices, drawn a few thousand at a time (one draw each costs more)."""
    weights = np.array(p) / sum(p)
    while True:
        yield from (choices[i] for i in rng.choice(len(choices), 4096, p=weights))


class Material:
    """The records, with codes in order of making."""

    def __init__(self, rng: np.random.Generator, agents: dict[int, int]) -> None:
        self.rng = rng
        self.agents = agents
        self.batches: list[Record] = []
        self.distributions: list[Record] = []
        self.links: list[Record] = []
        self.returns: list[Record] = []
        self.open: dict[tuple[Any, ...], Record] = {}
        self.originals = 0
        self._batch = record_defaults(Batch)
        self._distribution = record_defaults(Distribution)
        self._link = record_defaults(PlantingMaterial)
        self._transport = _draws(rng, list(TRANSPORTS), list(TRANSPORTS.values()))

    def batch(self, key: tuple[Any, ...] | None, **fields: Any) -> Record:
        """The batch for ``key`` (nursery, kind, month...), made on first use; ``None``: new."""
        found = self.open.get(key) if key is not None else None
        if found is None:
            code = f"B{len(self.batches) + 1:06d}"
            found = {**self._batch, "code": code, "count": 0, "taken": 0, "_repays": None}
            found.update(fields)
            self.batches.append(found)
            if key is not None:
                self.open[key] = found
        return found

    def give(self, batch: Record, plot: Plot, count: int, date: dt.date, **fields: Any) -> Record:
        producer = plot.producer
        agent = self.agents.get(producer.pk) if self.rng.random() < 0.2 else None
        d = {
            **self._distribution,
            "code": f"D{len(self.distributions) + 1:06d}",
            "producer_id": producer.pk,
            "plot_id": plot.pk,
            "count": count,
            "date": date,
            "transport": next(self._transport),
            "signed_by": "" if agent else producer.full_name,
            "received_by_agent_id": agent,
            "_batch": batch,
            "_root": None,
        }
        d.update(fields)
        batch["taken"] += count
        if batch["_repays"] is None:  # a nursery raised what it gave; a return holds what came back
            batch["count"] += count
        self.distributions.append(d)
        return d

    def link(self, d: Record, planting: Planting | None = None, graft: Graft | None = None) -> None:
        self.links.append(
            {
                **self._link,
                "_distribution": d,
                "planting_id": planting.pk if planting else None,
                "graft_id": graft.pk if graft else None,
                "count": d["count"],
            }
        )

    def settle(self, young_from: dt.date) -> None:
        """Nursery batches raised a few more plants than they gave: most of the extra died in
        older batches; recent ones still hold theirs (the stock planning counts)."""
        for b in self.batches:
            if b["_repays"] is not None:
                continue
            extra = math.ceil(b["count"] * self.rng.uniform(0.03, 0.12)) if b["count"] else 1
            lost = 0 if b["started_on"] >= young_from else round(extra * self.rng.uniform(0.5, 1))
            b["count"] += extra
            b["taken"] += lost
            b["lost"] = lost


def seedlings_and_timber(
    m: Material,
    plots: list[Plot],
    plantings: list[Planting],
    nurseries: dict[str, list[Nursery]],
    region_of: dict[int, str],
    xy: np.ndarray,
) -> None:
    """Cacao seedlings from the nearest farmer nursery; timber from a municipal or private one."""
    rng = m.rng
    for region, here in nurseries.items():
        farm = [n for n in here if n.kind == NurseryKind.FARMER] or here
        public = [n for n in here if n.kind != NurseryKind.FARMER] or here
        mine = [i for i, p in enumerate(plots) if region_of[p.pk] == region]
        if not mine:
            continue
        near = nearest(xy[mine], points(farm))
        for j, i in enumerate(mine):
            planting, nursery, month = plantings[i], farm[int(near[j])], plantings[i].installed_on
            ha = float(planting.cacao_installed_ha)
            count = round(ha * CACAO_PER_HA * rng.uniform(0.85, 1.1))
            if count > 0:
                batch = m.batch(
                    (nursery.pk, "cacao", month),
                    kind=BatchKind.CACAO_SEEDLING.value,
                    nursery_id=nursery.pk,
                    started_on=months_after(month, -6),
                    ready_on=months_after(month, -1),
                )
                m.link(m.give(batch, plots[i], count, month), planting=planting)
            if planting.forestry_ha > 0:
                species = BatchKind.BOLAINA if rng.random() < 0.6 else BatchKind.CAPIRONA
                count = round(ha * TIMBER_PER_HA * rng.uniform(0.8, 1.2))
                nursery = public[int(rng.integers(0, len(public)))]
                quarter = dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
                batch = m.batch(
                    (nursery.pk, species, quarter),
                    kind=species.value,
                    nursery_id=nursery.pk,
                    started_on=months_after(quarter, -5),
                    ready_on=months_after(quarter, -1),
                )
                if count > 0:
                    m.link(m.give(batch, plots[i], count, month), planting=planting)


def budwood(
    m: Material,
    grafts: list[Graft],
    sources: list[MaterialSource],
    nurseries: dict[str, list[Nursery]],
    region_of: dict[int, str],
    graft_xy: np.ndarray,
) -> None:
    """Sticks cut in the month of each grafting from the nearest source of its clone in the
    region (else anywhere), kept at the grafted plot's nearest farmer nursery."""
    by_clone: dict[int, list[MaterialSource]] = defaultdict(list)
    for s in sources:
        by_clone[s.clone_id].append(s)
    farm = [n for here in nurseries.values() for n in here if n.kind == NurseryKind.FARMER]
    if not farm or not grafts:
        return
    near_farm = nearest(graft_xy, points(farm))
    # the nearest source of each grafting's clone: one distance matrix per region and clone
    source_of: dict[int, MaterialSource] = {}
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for k, g in enumerate(grafts):
        groups[(region_of[g.plot_id], g.clone_id)].append(k)
    for (region, clone_id), ks in groups.items():
        options = by_clone.get(clone_id)
        if not options:
            continue  # no source of the clone: its origin stays unrecorded
        local = [s for s in options if region_of[s.plot_id] == region] or options
        near = nearest(graft_xy[ks], np.array([xy_of(s.plot) for s in local]))
        source_of.update((k, local[int(j)]) for k, j in zip(ks, near, strict=True))
    for k, g in enumerate(grafts):
        source = source_of.get(k)
        if source is None:
            continue
        nursery = farm[int(near_farm[k])]
        sticks = math.ceil(float(g.grafted_ha) * BUDWOOD_PER_HA * m.rng.uniform(0.9, 1.1))
        batch = m.batch(
            (nursery.pk, "budwood", source.pk, g.grafted_on),
            kind=BatchKind.BUDWOOD.value,
            clone_id=g.clone_id,
            nursery_id=nursery.pk,
            source_id=source.pk,
            started_on=g.grafted_on - dt.timedelta(days=3),
        )
        if sticks > 0:
            m.link(m.give(batch, g.plot, sticks, g.grafted_on), graft=g)


def _returns(m: Material, d: Record, when: dt.date, need: int) -> list[tuple[int, dt.date]]:
    """When and how many suckers the farmer returns: most all, some in two instalments, some
    only part, a few nothing."""
    u, rng = m.rng.random(), m.rng
    if u < 0.6:
        return [(2 * need, months_after(when, int(rng.integers(6, 10))))]
    if u < 0.85:
        return [
            (need, months_after(when, int(rng.integers(6, 8)))),
            (need, months_after(when, int(rng.integers(9, 13)))),
        ]
    if u < 0.95:
        return [
            (round(2 * need * rng.uniform(0.3, 0.8)), months_after(when, int(rng.integers(7, 11))))
        ]
    return []


def plantain(
    m: Material,
    plots: list[Plot],
    plantings: list[Planting],
    nurseries: dict[str, list[Nursery]],
    region_of: dict[int, str],
    xy: np.ndarray,
) -> None:
    """The 1-for-2 cascade: plots in order of planting; each takes its suckers from the oldest
    return in its region that can cover them, else from the nearest nursery (an original
    donation)."""
    order = sorted(range(len(plots)), key=lambda i: (plantings[i].installed_on, plots[i].code))
    waiting: dict[str, list[tuple[dt.date, int, Record]]] = defaultdict(list)
    ready: dict[str, deque[Record]] = defaultdict(deque)
    nearest_nursery: dict[int, Nursery] = {}
    for region, here in nurseries.items():
        mine = [i for i, p in enumerate(plots) if region_of[p.pk] == region]
        if mine:
            near = nearest(xy[mine], points(here))
            nearest_nursery.update((i, here[int(j)]) for i, j in zip(mine, near, strict=True))
    for i in order:
        planting, plot = plantings[i], plots[i]
        need = round(float(planting.temporary_shade_ha) * PLANTAIN_PER_HA * m.rng.uniform(0.9, 1.1))
        if need <= 0:
            continue
        region, month = region_of[plot.pk], planting.installed_on
        while waiting[region] and waiting[region][0][0] <= month:
            ready[region].append(heapq.heappop(waiting[region])[2])
        source = None
        for _ in range(3):
            if not ready[region]:
                break
            front = ready[region][0]
            if front["count"] - front["taken"] >= need and front["holder_id"] != plot.producer_id:
                source = front
                break
            ready[region].popleft()  # too few left: they stay with the farmer
        if source is None:
            nursery = nearest_nursery[i]
            source = m.batch(
                (nursery.pk, "plantain", month),
                kind=BatchKind.PLANTAIN.value,
                nursery_id=nursery.pk,
                started_on=months_after(month, -4),
                ready_on=months_after(month, -1),
            )
            m.originals += 1
            d = m.give(source, plot, need, month, obligation=2 * need, generation=1)
        else:
            repaid = source["_repays"]
            d = m.give(
                source,
                plot,
                need,
                month,
                obligation=2 * need,
                generation=source["generation"] + 1,
                _root=repaid["_root"] or repaid,
            )
        m.link(d, planting=planting)
        for count, when in _returns(m, d, month, need):
            if count <= 0:
                continue
            r = m.batch(
                None,
                kind=BatchKind.PLANTAIN.value,
                holder_id=plot.producer_id,
                _repays=d,
                generation=d["generation"],
                started_on=when,
                ready_on=when,
                count=count,
            )
            m.returns.append(r)
            d["returned"] += count
            heapq.heappush(waiting[region], (when, len(m.batches), r))
