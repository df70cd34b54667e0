"""REST API v1 for genetic material: parse the request, call a selector with the caller's scope,
serialise. Registered on the registry's router (``chacra.registry.api_urls``) by ``register``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from chacra.accounts.scope import scope_for
from chacra.errors import InvalidInput, NotFound
from chacra.nurseries import selectors, services
from chacra.nurseries.catalogue import agroforestry_models, clone_catalogue
from chacra.nurseries.ledger import plantain_ledger
from chacra.nurseries.lineage import plot_lineage, source_forward
from chacra.nurseries.models import Batch, BatchKind, Distribution, MaterialSource, Nursery
from chacra.nurseries.planning import demand_totals, demand_vs_stock, plot_comparison
from chacra.nurseries.serializers import (
    AgroforestryModelSerializer,
    BatchSerializer,
    CloneRowSerializer,
    DemandSerializer,
    DistributionCreateSerializer,
    DistributionSerializer,
    ForwardSerializer,
    LedgerSerializer,
    NurserySerializer,
    PlotLineageSerializer,
    ReturnCreateSerializer,
    SourceSerializer,
)
from chacra.registry import selectors as registry
from chacra.registry.schema import SummarySchema

REGION = OpenApiParameter(
    "region", OpenApiTypes.STR, description="departamento name or ubigeo (e.g. 22)"
)
KIND = OpenApiParameter("kind", OpenApiTypes.STR, enum=BatchKind.values, description="batch kind")


@extend_schema(
    parameters=[
        REGION,
        OpenApiParameter(
            "kind", OpenApiTypes.STR, enum=["farmer", "municipal", "private"],
            description="nursery kind",
        ),
    ]
)  # fmt: skip
class NurseryViewSet(viewsets.ReadOnlyModelViewSet):
    """Nurseries with what they hold now: open to every role that sees aggregates."""

    serializer_class = NurserySerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Nursery.objects.none()
        params = self.request.query_params
        return selectors.with_stock(
            selectors.nursery_list(
                scope=scope_for(self.request.user),
                region=params.get("region") or None,
                kind=params.get("kind") or None,
            )
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False):
            ids = Nursery.objects.values_list("operator_producer", flat=True)
            context["operators"] = selectors.visible_operators(
                scope=scope_for(self.request.user), producer_ids=ids
            )
        return context


@extend_schema(parameters=[REGION, KIND])
class BatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Batches at nurseries for every role that sees aggregates; those a farmer holds (plantain
    returns) for the roles that see her."""

    serializer_class = BatchSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Batch.objects.none()
        params = self.request.query_params
        return selectors.batch_list(
            scope=scope_for(self.request.user),
            region=params.get("region") or None,
            kind=params.get("kind") or None,
        )


@extend_schema(parameters=[REGION, KIND])
class DistributionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Distributions to producers' plots: personal data, scoped like producers. POST records
    one (never more than the batch holds); POST to ``returns`` records plantain returned
    against a donation."""

    serializer_class = DistributionSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Distribution.objects.none()
        params = self.request.query_params
        return selectors.distribution_list(
            scope=scope_for(self.request.user),
            region=params.get("region") or None,
            kind=params.get("kind") or None,
        )

    @extend_schema(request=DistributionCreateSerializer, responses=DistributionSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DistributionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        scope = scope_for(request.user)
        batch = selectors.batch_list(scope=scope).filter(code=v["batch"]).first()
        if batch is None:
            raise NotFound(f"batch: no batch {v['batch']!r} in your scope")
        plot = selectors.plot_by_code(scope=scope, code=v["plot"])
        agent = None
        if v["received_by_agent"]:
            agent = get_user_model().objects.filter(username=v["received_by_agent"]).first()
            if agent is None:
                raise InvalidInput(
                    f"received_by_agent: no user named {v['received_by_agent']!r}",
                    field="received_by_agent",
                )
        made = services.distribution_record(
            actor=request.user, batch=batch, plot=plot, count=v["count"], date=v["date"],
            transport=v["transport"], transport_notes=v["transport_notes"],
            signed_by=v["signed_by"], received_by_agent=agent, donated=v["donated"],
            source="api",
        )  # fmt: skip
        return Response(DistributionSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReturnCreateSerializer, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def returns(self, request: Request, pk: str | None = None) -> Response:
        """Record plantain suckers returned against this donation (at most what is owed)."""
        data = ReturnCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        nursery = None
        if v["nursery"]:
            nursery = Nursery.objects.filter(code=v["nursery"]).first()
            if nursery is None:
                raise InvalidInput(f"nursery: no nursery {v['nursery']!r}", field="nursery")
        made = services.plantain_return_record(
            actor=request.user, distribution=self.get_object(), count=v["count"],
            date=v["date"], nursery=nursery, source="api",
        )  # fmt: skip
        return Response(BatchSerializer(made).data, status=status.HTTP_201_CREATED)


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Mother plants and budwood gardens on the plots the caller may see."""

    serializer_class = SourceSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return MaterialSource.objects.none()
        return selectors.source_list(scope=scope_for(self.request.user))

    @extend_schema(responses=ForwardSerializer)
    @action(detail=True, pagination_class=None)
    def lineage(self, request: Request, pk: str | None = None) -> Response:
        """Every plot the source's material reached (others counted, not shown)."""
        source = self.get_object()
        forward = source_forward(scope=scope_for(request.user), source=source)
        return Response(ForwardSerializer(forward).data)


class PlantainLedgerViewSet(viewsets.ViewSet):
    """The 1-for-2 ledger: totals, regions and generations for every role that sees aggregates;
    comunidades, producers and cascades for the roles that see personal data (their scope)."""

    schema = SummarySchema()

    @extend_schema(
        parameters=[
            REGION,
            OpenApiParameter("limit", OpenApiTypes.INT, description="rows of producers (50)"),
        ],
        responses=LedgerSerializer,
    )
    def list(self, request: Request) -> Response:
        limit = request.query_params.get("limit", "50")
        ledger = plantain_ledger(
            scope=scope_for(request.user),
            region=request.query_params.get("region") or None,
            limit=max(1, min(int(limit), 1000)) if limit.isdigit() else 50,
        )
        return Response(LedgerSerializer(ledger).data)


class DemandViewSet(viewsets.ViewSet):
    """Seedlings, budwood, plantain and timber the planned hectares need, against stock, by
    region and month, with the shortfalls."""

    schema = SummarySchema()

    @extend_schema(parameters=[REGION], responses=DemandSerializer)
    def list(self, request: Request) -> Response:
        rows = demand_vs_stock(
            scope=scope_for(request.user), region=request.query_params.get("region") or None
        )
        return Response(DemandSerializer({"totals": demand_totals(rows), "months": rows}).data)


class PlotLineageViewSet(viewsets.ViewSet):
    """A plot's clone composition and where each planting's and grafting's material came
    from, with the plot compared to its agroforestry model."""

    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="plot id")
        ],
        responses=PlotLineageSerializer,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        scope = scope_for(request.user)
        plot = registry.plot_get(scope=scope, pk=int(pk))
        lineage = plot_lineage(scope=scope, plot=plot)
        data = {
            "plot": plot,
            "composition": lineage.composition,
            "chains": lineage.chains,
            "comparison": plot_comparison(scope=scope, plot=plot),
        }
        return Response(PlotLineageSerializer(data).data)


class CloneCatalogueViewSet(viewsets.ViewSet):
    """The clone catalogue (group, self-compatibility) with the programme's mother plants,
    budwood gardens, budwood cut and hectares grafted of each, and the models that mix it in."""

    @extend_schema(responses=CloneRowSerializer(many=True))
    def list(self, request: Request) -> Response:
        rows = clone_catalogue(scope=scope_for(request.user))
        return Response(CloneRowSerializer(rows, many=True).data)


class AgroforestryModelViewSet(viewsets.ViewSet):
    """The agroforestry models: per-hectare composition and the clone mix for pollination."""

    @extend_schema(responses=AgroforestryModelSerializer(many=True))
    def list(self, request: Request) -> Response:
        models = agroforestry_models(scope=scope_for(request.user))
        return Response(AgroforestryModelSerializer(models, many=True).data)


def register(router: BaseRouter) -> None:
    """Add the nurseries endpoints to the API's router."""
    router.register("nurseries", NurseryViewSet, basename="nursery")
    router.register("batches", BatchViewSet, basename="batch")
    router.register("distributions", DistributionViewSet, basename="distribution")
    router.register("material-sources", SourceViewSet, basename="material-source")
    router.register("plantain-ledger", PlantainLedgerViewSet, basename="plantain-ledger")
    router.register("nursery-demand", DemandViewSet, basename="nursery-demand")
    router.register("plot-lineage", PlotLineageViewSet, basename="plot-lineage")
    router.register("clones", CloneCatalogueViewSet, basename="clone-catalogue")
    router.register("agroforestry-models", AgroforestryModelViewSet, basename="agroforestry-model")
