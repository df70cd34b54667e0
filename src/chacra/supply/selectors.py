"""Every read of the supply chain, scoped to the caller.

Who sees what (Ley 29733 and buyers' commercial confidentiality):
- programme-wide roles, regional offices and extension agents see every lot and shipment and
  trace them; names and plot codes appear for the producers their scope reaches, the rest is
  folded into figures by distrito;
- a buyer login sees only the shipments bought by its organisation (``BuyerAccess``) and the
  lots in them, traced to figures by distrito: never a producer, a plot or a purchase;
- investors see programme figures, not buyers' lots: supply reads are refused to them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied, NotFound
from chacra.registry import selectors as registry
from chacra.registry.models import Graft, Membership, OrganisationKind, Plot, Producer
from chacra.supply.checks import LotCompliance, compliance_of
from chacra.supply.models import (
    Allocation,
    CustodyTransfer,
    Lot,
    ProcessingStep,
    Purchase,
    Shipment,
    StepKind,
)
from chacra.supply.plausibility import Flag, season_flags
from chacra.supply.trace import CENT, Holding, TraceBack, trace_back, trace_forward

ZERO = Decimal(0)


def _require(scope: Scope) -> None:
    if not (scope.sees_personal_data or scope.role == Role.BUYER):
        raise AccessDenied(
            "this role does not see buyers' lots and shipments; programme figures are on the "
            "dashboard"
        )


def shipment_list(*, scope: Scope) -> QuerySet[Shipment]:
    _require(scope)
    qs = Shipment.objects.select_related("shipper", "buyer")
    if scope.role == Role.BUYER:
        return qs.filter(buyer__buyer_logins__user=scope.user_id or 0)
    return qs


def lot_list(*, scope: Scope) -> QuerySet[Lot]:
    _require(scope)
    qs = Lot.objects.select_related("custodian", "step")
    if scope.role == Role.BUYER:
        shipped = shipment_list(scope=scope).values("pk")
        return qs.filter(allocations__shipment__in=shipped).distinct()
    return qs


def shipment_get(*, scope: Scope, pk: int) -> Shipment:
    found = shipment_list(scope=scope).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"shipment {pk} does not exist or is outside your scope")
    return found


def lot_get(*, scope: Scope, pk: int) -> Lot:
    found = lot_list(scope=scope).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"lot {pk} does not exist or is outside your scope")
    return found


def target_by_code(*, scope: Scope, code: str) -> Lot | Shipment:
    """A lot (L000123) or shipment (S000045) by its code, within the caller's scope."""
    found: Lot | Shipment | None = lot_list(scope=scope).filter(code=code).first()
    found = found or shipment_list(scope=scope).filter(code=code).first()
    if found is None:
        raise NotFound(f"no lot or shipment with code {code!r} in your scope")
    return found


def purchase_list(*, scope: Scope) -> QuerySet[Purchase]:
    """Purchases of the producers the caller may see (personal data: names and payments)."""
    producers = registry.producer_list(scope=scope).order_by().values("pk")
    return Purchase.objects.filter(producer__in=producers).select_related("buyer", "producer")


def flags_for(*, scope: Scope, season: int) -> list[Flag]:
    """A season's plausibility flags on the plots, producers and purchases the caller sees."""
    if not scope.sees_personal_data:
        raise AccessDenied("plausibility flags name plots and producers (Ley 29733)")
    flags = season_flags(season=season)
    if scope.is_programme_wide:
        return flags
    producers = set(registry.producer_list(scope=scope).values_list("pk", flat=True))
    plots = set(
        Plot.objects.filter(
            pk__in=[f.plot_id for f in flags if f.plot_id], producer__in=producers
        ).values_list("pk", flat=True)
    )
    purchases = set(
        Purchase.objects.filter(
            pk__in=[f.purchase_id for f in flags if f.purchase_id], producer__in=producers
        ).values_list("pk", flat=True)
    )
    return [
        f
        for f in flags
        if f.plot_id in plots or f.producer_id in producers or f.purchase_id in purchases
    ]


# --- trace reports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlotLine:
    plot_id: int
    plot_code: str
    producer_id: int
    producer_code: str
    producer_name: str
    distrito: str
    region: str
    kg: Decimal
    purchased_kg: Decimal
    purchases: int


@dataclass(frozen=True)
class AreaLine:
    region: str
    distrito: str
    ubigeo: str
    kg: Decimal
    plots: int
    producers: int


@dataclass(frozen=True)
class StepLine:
    id: int
    kind: str
    label: str
    date: Any
    organisation: str
    facility: str
    kg_in: Decimal
    kg_out: Decimal
    loss_kg: Decimal
    ratio: Decimal
    lots: list[str]


@dataclass(frozen=True)
class TransferLine:
    date: Any
    lot: str
    from_organisation: str
    to_organisation: str
    kg: Decimal
    document: str


@dataclass
class TraceReport:
    kind: str
    target: Lot | Shipment
    trace: TraceBack
    areas: list[AreaLine]
    plots: list[PlotLine]  # only those whose producer the caller may see
    hidden_kg: Decimal  # kilos from producers outside the caller's scope (in areas only)
    steps: list[StepLine]
    compliance: LotCompliance
    clones: list[str]
    cooperatives: list[str]
    harvest: tuple[Any, Any] | None
    producers: int
    lot_codes: dict[int, str] = field(default_factory=dict)
    transfers: list[TransferLine] = field(default_factory=list)  # custody, oldest first

    @property
    def kg(self) -> Decimal:
        return self.trace.kg


def _visible_producers(scope: Scope, ids: set[int]) -> set[int]:
    if not scope.sees_personal_data:
        return set()
    return set(registry.producer_list(scope=scope).filter(pk__in=ids).values_list("pk", flat=True))


def trace_report(*, scope: Scope, target: Lot | Shipment, flows: bool = False) -> TraceReport:
    """What a lot or shipment is made of, as the caller may see it."""
    kind = "shipment" if isinstance(target, Shipment) else "lot"
    if kind == "shipment":
        shipment_get(scope=scope, pk=target.pk)
    else:
        lot_get(scope=scope, pk=target.pk)
    trace = trace_back(target, flows=flows)
    by_plot = trace.by_plot()
    plots = {
        p.pk: p
        for p in Plot.objects.filter(pk__in=list(by_plot)).select_related(
            "producer", "comunidad__distrito__provincia__departamento"
        )
    }
    producer_ids = {p.producer_id for p in plots.values()}
    visible = _visible_producers(scope, producer_ids)
    purchases: dict[int, set[int]] = defaultdict(set)
    for o in trace.origins:
        purchases[o.plot_id].add(o.purchase_id)
    lines, hidden = [], ZERO
    area: dict[Any, list[Any]] = {}
    for plot_id, (kg, bought) in by_plot.items():
        plot = plots[plot_id]
        distrito = plot.comunidad.distrito
        acc = area.setdefault(distrito.pk, [distrito, ZERO, set(), set()])
        acc[1] += kg
        acc[2].add(plot_id)
        acc[3].add(plot.producer_id)
        if plot.producer_id not in visible:
            hidden += kg
            continue
        lines.append(
            PlotLine(
                plot_id, plot.code, plot.producer_id, plot.producer.code,
                plot.producer.full_name, distrito.name, distrito.provincia.departamento.name,
                kg, bought, len(purchases[plot_id]),
            )
        )  # fmt: skip
    areas = sorted(
        (
            AreaLine(d.provincia.departamento.name, d.name, d.ubigeo, kg, len(p), len(pr))
            for d, kg, p, pr in area.values()
        ),
        key=lambda a: (-a.kg, a.ubigeo),
    )
    return TraceReport(
        kind=kind,
        target=target,
        trace=trace,
        areas=areas,
        plots=sorted(lines, key=lambda p: (-p.kg, p.plot_code)),
        hidden_kg=hidden.quantize(CENT),
        steps=_steps(trace.step_ids),
        compliance=compliance_of(trace),
        clones=sorted(
            set(Graft.objects.filter(plot__in=list(by_plot)).values_list("clone__code", flat=True))
        ),
        cooperatives=sorted(
            set(
                Membership.objects.filter(
                    producer__in=producer_ids,
                    organisation__kind__in=[
                        OrganisationKind.COOPERATIVE,
                        OrganisationKind.ASSOCIATION,
                    ],
                ).values_list("organisation__name", flat=True)
            )
        ),
        harvest=trace.harvest(),
        producers=len(producer_ids),
        lot_codes=dict(Lot.objects.filter(step__in=trace.step_ids).values_list("pk", "code")),
        transfers=_transfers(trace.step_ids, target),
    )


def _transfers(step_ids: list[int], target: Lot | Shipment) -> list[TransferLine]:
    """Custody transfers of the traced lot and the lots it was made of, oldest first."""
    into = Q(step__in=step_ids) | (
        Q(shipment=target) if isinstance(target, Shipment) else Q(pk__in=[])
    )
    lots = Allocation.objects.filter(into, lot__isnull=False).values("lot")
    held = Q(lot__in=lots) | (Q(lot=target) if isinstance(target, Lot) else Q(pk__in=[]))
    rows = (
        CustodyTransfer.objects.filter(held)
        .select_related("lot", "from_organisation", "to_organisation")
        .order_by("date", "pk")
    )
    return [
        TransferLine(t.date, t.lot.code, t.from_organisation.name, t.to_organisation.name,
                     t.kg, t.document)
        for t in rows
    ]  # fmt: skip


def _steps(ids: list[int]) -> list[StepLine]:
    labels = dict(StepKind.choices)
    rows = (
        ProcessingStep.objects.filter(pk__in=ids)
        .select_related("organisation", "facility")
        .prefetch_related("outputs")
        .order_by("date", "pk")
    )
    return [
        StepLine(
            s.pk, s.kind, str(labels[s.kind]), s.date, s.organisation.name,
            s.facility.name if s.facility else "", s.input_kg, s.output_kg, s.loss_kg, s.ratio,
            [lot.code for lot in s.outputs.all()],
        )
        for s in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class HoldingLine:
    kind: str
    id: int
    code: str
    date: Any
    custodian: str
    kg: Decimal
    purchased_kg: Decimal
    share: float  # of the lot or shipment


def forward_report(
    *,
    scope: Scope,
    producer: Producer | None = None,
    plot: Plot | None = None,
    lot: Lot | None = None,
) -> list[HoldingLine]:
    """Every lot and shipment holding beans of a producer's plots, one plot, or a lot.

    A buyer (who may trace forward only from a lot of its own shipments) sees only the lots and
    shipments it may open: where else the beans went is other buyers' business.
    """
    if lot is not None:
        lines = _holding_lines(trace_forward(lot=lot_get(scope=scope, pk=lot.pk)))
        if scope.role != Role.BUYER:
            return lines
        lots = set(lot_list(scope=scope).filter(pk__in=[h.id for h in lines if h.kind == "lot"])
                   .values_list("pk", flat=True))  # fmt: skip
        shipments = set(shipment_list(scope=scope).values_list("pk", flat=True))
        return [h for h in lines if h.id in (lots if h.kind == "lot" else shipments)]
    if not scope.sees_personal_data:
        raise AccessDenied("tracing a producer's beans forward needs a role that sees producers")
    if plot is not None:
        plot_ids = [registry.plot_get(scope=scope, pk=plot.pk).pk]
    elif producer is not None:
        producer = registry.producer_get(scope=scope, pk=producer.pk)
        plot_ids = list(producer.plots.values_list("pk", flat=True))
    else:
        raise NotFound("name a producer or a plot to trace forward")
    if not plot_ids:
        return []
    return _holding_lines(trace_forward(plot_ids=plot_ids))


def _holding_lines(holdings: list[Holding]) -> list[HoldingLine]:
    lots = {
        lot.pk: lot
        for lot in Lot.objects.filter(
            pk__in=[h.id for h in holdings if h.kind == "lot"]
        ).select_related("custodian", "step")
    }
    shipments = {
        s.pk: s
        for s in Shipment.objects.filter(
            pk__in=[h.id for h in holdings if h.kind == "shipment"]
        ).select_related("shipper")
    }
    out = []
    for h in holdings:
        if h.kind == "lot":
            lot = lots[h.id]
            out.append(HoldingLine("lot", lot.pk, lot.code, lot.step.date, lot.custodian.name,
                                   h.kg, h.purchased_kg, float(h.kg / lot.kg)))  # fmt: skip
        else:
            s = shipments[h.id]
            out.append(HoldingLine("shipment", s.pk, s.code, s.date, s.shipper.name,
                                   h.kg, h.purchased_kg, float(h.kg / s.kg)))  # fmt: skip
    return out
