"""Plausibility flags for a season's purchases: beans that could not have come from where they
are declared to come from, producers with no mapped plot, prices far from the period's median.

Each flag names its figures. The checks read the whole season at once with a few grouped
queries and numpy, so a season of a million purchases takes seconds, not a query per plot.

- ``over_yield``: a plot sold more dry-equivalent kg in the season than its cacao area times the
  yield ceiling for the age of its trees and its clone (``rules.yield_curves``). Wet kg count at
  the highest drying ratio allowed (0.40 by default): the benefit of the doubt goes to the
  producer, so a flag means the beans could not have come from that plot.
- ``unmapped_producer``: a producer who sold in the season with no plot mapped (neither a
  boundary nor a GPS point), so the origin cannot be located.
- ``price_outlier``: a purchase whose price per kg (premium aside) is further from the median of
  the same bean state and month than the tolerance (30% by default).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _

from chacra.registry.models import MappingMethod, Plot, Producer
from chacra.supply import rules
from chacra.supply.models import BeanState, Purchase

OVER_YIELD = "over_yield"
UNMAPPED_PRODUCER = "unmapped_producer"
PRICE_OUTLIER = "price_outlier"
MIN_PURCHASES_FOR_MEDIAN = 5
SEASON_PLOTS = (
    "SELECT DISTINCT pp.plot_id FROM supply_purchaseplot pp "
    "JOIN supply_purchase p ON p.id = pp.purchase_id WHERE p.date >= %s AND p.date <= %s"
)


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    plot_id: int | None = None
    producer_id: int | None = None
    purchase_id: int | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def season_bounds(season: int) -> tuple[dt.date, dt.date]:
    """First and last day of a season: the calendar year unless CHACRA_SEASON_START_MONTH moves
    it (a season that starts in April 2015 ends in March 2016)."""
    month = rules.season_start_month()
    return dt.date(season, month, 1), dt.date(season + 1, month, 1) - dt.timedelta(days=1)


def season_flags(*, season: int) -> list[Flag]:
    """Every plausibility flag of a season, plots first, then producers, then prices."""
    start, end = season_bounds(season)
    return [*_over_yield(start, end), *_unmapped(start, end), *_prices(start, end)]


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _over_yield(start: dt.date, end: dt.date) -> list[Flag]:
    sold = _rows(
        "SELECT pp.plot_id, p.bean_state, SUM(pp.kg) FROM supply_purchaseplot pp "
        "JOIN supply_purchase p ON p.id = pp.purchase_id "
        "WHERE p.date >= %s AND p.date <= %s GROUP BY pp.plot_id, p.bean_state",
        [start, end],
    )
    if not sold:
        return []
    ratio = float(rules.drying_ratio_range()[1])
    wet: dict[int, float] = defaultdict(float)
    dry: dict[int, float] = defaultdict(float)
    for plot, state, kg in sold:
        (dry if state == BeanState.DRY else wet)[plot] += float(kg)
    plot_ids = sorted(set(wet) | set(dry))
    plantings: dict[int, list[tuple[float, dt.date]]] = defaultdict(list)
    for plot, ha, installed in _rows(
        f"SELECT plot_id, cacao_installed_ha, installed_on FROM registry_planting "  # noqa: S608
        f"WHERE plot_id IN ({SEASON_PLOTS})",
        [start, end],
    ):
        plantings[plot].append((float(ha), _day(installed)))
    clones: dict[int, set[str]] = defaultdict(set)
    for plot, code, group in _rows(
        'SELECT g.plot_id, c.code, c."group" FROM registry_graft g '  # noqa: S608
        f"JOIN registry_clone c ON c.id = g.clone_id WHERE g.plot_id IN ({SEASON_PLOTS})",
        [start, end],
    ):
        clones[plot] |= {code, group}
    areas = {
        row[0]: row[1:]
        for row in _rows(
            "SELECT id, code, cacao_in_production_ha, declared_area_ha, area_ha FROM "  # noqa: S608
            f"registry_plot WHERE id IN ({SEASON_PLOTS})",
            [start, end],
        )
    }
    curves = rules.yield_curves()
    flags = []
    for plot in plot_ids:
        code, in_production, declared, measured = areas[plot]
        in_production, declared = _float(in_production), _float(declared)
        names = [k for k in clones.get(plot, ()) if k in curves] or ["default"]
        if plantings.get(plot):
            parts = [(ha, (end - day).days / 365.25) for ha, day in plantings[plot]]
        else:  # no planting recorded: what the record says is in production, as mature trees
            ha = in_production or declared or measured or 0
            parts = [(float(ha), 99.0)]
        area = sum(ha for ha, _ in parts)
        ceiling = max(
            sum(ha * rules.yield_ceiling(age, curves[n]) for ha, age in parts) for n in names
        )
        dry_equivalent = dry.get(plot, 0.0) + wet.get(plot, 0.0) * ratio
        if dry_equivalent <= ceiling + 1e-6:
            continue
        youngest = min(age for _, age in parts)
        figures = {
            "wet_kg": round(wet.get(plot, 0.0), 2),
            "dry_kg": round(dry.get(plot, 0.0), 2),
            "dry_equivalent_kg": round(dry_equivalent, 1),
            "drying_ratio": ratio,
            "cacao_ha": round(area, 2),
            "youngest_trees_years": round(youngest, 1) if youngest < 99 else None,
            "ceiling_kg": round(ceiling, 1),
            "curve": "/".join(sorted(names)),
        }
        flags.append(
            Flag(
                OVER_YIELD,
                _(
                    "plot %(plot)s sold %(sold).0f kg dry equivalent (%(wet).0f kg wet x "
                    "%(ratio)s + %(dry).0f kg dry) from %(start)s to %(end)s; %(ha).2f ha of "
                    "cacao can give at most %(ceiling).0f kg (yield curve %(curve)s)"
                )
                % {
                    "plot": code,
                    "sold": dry_equivalent,
                    "wet": figures["wet_kg"],
                    "ratio": ratio,
                    "dry": figures["dry_kg"],
                    "start": start,
                    "end": end,
                    "ha": area,
                    "ceiling": ceiling,
                    "curve": figures["curve"],
                },
                plot_id=plot,
                figures=figures,
            )
        )
    return flags


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _unmapped(start: dt.date, end: dt.date) -> list[Flag]:
    mapped = Plot.objects.filter(producer=OuterRef("pk")).exclude(
        mapping_method=MappingMethod.NOT_MAPPED
    )
    rows = (
        Producer.objects.filter(purchases__date__gte=start, purchases__date__lte=end)
        .exclude(Exists(mapped))
        .annotate(kg=Sum("purchases__kg"))
        .values_list("pk", "code", "kg")
        .order_by("code")
    )
    return [
        Flag(
            UNMAPPED_PRODUCER,
            _("producer %(code)s sold %(kg).2f kg from %(start)s to %(end)s with no plot mapped")
            % {"code": code, "kg": float(kg), "start": start, "end": end},
            producer_id=pk,
            figures={"kg": float(kg)},
        )
        for pk, code, kg in rows
    ]


def _prices(start: dt.date, end: dt.date) -> list[Flag]:
    rows = _rows(
        "SELECT id, date, bean_state, price_per_kg FROM supply_purchase "
        "WHERE date >= %s AND date <= %s",
        [start, end],
    )
    if not rows:
        return []
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    month = np.array([str(r[1])[:7] for r in rows])
    state = np.array([r[2] for r in rows])
    price = np.fromiter((float(r[3]) for r in rows), dtype=np.float64, count=len(rows))
    tolerance = rules.price_tolerance()
    flagged: list[tuple[int, float, float, int, str, str]] = []
    groups = np.char.add(np.char.add(month, "|"), state)
    order = np.argsort(groups, kind="stable")
    keys, first = np.unique(groups[order], return_index=True)
    bounds = [*first.tolist(), len(order)]
    for key, a, b in zip(keys.tolist(), bounds[:-1], bounds[1:], strict=True):
        idx = order[a:b]
        if len(idx) < MIN_PURCHASES_FOR_MEDIAN:
            continue
        median = float(np.median(price[idx]))
        if median <= 0:
            continue
        off = np.abs(price[idx] - median) / median > tolerance
        period, bean_state = key.split("|")
        flagged += [
            (int(ids[i]), float(price[i]), median, len(idx), period, bean_state) for i in idx[off]
        ]
    receipts: dict[int, str] = {}
    for i in range(0, len(flagged), 500):
        chunk = [f[0] for f in flagged[i : i + 500]]
        receipts |= dict(Purchase.objects.filter(pk__in=chunk).values_list("pk", "receipt_number"))
    states = dict(BeanState.choices)
    return [
        Flag(
            PRICE_OUTLIER,
            _(
                "purchase %(receipt)s: S/ %(price).2f per kg is %(off).0f%% %(side)s the median "
                "S/ %(median).2f of %(n)s %(state)s purchases in %(period)s"
            )
            % {
                "receipt": receipts.get(pk, pk),
                "price": p,
                "off": abs(p - m) / m * 100,
                "side": _("above") if p > m else _("below"),
                "median": m,
                "n": n,
                "state": str(states.get(s, s)).lower(),
                "period": period,
            },
            purchase_id=pk,
            figures={"price_per_kg": p, "median": m, "purchases": n, "period": period},
        )
        for pk, p, m, n, period, s in flagged
    ]
