"""Planning with the agroforestry model: the material planned hectares need against the stock
nurseries (and farmers holding plantain returns) have, by region and month; and each plot's
planting compared with its model.

Demand: for each region's planned month, hectares times the model's per-hectare figures. Stock:
what batches still hold, counted from the month they are ready (``ready_on``, else the day they
started) in the region of their nursery or holder. Months are served in order from the stock
ready by then; what a month cannot get is its shortfall. No personal data.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from chacra.accounts.scope import Scope
from chacra.nurseries.models import (
    TIMBER_KINDS,
    AgroforestryModel,
    Batch,
    BatchKind,
    Distribution,
    PlantingPlan,
)
from chacra.nurseries.selectors import require_aggregates
from chacra.registry import selectors as registry
from chacra.registry.models import Plot

MATERIALS = ("cacao_seedling", "budwood", "plantain", "timber")
PER_HA = {
    "cacao_seedling": "cacao_per_ha",
    "budwood": "budwood_per_ha",
    "plantain": "plantain_per_ha",
    "timber": "timber_per_ha",
}
NURSERY_REGION = "nursery__distrito__provincia__departamento"
HOLDER_REGION = "holder__comunidad__distrito__provincia__departamento"
TOLERANCE = 0.2  # a plot follows its model when every density is within 20% of it
MIX_TOLERANCE = 0.25  # ... and its clone mix differs from the model's by at most 25 points


def material_of(kind: str) -> str:
    return "timber" if kind in TIMBER_KINDS else kind


def _month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class DemandRow:
    region: str
    ubigeo: str
    month: dt.date
    material: str
    hectares: Decimal
    needed: int
    stock: int  # ready by the month and not taken by earlier months
    supplied: int

    @property
    def shortfall(self) -> int:
        return self.needed - self.supplied


def _stock(region_ids: set[int]) -> dict[tuple[int, str], list[tuple[dt.date, int]]]:
    rows = (
        Batch.objects.filter(taken__lt=F("count"))
        .annotate(
            region_id=Coalesce(NURSERY_REGION, HOLDER_REGION),
            ready=Coalesce("ready_on", "started_on"),
        )
        .filter(region_id__in=region_ids)
        .order_by()
        .values("region_id", "kind", "ready")
        .annotate(n=Sum(F("count") - F("taken")))
    )
    out: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
    for r in rows:
        out[(r["region_id"], material_of(r["kind"]))].append((r["ready"], int(r["n"])))
    for lots in out.values():
        lots.sort()
    return out


def demand_vs_stock(*, scope: Scope, region: str | None = None) -> list[DemandRow]:
    """Every planned month of every region (or one), by material, with its shortfall."""
    require_aggregates(scope)
    plans = PlantingPlan.objects.select_related("region", "model").order_by("region__name", "month")
    if region:
        by = "ubigeo" if region.isdigit() else "name__iexact"
        plans = plans.filter(**{f"region__{by}": region})
    plans_list = list(plans)
    stock = _stock({p.region_id for p in plans_list})
    pools: dict[tuple[int, str], int] = defaultdict(int)
    next_lot: dict[tuple[int, str], int] = defaultdict(int)
    out = []
    for plan in plans_list:
        for material in MATERIALS:
            key = (plan.region_id, material)
            lots = stock.get(key, [])
            while next_lot[key] < len(lots) and lots[next_lot[key]][0] <= _month_end(plan.month):
                pools[key] += lots[next_lot[key]][1]
                next_lot[key] += 1
            per_ha = getattr(plan.model, PER_HA[material])
            needed = math.ceil(plan.hectares * per_ha)
            supplied = min(needed, pools[key])
            out.append(
                DemandRow(
                    region=plan.region.name,
                    ubigeo=plan.region.ubigeo,
                    month=plan.month,
                    material=material,
                    hectares=plan.hectares,
                    needed=needed,
                    stock=pools[key],
                    supplied=supplied,
                )
            )
            pools[key] -= supplied
    return out


@dataclass(frozen=True)
class DemandTotal:
    region: str
    material: str
    needed: int
    supplied: int
    shortfall: int
    first_short: dt.date | None  # the first month that cannot be served


def demand_totals(rows: list[DemandRow]) -> list[DemandTotal]:
    by: dict[tuple[str, str], list[DemandRow]] = defaultdict(list)
    for r in rows:
        by[(r.region, r.material)].append(r)
    return [
        DemandTotal(
            region=region,
            material=material,
            needed=sum(r.needed for r in group),
            supplied=sum(r.supplied for r in group),
            shortfall=sum(r.shortfall for r in group),
            first_short=next((r.month for r in group if r.shortfall), None),
        )
        for (region, material), group in by.items()
    ]


# --- a plot against its agroforestry model ----------------------------------------------------


@dataclass(frozen=True)
class Component:
    material: str
    per_ha_model: int
    per_ha_plot: float
    delivered: int
    hectares: Decimal  # the hectares the density is counted on

    @property
    def ratio(self) -> float | None:
        return self.per_ha_plot / self.per_ha_model if self.per_ha_model else None

    @property
    def follows(self) -> bool:
        return self.ratio is not None and abs(self.ratio - 1) <= TOLERANCE


@dataclass(frozen=True)
class MixShare:
    clone: str
    model_share: float
    plot_share: float


@dataclass(frozen=True)
class PlotComparison:
    model: AgroforestryModel
    cacao_ha: Decimal
    grafted_ha: Decimal
    components: list[Component]
    mix: list[MixShare]

    @property
    def mix_gap(self) -> float:
        """How far the grafted clone mix is from the model's: half the summed differences."""
        return sum(abs(m.model_share - m.plot_share) for m in self.mix) / 2

    @property
    def follows(self) -> bool:
        return all(c.follows for c in self.components) and self.mix_gap <= MIX_TOLERANCE


def model_for(plot: Plot) -> AgroforestryModel | None:
    """The plot's region's model, else the general one (no region)."""
    region = plot.comunidad.distrito.provincia.departamento_id
    models = AgroforestryModel.objects.filter(Q(region__isnull=True) | Q(region=region))
    return min(models, key=lambda m: (m.region_id is None, m.code), default=None)


def plot_comparison(*, scope: Scope, plot: Plot) -> PlotComparison | None:
    """The plot's plantings and grafts against its model; None when no model applies."""
    plot = registry.plot_get(scope=scope, pk=plot.pk)
    model = model_for(plot)
    if model is None:
        return None
    cacao_ha = sum((p.cacao_installed_ha for p in plot.plantings.all()), Decimal(0))
    grafts = list(plot.grafts.select_related("clone"))
    grafted_ha = sum((g.grafted_ha for g in grafts), Decimal(0))
    delivered: dict[str, int] = defaultdict(int)
    rows = (
        Distribution.objects.filter(plot=plot)
        .order_by()
        .values_list("batch__kind")
        .annotate(n=Sum("count"))
    )
    for kind, n in rows:
        delivered[material_of(kind)] += n
    components = []
    for material in MATERIALS:
        ha = grafted_ha if material == BatchKind.BUDWOOD else cacao_ha
        components.append(
            Component(
                material=material,
                per_ha_model=getattr(model, PER_HA[material]),
                per_ha_plot=delivered[material] / float(ha) if ha else 0.0,
                delivered=delivered[material],
                hectares=ha,
            )
        )
    wanted = {c.clone.code: float(c.share) / 100 for c in model.clones.select_related("clone")}
    grafted: dict[str, Decimal] = defaultdict(Decimal)
    for g in grafts:
        grafted[g.clone.code] += g.grafted_ha
    mix = [
        MixShare(
            clone=code,
            model_share=wanted.get(code, 0.0),
            plot_share=float(grafted[code] / grafted_ha) if grafted_ha else 0.0,
        )
        for code in sorted(set(wanted) | set(grafted))
    ]
    return PlotComparison(
        model=model, cacao_ha=cacao_ha, grafted_ha=grafted_ha, components=components, mix=mix
    )
