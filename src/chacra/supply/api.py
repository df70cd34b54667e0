"""REST API for the supply chain: lots, shipments and purchases, their trace back and forward,
and a season's plausibility flags. Views parse, call a selector or service, serialise."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chacra.accounts.scope import Scope, scope_for
from chacra.compliance.eudr_export import EudrExport
from chacra.compliance.export_views import FILE_NAME, export_folder
from chacra.errors import InvalidInput
from chacra.registry import selectors as registry
from chacra.registry.models import Organisation
from chacra.supply import api_write, selectors, services
from chacra.supply.eudr import shipment_eudr_export
from chacra.supply.models import Lot, Purchase, Shipment
from chacra.supply.selectors import HoldingLine, TraceReport


class LotSerializer(serializers.ModelSerializer[Lot]):
    custodian = serializers.CharField(source="custodian.name", read_only=True)
    made_by = serializers.CharField(source="step.kind", read_only=True)
    made_on = serializers.DateField(source="step.date", read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "code", "public_id", "made_by", "made_on", "custodian", "custody_model",
                  "bean_state", "flavour", "quality_grade", "kg", "allocated_kg"]  # fmt: skip


class ShipmentSerializer(serializers.ModelSerializer[Shipment]):
    shipper = serializers.CharField(source="shipper.name", read_only=True)
    buyer = serializers.CharField(source="buyer.name", read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "code", "public_id", "container_number", "shipper", "buyer",
                  "destination", "date", "kg", "custody_model"]  # fmt: skip


class PurchaseOriginSerializer(serializers.Serializer[Any]):
    plot = serializers.CharField(help_text="plot code, e.g. PA000123")
    kg = serializers.DecimalField(max_digits=14, decimal_places=2)


class PurchaseSerializer(serializers.ModelSerializer[Purchase]):
    producer_code = serializers.CharField(source="producer.code", read_only=True)
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    origins = serializers.SerializerMethodField()

    class Meta:
        model = Purchase
        fields = ["id", "buyer", "buyer_name", "receipt_number", "date", "producer",
                  "producer_code", "bean_state", "flavour", "quality_grade", "kg", "price_per_kg",
                  "premium_per_kg", "amount_paid", "allocated_kg", "origins"]  # fmt: skip

    def get_origins(self, obj: Purchase) -> list[dict[str, Any]]:
        return [{"plot": o.plot.code, "kg": str(o.kg)} for o in obj.origins.all()]


class PurchaseCreateSerializer(serializers.Serializer[Any]):
    buyer = api_write.id_field("organisation id")
    receipt_number = serializers.CharField(max_length=30)
    date = serializers.DateField()
    producer = api_write.id_field("producer id")
    plots = PurchaseOriginSerializer(many=True)
    bean_state = serializers.CharField()
    flavour = serializers.CharField()
    quality_grade = serializers.CharField(required=False, allow_blank=True, default="")
    price_per_kg = serializers.DecimalField(max_digits=10, decimal_places=2)
    premium_per_kg = serializers.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    amount_paid = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


def trace_json(report: TraceReport) -> dict[str, Any]:
    """A trace report as JSON; ``plots`` only lists what the caller's scope may see."""
    return {
        "kind": report.kind,
        "code": report.target.code,
        "kg": str(report.kg),
        "custody_model": report.target.custody_model,
        "compliance": {
            "status": report.compliance.status,
            "plots": report.compliance.counts(),
            "kg": {k: str(v) for k, v in report.compliance.kg.items()},
        },
        "harvest": [str(d) for d in report.harvest] if report.harvest else None,
        "producers": report.producers,
        "clones": report.clones,
        "cooperatives": report.cooperatives,
        "areas": [
            {
                "region": a.region,
                "distrito": a.distrito,
                "ubigeo": a.ubigeo,
                "kg": str(a.kg),
                "plots": a.plots,
                "producers": a.producers,
            }
            for a in report.areas
        ],
        "plots": [
            {
                "plot": p.plot_code,
                "producer": p.producer_code,
                "name": p.producer_name,
                "distrito": p.distrito,
                "kg": str(p.kg),
                "purchased_kg": str(p.purchased_kg),
                "purchases": p.purchases,
            }
            for p in report.plots
        ],
        "kg_outside_your_scope": str(report.hidden_kg),
        "custody_transfers": [
            {
                "date": str(t.date),
                "lot": t.lot,
                "from": t.from_organisation,
                "to": t.to_organisation,
                "kg": str(t.kg),
                "document": t.document,
            }
            for t in report.transfers
        ],
        "steps": [
            {
                "kind": s.kind,
                "date": str(s.date),
                "organisation": s.organisation,
                "kg_in": str(s.kg_in),
                "kg_out": str(s.kg_out),
                "loss_kg": str(s.loss_kg),
                "lots": s.lots,
            }
            for s in report.steps
        ],
    }


class EudrRequestSerializer(serializers.Serializer[Any]):
    include_review = serializers.BooleanField(
        default=False, help_text="export plots that need review, too"
    )


def eudr_json(result: EudrExport, export_id: str) -> dict[str, Any]:
    """What an EUDR export wrote (each file's GeoJSON inline) and every plot it refused."""
    return {
        "files": [
            {
                "name": f.path.name,
                "url": reverse("compliance-export-file", args=[export_id, f.path.name]),
                "plots": f.plots,
                "producers": f.producers,
                "bytes": f.report.size_bytes,
                "geojson": json.loads(f.path.read_text(encoding="utf-8")),
            }
            for f in result.files
        ],
        "plots": result.plots,
        "producers": result.producers,
        "refused": [
            {
                "plot": r.plot,
                "producer": r.producer,
                "cause": r.cause,
                "message": str(r.message),
                "reasons": r.reasons,
            }
            for r in result.refused
        ],
    }


def holdings_json(lines: list[HoldingLine]) -> dict[str, Any]:
    return {
        "holdings": [
            {
                "kind": h.kind,
                "id": h.id,
                "code": h.code,
                "date": str(h.date),
                "holder": h.custodian,
                "kg": str(h.kg),
                "purchased_kg": str(h.purchased_kg),
                "share": round(h.share, 4),
            }
            for h in lines
        ]
    }


def _scope(request: Any) -> Scope:
    return scope_for(request.user)


def _pk(view: Any) -> int:
    """The URL's id, or 404 for one that is not a number (never a server error)."""
    text = str(view.kwargs["pk"])
    if not text.isdigit():
        raise NotFound(f"id: {text!r} is not a number")
    return int(text)


# HTTP TRACE would reach the viewsets' ``trace`` action (DRF dispatches on the method's name).
METHODS = ["get", "post", "head", "options"]
FIRST_SEASON, LAST_SEASON = 2000, 2100


class LotViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Lots (buyers: the lots in their shipments). ``trace``: its plots, with kg; ``forward``:
    the lots and shipments its beans went into. POST collects purchases into a lot; ``process``
    records a step; ``transfer`` hands a whole lot to another organisation."""

    serializer_class = LotSerializer
    http_method_names = METHODS

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Lot.objects.none()
        return selectors.lot_list(scope=_scope(self.request)).order_by("-pk")

    def get_object(self) -> Lot:
        return selectors.lot_get(scope=_scope(self.request), pk=_pk(self))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def trace(self, request: Request, pk: str) -> Response:
        report = selectors.trace_report(scope=_scope(self.request), target=self.get_object())
        return Response(trace_json(report))

    @extend_schema(request=api_write.LotCollectSerializer, responses=LotSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        lot = api_write.collect(request)
        return Response(LotSerializer(lot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=api_write.StepSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def process(self, request: Request) -> Response:
        """Ferment, dry, sort, split or merge lots; outputs never more than inputs allow."""
        step = api_write.process(request)
        lots = LotSerializer(step.outputs.order_by("pk"), many=True).data
        return Response(api_write.step_json(step, lots), status=status.HTTP_201_CREATED)

    @extend_schema(request=api_write.TransferSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        done = api_write.transfer(request, self.get_object())
        return Response(api_write.transfer_json(done), status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def forward(self, request: Request, pk: str) -> Response:
        """Every lot and shipment that holds beans of this lot, with kg."""
        lines = selectors.forward_report(scope=_scope(self.request), lot=self.get_object())
        return Response(holdings_json(lines))


class ShipmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Shipments (buyers: their own). ``trace``: origin by distrito; plots for staff roles.
    POST fills a container with dry lots held by one organisation."""

    serializer_class = ShipmentSerializer
    http_method_names = METHODS

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Shipment.objects.none()
        return selectors.shipment_list(scope=_scope(self.request)).order_by("-pk")

    def get_object(self) -> Shipment:
        return selectors.shipment_get(scope=_scope(self.request), pk=_pk(self))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True)
    def trace(self, request: Request, pk: str) -> Response:
        report = selectors.trace_report(scope=_scope(self.request), target=self.get_object())
        return Response(trace_json(report))

    @extend_schema(request=api_write.ShipmentCreateSerializer, responses=ShipmentSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shipment = api_write.ship(request)
        return Response(ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EudrRequestSerializer, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def eudr(self, request: Request, pk: str) -> Response:
        """The EUDR GeoJSON of the shipment's plots (inline and as files), and the refused."""
        asked = EudrRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        export_id = uuid.uuid4().hex
        result = shipment_eudr_export(
            actor=request.user, shipment=self.get_object(),
            out=export_folder(request.user.pk, export_id) / FILE_NAME,
            include_review=asked.validated_data["include_review"], source="api",
        )  # fmt: skip
        return Response(eudr_json(result, export_id))


class PurchaseViewSet(
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Purchases of the producers you see; POST records one (plots with kg each)."""

    serializer_class = PurchaseSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Purchase.objects.none()
        return (
            selectors.purchase_list(scope=_scope(self.request))
            .prefetch_related("origins__plot")
            .order_by("-date", "-pk")
        )

    @extend_schema(request=PurchaseCreateSerializer, responses=PurchaseSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PurchaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        producer = registry.producer_get(scope=_scope(self.request), pk=v["producer"])
        buyer = Organisation.objects.filter(pk=v["buyer"]).first()
        if buyer is None:
            raise InvalidInput(f"buyer: no organisation with id {v['buyer']}", field="buyer")
        purchase = services.purchase_record(
            actor=request.user, buyer=buyer, receipt_number=v["receipt_number"], date=v["date"],
            producer=producer, origins=[(o["plot"], o["kg"]) for o in v["plots"]],
            bean_state=v["bean_state"], flavour=v["flavour"], quality_grade=v["quality_grade"],
            price_per_kg=v["price_per_kg"], premium_per_kg=v["premium_per_kg"],
            amount_paid=v.get("amount_paid"), bought_by=request.user, source="api",
        )  # fmt: skip
        return Response(PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)


class ForwardView(APIView):
    """Every lot and shipment holding beans of a plot or producer, with kg."""

    of = "plot"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(self.request)
        if self.of == "plot":
            lines = selectors.forward_report(
                scope=scope, plot=registry.plot_get(scope=scope, pk=pk)
            )
        else:
            producer = registry.producer_get(scope=scope, pk=pk)
            lines = selectors.forward_report(scope=scope, producer=producer)
        return Response(holdings_json(lines))


class FlagsView(APIView):
    """A season's plausibility flags, each naming its figures."""

    @extend_schema(
        parameters=[OpenApiParameter("season", OpenApiTypes.INT, description="e.g. 2015")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        text = request.query_params.get("season") or str(timezone.localdate().year)
        if not text.isdigit() or not FIRST_SEASON <= int(text) <= LAST_SEASON:
            raise InvalidInput(
                f"season: {text!r} is not a year from {FIRST_SEASON} to {LAST_SEASON}, e.g. 2015",
                field="season",
            )
        flags = selectors.flags_for(scope=_scope(self.request), season=int(text))
        return Response(
            {
                "season": int(text),
                "flags": [
                    {
                        "code": f.code,
                        "message": f.message,
                        "plot": f.plot_id,
                        "producer": f.producer_id,
                        "purchase": f.purchase_id,
                        "figures": f.figures,
                    }
                    for f in flags
                ],
            }
        )
