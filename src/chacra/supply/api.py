"""REST API for the supply chain: lots, shipments and purchases, their trace back and forward,
and a season's plausibility flags. Views parse, call a selector or service, serialise."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chacra.accounts.scope import Scope, scope_for
from chacra.compliance.export_views import FILE_NAME, export_folder
from chacra.errors import InvalidInput
from chacra.registry import selectors as registry
from chacra.registry.models import Organisation
from chacra.supply import api_write, selectors, services
from chacra.supply.eudr import shipment_eudr_export
from chacra.supply.models import Lot, Purchase, Shipment
from chacra.supply.serializers import (
    EudrRequestSerializer,
    LotSerializer,
    PurchaseCreateSerializer,
    PurchaseSerializer,
    ShipmentSerializer,
    eudr_json,
    holdings_json,
    trace_json,
)


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
