"""REST API v1: parse the request, call a selector with the caller's scope, serialise."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chacra.accounts.scope import scope_for
from chacra.errors import InvalidInput
from chacra.privacy.models import AccessKind
from chacra.privacy.services import personal_data_access_record
from chacra.registry import selectors, services
from chacra.registry.models import (
    Comunidad,
    Departamento,
    Distrito,
    ExtensionVisit,
    FlagCode,
    Organisation,
    Plot,
    Producer,
    Provincia,
)
from chacra.registry.schema import FeaturePagination
from chacra.registry.serializers import (
    ComunidadSerializer,
    DepartamentoSerializer,
    DistritoSerializer,
    OrganisationSerializer,
    PlotSerializer,
    ProducerSerializer,
    ProducerUpdateSerializer,
    ProvinciaSerializer,
    StatsSerializer,
    VisitSerializer,
)

BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

FILTER_PARAMS = [
    OpenApiParameter(
        "region", OpenApiTypes.STR, description="departamento name or ubigeo (e.g. 22)"
    ),
    OpenApiParameter(
        "distrito", OpenApiTypes.STR, description="distrito name or ubigeo (e.g. 220601)"
    ),
    OpenApiParameter("clone", OpenApiTypes.STR, description="clone code (e.g. ICS-95)"),
    OpenApiParameter(
        "mapped", OpenApiTypes.BOOL, description="true: with a boundary; false: without"
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="search names, DNI, code, comunidad"),
    OpenApiParameter(
        "flag", OpenApiTypes.STR, enum=FlagCode.values, description="plots with this quality flag"
    ),
]


def filters_from(params: Any) -> selectors.PlotFilters:
    mapped_text = params.get("mapped")
    mapped = None
    if mapped_text not in (None, ""):
        if mapped_text.lower() not in BOOLEANS:
            raise InvalidInput(
                f"mapped: {mapped_text!r} is not accepted; use true or false", field="mapped"
            )
        mapped = BOOLEANS[mapped_text.lower()]
    return selectors.PlotFilters(
        region=params.get("region") or None,
        distrito=params.get("distrito") or None,
        clone=params.get("clone") or None,
        mapped=mapped,
        search=params.get("q") or None,
        flag=_flag(params.get("flag")),
    )


def _flag(value: str | None) -> str | None:
    if value and value not in FlagCode.values:
        raise InvalidInput(
            f"flag: {value!r} is not a quality flag; use one of {', '.join(FlagCode.values)}",
            field="flag",
        )
    return value or None


@extend_schema(parameters=FILTER_PARAMS)
class ProducerViewSet(viewsets.ReadOnlyModelViewSet):
    """Producers; PATCH changes one, given the ``version`` it was read at (409 if it changed)."""

    serializer_class = ProducerSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller, no rows
            return Producer.objects.none()
        return selectors.producer_list(
            scope=scope_for(self.request.user), filters=filters_from(self.request.query_params)
        )

    @extend_schema(
        parameters=[], request=ProducerUpdateSerializer, responses={200: ProducerSerializer}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        producer = self.get_object()
        update = ProducerUpdateSerializer(producer, data=request.data, partial=True)
        update.is_valid(raise_exception=True)
        changes = dict(update.validated_data)
        version = changes.pop("version", None)
        if version is None:
            raise InvalidInput(
                "version: say which version of the producer you changed (its `version`)",
                field="version",
            )
        services.producer_update(
            actor=request.user, producer=producer, version=version, source="api", **changes
        )
        return Response(ProducerSerializer(producer).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        personal_data_access_record(
            actor=request.user, producer_id=response.data["id"], kind=AccessKind.API
        )
        return response


@extend_schema(parameters=FILTER_PARAMS)
class PlotViewSet(viewsets.ReadOnlyModelViewSet):
    """Plots as a GeoJSON FeatureCollection with ``area_ha`` (geodesic) on every feature."""

    serializer_class = PlotSerializer
    pagination_class = FeaturePagination

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Plot.objects.none()
        return selectors.plot_list(
            scope=scope_for(self.request.user), filters=filters_from(self.request.query_params)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plot = self.get_object()
        personal_data_access_record(
            actor=request.user, producer_id=plot.producer_id, kind=AccessKind.API, detail=plot.code
        )
        return Response(self.get_serializer(plot).data)


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return ExtensionVisit.objects.none()
        return selectors.visit_list(scope=scope_for(self.request.user))


class DepartamentoViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartamentoSerializer
    queryset = Departamento.objects.all()


class ProvinciaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProvinciaSerializer
    queryset = Provincia.objects.all()


class DistritoViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DistritoSerializer
    queryset = Distrito.objects.all()


class ComunidadViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ComunidadSerializer
    queryset = Comunidad.objects.all()


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()


class StatsView(APIView):
    """Programme figures with no personal data: open to every logged-in role, investors included."""

    @extend_schema(responses=StatsSerializer)
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        data = {
            "programme": selectors.programme_totals(scope=scope),
            "by_region": selectors.totals_by_region(scope=scope),
        }
        return Response(StatsSerializer(data).data)
