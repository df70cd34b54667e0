"""Trace back (a lot or shipment to every purchase, producer and plot, with kg) and forward
(plots to every lot and shipment holding their beans).

One recursive query (``WITH RECURSIVE``, the same text on SQLite and PostgreSQL) fetches the
edges of the part of the graph that matters, as a set of steps (not of paths, which multiply
where a lot is split and merged again); then one pass in Python, in step order, carries the
kilos along. Trace-back shares are ratios (a third of a lot) that no decimal type holds exactly:
they are carried in binary64 (16 significant digits, so exact to the gram for lots up to a
million tonnes, and three times faster than ``Decimal``) and handed out as ``Decimal`` rounded
to 0.01 kg. Stored weights stay ``Decimal``. Every output of a step is a homogeneous mix of its
inputs, so each input's share of an output is proportional to the kilos it gave (whatever the
chain-of-custody model: for mass balance this is the administrative attribution).

Two figures per origin: ``kg``, the kilos of the traced lot or shipment that come from it
(these add up to the lot's kilos), and ``purchased_kg``, the kilos of the purchase, as bought
(wet or dry), that went into it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from chacra.errors import InvalidInput
from chacra.supply.models import Lot, Shipment

ZERO = Decimal(0)
CENT = Decimal("0.01")

# The steps upstream of a set of steps: each step's input lots were made by earlier steps
# (``source_step``: the step that made an allocation's source lot; NULL for purchases).
UP = """
WITH RECURSIVE up(step_id) AS (
    {seed}
  UNION
    SELECT a.source_step_id FROM up JOIN supply_allocation a ON a.step_id = up.step_id
)
"""
SEED_LOT = "SELECT step_id FROM supply_lot WHERE id = %s"
SEED_SHIPMENT = "SELECT source_step_id FROM supply_allocation WHERE shipment_id = %s"
# Every allocation into an upstream step, with the step that made its source lot, and for a
# purchase each of its plots (one row per plot) with the plot's share of the purchase.
BACK = """
SELECT a.step_id, CAST(a.kg AS DOUBLE PRECISION), a.lot_id, a.source_step_id,
       a.purchase_id, pp.plot_id, CAST(pp.kg AS DOUBLE PRECISION) / p.kg, p.producer_id,
       CAST(p.date AS TEXT)
FROM supply_allocation a
LEFT JOIN supply_purchase p ON p.id = a.purchase_id
LEFT JOIN supply_purchaseplot pp ON pp.purchase_id = a.purchase_id
WHERE a.step_id IN ({steps})
"""
# The same on PostgreSQL, one indexed lookup per step and per purchase: its planner, misjudging
# how many allocations a list of steps has, would otherwise hash-join whole tables. OFFSET 0
# keeps each LATERAL subquery from being flattened back into one big join.
BACK_POSTGRES = """
SELECT a.step_id, CAST(a.kg AS DOUBLE PRECISION), a.lot_id, a.source_step_id, a.purchase_id,
       o.plot_id, o.share, o.producer_id, o.date
FROM unnest(%s::bigint[]) AS u(step_id)
CROSS JOIN LATERAL (
    SELECT step_id, kg, lot_id, source_step_id, purchase_id FROM supply_allocation
    WHERE step_id = u.step_id OFFSET 0
) a
LEFT JOIN LATERAL (
    SELECT pp.plot_id, CAST(pp.kg AS DOUBLE PRECISION) / p.kg AS share, p.producer_id,
           CAST(p.date AS TEXT) AS date
    FROM supply_purchaseplot pp JOIN supply_purchase p ON p.id = pp.purchase_id
    WHERE pp.purchase_id = a.purchase_id OFFSET 0
) o ON true
"""
STEP_TOTALS = """
SELECT id, CAST(input_kg AS DOUBLE PRECISION), CAST(output_kg AS DOUBLE PRECISION)
FROM supply_processingstep WHERE id IN ({steps})
"""
SHIPMENT_INPUTS = (
    "SELECT CAST(kg AS DOUBLE PRECISION), lot_id, source_step_id FROM supply_allocation "
    "WHERE shipment_id = %s"
)
ORIGINS = (
    "SELECT pp.purchase_id, pp.plot_id, pp.kg, p.kg FROM supply_purchaseplot pp "
    "JOIN supply_purchase p ON p.id = pp.purchase_id WHERE pp.plot_id IN ({plots})"
)
DOWN = """
WITH RECURSIVE down(step_id) AS (
    SELECT a.step_id FROM supply_allocation a WHERE a.{source}_id IN ({ids})
  UNION
    SELECT a.step_id FROM down JOIN supply_allocation a ON a.source_step_id = down.step_id
)
"""
# Kind 0: an allocation into a downstream step; kind 1: a lot a downstream step made;
# kind 2: an allocation of such a lot into a shipment.
FORWARD = """
SELECT 0, a.step_id, a.kg, a.purchase_id, a.lot_id, s.input_kg
FROM supply_allocation a JOIN supply_processingstep s ON s.id = a.step_id
WHERE a.step_id IN ({steps})
UNION ALL
SELECT 1, l.step_id, l.kg, NULL, l.id, NULL FROM supply_lot l
WHERE l.step_id IN ({steps})
UNION ALL
SELECT 2, a.shipment_id, a.kg, NULL, a.lot_id, NULL FROM supply_allocation a
WHERE a.shipment_id IS NOT NULL AND (a.source_step_id IN ({steps}) OR a.lot_id = %s)
"""


def _steps_of(cursor: Any, sql: str, name: str, params: list[Any]) -> tuple[list[int], str]:
    """The step ids a recursive query finds, and an SQL list of them.

    The ids go back into the next query as literals (they are integers from the database):
    PostgreSQL cannot estimate how many rows a recursive query yields (it guesses hundreds of
    thousands) and would then scan whole tables; with the ids in hand it uses the indexes.
    """
    cursor.execute(f"{sql} SELECT step_id FROM {name}", params)  # noqa: S608 - our own texts
    ids = sorted(int(r[0]) for r in cursor.fetchall() if r[0] is not None)
    return ids, ", ".join(map(str, ids)) or "NULL"


class _Decimals(dict[Any, Decimal]):
    """Stored weights read exactly, each distinct value converted once (weights repeat a lot).

    SQLite hands back floats whose repr is the stored text; PostgreSQL hands back Decimals.
    """

    def __missing__(self, value: Any) -> Decimal:
        exact = value if isinstance(value, Decimal) else Decimal(repr(value))
        self[value] = exact
        return exact


def _decimal() -> Callable[[Any], Decimal]:
    return _Decimals().__getitem__


class OriginShare(NamedTuple):
    """The part of a traced lot or shipment that comes from one plot through one purchase
    (weights as floats: round them with ``kg_of``)."""

    plot_id: int
    purchase_id: int
    producer_id: int
    date: str  # ISO text: compares as dates do (convert with ``day_of``)
    kg: float
    purchased_kg: float


def kg_of(value: float) -> Decimal:
    """A carried weight as Decimal kg rounded to 0.01 (half to even)."""
    return Decimal(round(value * 100)).scaleb(-2)


def day_of(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Flow:
    """Kilos of the traced lot or shipment that went from a purchase or lot into a step."""

    source: str  # "purchase" or "lot"
    source_id: int
    source_step: int | None  # the step that made the source lot
    step_id: int | None  # None: into the traced shipment
    kg: Decimal


@dataclass
class TraceBack:
    kind: str  # "lot" or "shipment"
    id: int
    kg: Decimal
    origins: list[OriginShare]
    step_ids: list[int]
    flows: list[Flow] = field(default_factory=list)
    plot_totals: dict[int, list[float]] = field(default_factory=dict, repr=False)

    def by_plot(self) -> dict[int, tuple[Decimal, Decimal]]:
        """``{plot id: (kg of the traced lot, purchased kg)}``, each rounded to 0.01 kg."""
        if self.plot_totals:  # summed while tracing
            return {k: (kg_of(t), kg_of(m)) for k, (t, m) in self.plot_totals.items()}
        return _totals(self.origins, 0)

    def by_producer(self) -> dict[int, tuple[Decimal, Decimal]]:
        return _totals(self.origins, 2)

    def harvest(self) -> tuple[dt.date, dt.date] | None:
        """The first and last purchase day."""
        if not self.origins:
            return None
        dates = [o.date for o in self.origins]
        return day_of(min(dates)), day_of(max(dates))


def _totals(origins: Iterable[OriginShare], key: int) -> dict[int, tuple[Decimal, Decimal]]:
    sums: dict[int, list[float]] = {}
    for o in origins:
        k = int(o[key])
        acc = sums.get(k)
        if acc is None:
            sums[k] = [o.kg, o.purchased_kg]
        else:
            acc[0] += o.kg
            acc[1] += o.purchased_kg
    return {k: (kg_of(kg), kg_of(bought)) for k, (kg, bought) in sums.items()}


def trace_back(target: Lot | Shipment, *, flows: bool = False) -> TraceBack:
    """Every purchase and plot a lot or shipment comes from, with kg, to the gram.

    ``flows``: also list the kilos along every edge (for the flow diagram).
    """
    t_step: dict[int, float] = defaultdict(float)  # kg of the target from each step
    m_step: dict[int, float] = defaultdict(float)  # kg of each step's output used for it
    edges: list[Flow] = []
    with connection.cursor() as cursor:
        if isinstance(target, Shipment):
            kind, seed = "shipment", SEED_SHIPMENT
            cursor.execute(SHIPMENT_INPUTS, [target.pk])
            for kg, lot, step in cursor.fetchall():
                t_step[step] += kg
                m_step[step] += kg
                if flows:
                    edges.append(Flow("lot", lot, step, None, kg_of(kg)))
        else:
            kind, seed = "lot", SEED_LOT
            t_step[target.step_id] = m_step[target.step_id] = float(target.kg)
        steps, listed = _steps_of(cursor, UP.format(seed=seed), "up", [target.pk])
        if connection.vendor == "postgresql":
            cursor.execute(BACK_POSTGRES, [steps])
        else:
            cursor.execute(BACK.format(steps=listed))
        rows = cursor.fetchall()
        cursor.execute(STEP_TOTALS.format(steps=listed))
        totals = {step: (kg_in, kg_out) for step, kg_in, kg_out in cursor.fetchall()}
    inputs: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        inputs[row[0]].append(row)
    found: dict[tuple[int, int], list[Any]] = {}  # (purchase, plot): [t, m, producer, date]
    per_plot: dict[int, list[float]] = {}  # plot: [t, m]
    bought: dict[tuple[int, int], float] = defaultdict(float)  # (purchase, step): t, for flows
    # Later steps first: a step's input lots were all made by steps with smaller ids.
    for step in sorted(inputs, reverse=True):
        kg_in, kg_out = totals[step]
        t_per_kg, m_per_kg = t_step[step] / kg_in, m_step[step] / kg_out
        for _, kg, lot, lot_step, purchase, plot, share, producer, date in inputs[step]:
            t, m = t_per_kg * kg, m_per_kg * kg
            if purchase is None:
                t_step[lot_step] += t
                m_step[lot_step] += m
                if flows:
                    edges.append(Flow("lot", lot, lot_step, step, kg_of(t)))
                continue
            t, m = t * share, m * share
            acc = found.get((purchase, plot))
            if acc is None:
                found[(purchase, plot)] = [t, m, producer, date]
            else:
                acc[0] += t
                acc[1] += m
            total = per_plot.get(plot)
            if total is None:
                per_plot[plot] = [t, m]
            else:
                total[0] += t
                total[1] += m
            if flows:
                bought[(purchase, step)] += t
    edges += [Flow("purchase", p, None, step, kg_of(t)) for (p, step), t in bought.items()]
    make = tuple.__new__  # a NamedTuple without its keyword-parsing constructor
    origins = [
        make(OriginShare, (plot, purchase, producer, date, t, m))
        for (purchase, plot), (t, m, producer, date) in found.items()
    ]
    return TraceBack(kind, target.pk, target.kg, origins, sorted(inputs), edges, per_plot)


@dataclass
class Holding:
    """How much of the traced plots' beans a lot or shipment holds."""

    kind: str  # "lot" or "shipment"
    id: int
    kg: Decimal  # kilos of this lot or shipment that come from the traced plots
    purchased_kg: Decimal  # kilos of those plots' purchases, as bought, in it
    by_plot: dict[int, Decimal] = field(default_factory=dict)


def trace_forward(*, plot_ids: Iterable[int] = (), lot: Lot | None = None) -> list[Holding]:
    """Every lot and shipment that holds beans of these plots (or of this lot), with kg.

    Lots hold what they were made with, whether or not some was taken out of them since. From
    a lot, ``by_plot`` is keyed 0 and ``purchased_kg`` counts the lot's own kilos.
    """
    plots = sorted(set(plot_ids))
    if lot is None and not plots:
        raise InvalidInput("plots: name at least one plot to trace forward", field="plots")
    dec = _decimal()
    # per_kg[node]: {plot: (kg of the node, purchased kg)} per kg of the node
    per_kg: dict[tuple[str, int], dict[int, tuple[Decimal, Decimal]]] = {}
    with connection.cursor() as cursor:
        if lot is not None:
            per_kg[("lot", lot.pk)] = {0: (Decimal(1), Decimal(1))}
            source, ids = "lot", [lot.pk]
        else:
            cursor.execute(ORIGINS.format(plots=", ".join(["%s"] * len(plots))), plots)
            for purchase, plot, kg, purchase_kg in cursor.fetchall():
                share = dec(kg) / dec(purchase_kg)
                per_kg.setdefault(("purchase", purchase), {})[plot] = (share, share)
            source, ids = "purchase", sorted({node[1] for node in per_kg})
        if not ids:
            return []
        down = DOWN.format(source=source, ids=", ".join(["%s"] * len(ids)))
        _, listed = _steps_of(cursor, down, "down", ids)
        cursor.execute(FORWARD.format(steps=listed), [lot.pk if lot is not None else 0])
        rows = cursor.fetchall()
    inputs: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    outputs: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    kg_in: dict[int, Decimal] = {}
    shipped: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for kind, key, kg, purchase, row_lot, step_in in rows:
        if kind == 0:
            inputs[key].append((purchase, row_lot, dec(kg)))
            kg_in[key] = dec(step_in)
        elif kind == 1:
            outputs[key].append((row_lot, dec(kg)))
        else:
            shipped[key].append((row_lot, dec(kg)))
    holdings: list[Holding] = []
    for step in sorted(inputs):
        flow: dict[int, list[Decimal]] = {}
        for purchase, source_lot, kg in inputs[step]:
            node = ("purchase", purchase) if purchase is not None else ("lot", source_lot)
            for plot, (t, m) in per_kg.get(node, {}).items():
                acc = flow.setdefault(plot, [ZERO, ZERO])
                acc[0] += t * kg
                acc[1] += m * kg
        if not flow:
            continue
        total_out = sum((kg for _, kg in outputs[step]), ZERO)
        for made, kg in outputs[step]:
            # the step's input share goes to each output in proportion to its kilos
            per_kg[("lot", made)] = {
                p: (t / kg_in[step], m / total_out) for p, (t, m) in flow.items()
            }
            holdings.append(_holding("lot", made, kg, per_kg[("lot", made)]))
    for shipment in sorted(shipped):
        flow = {}
        for source_lot, kg in shipped[shipment]:
            for plot, (t, m) in per_kg.get(("lot", source_lot), {}).items():
                acc = flow.setdefault(plot, [ZERO, ZERO])
                acc[0] += t * kg
                acc[1] += m * kg
        if flow:
            total = sum((kg for _, kg in shipped[shipment]), ZERO)
            shares = {p: (t / total, m / total) for p, (t, m) in flow.items()}
            holdings.append(_holding("shipment", shipment, total, shares))
    return holdings


def _holding(
    kind: str, pk: int, kg: Decimal, per_kg: dict[int, tuple[Decimal, Decimal]]
) -> Holding:
    by_plot = {p: (t * kg).quantize(CENT) for p, (t, _) in per_kg.items()}
    return Holding(
        kind=kind,
        id=pk,
        kg=sum((t * kg for t, _ in per_kg.values()), ZERO).quantize(CENT),
        purchased_kg=sum((m * kg for _, m in per_kg.values()), ZERO).quantize(CENT),
        by_plot=by_plot,
    )
