"""API representations of the registry. Views pick rows through selectors; these only shape them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework_gis.fields import GeometrySerializerMethodField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from chacra.registry.models import (
    Comunidad,
    Departamento,
    Distrito,
    ExtensionVisit,
    Organisation,
    Plot,
    Producer,
    Provincia,
)


class DepartamentoSerializer(serializers.ModelSerializer[Departamento]):
    class Meta:
        model = Departamento
        fields = ["id", "ubigeo", "name"]


class ProvinciaSerializer(serializers.ModelSerializer[Provincia]):
    class Meta:
        model = Provincia
        fields = ["id", "ubigeo", "name", "departamento"]


class DistritoSerializer(serializers.ModelSerializer[Distrito]):
    class Meta:
        model = Distrito
        fields = ["id", "ubigeo", "name", "provincia", "capital", "capital_location"]


class ComunidadSerializer(serializers.ModelSerializer[Comunidad]):
    class Meta:
        model = Comunidad
        fields = ["id", "name", "distrito", "location"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "ruc", "departamento", "address", "location"]


class ProducerSerializer(serializers.ModelSerializer[Producer]):
    comunidad_name = serializers.CharField(source="comunidad.name", read_only=True)
    distrito = serializers.CharField(source="comunidad.distrito.name", read_only=True)
    region = serializers.CharField(
        source="comunidad.distrito.provincia.departamento.name", read_only=True
    )
    age = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Producer
        fields = [
            "id",
            "code",
            "surnames",
            "given_names",
            "dni",
            "sex",
            "age",
            "birth_date",
            "age_at_registration",
            "registered_on",
            "phone",
            "household_size",
            "comunidad",
            "comunidad_name",
            "distrito",
            "region",
            "consent_given_on",
            "consent_method",
            "version",
        ]
        read_only_fields = ["version"]


class ProducerUpdateSerializer(serializers.ModelSerializer[Producer]):
    """A change to a producer: the fields to change and the version they were read at."""

    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; 409 Conflict if it changed since."
    )

    class Meta:
        model = Producer
        fields = [
            "version",
            "surnames",
            "given_names",
            "dni",
            "sex",
            "birth_date",
            "age_at_registration",
            "phone",
            "household_size",
            "comunidad",
            "consent_given_on",
            "consent_method",
        ]


class PlotSerializer(GeoFeatureModelSerializer):  # OpenAPI shape: chacra.registry.schema
    """A plot as a GeoJSON Feature: its boundary, or its GPS point when it has no boundary yet."""

    geometry = GeometrySerializerMethodField()
    producer_name = serializers.CharField(source="producer.full_name", read_only=True)
    distrito = serializers.CharField(source="comunidad.distrito.name", read_only=True)
    region = serializers.CharField(
        source="comunidad.distrito.provincia.departamento.name", read_only=True
    )
    is_mapped = serializers.BooleanField(read_only=True)
    flags: serializers.RelatedField[Any, Any, Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Plot
        geo_field = "geometry"
        fields = [
            "id",
            "code",
            "producer",
            "producer_name",
            "comunidad",
            "distrito",
            "region",
            "area_ha",
            "declared_area_ha",
            "property_area_ha",
            "land_title",
            "cacao_in_production_ha",
            "mapping_method",
            "mapped_on",
            "is_mapped",
            "geometry_repaired",
            "flags",
        ]

    def get_geometry(self, plot: Plot) -> Any:
        return plot.boundary if plot.boundary is not None else plot.location


class VisitSerializer(serializers.ModelSerializer[ExtensionVisit]):
    agent = serializers.CharField(source="agent.username", read_only=True)

    class Meta:
        model = ExtensionVisit
        fields = ["id", "date", "agent", "producer", "plot", "activities", "notes", "location"]


class RegionTotalsSerializer(serializers.Serializer[dict[str, Any]]):
    region = serializers.CharField(required=False)
    producers = serializers.IntegerField()
    producers_female = serializers.IntegerField()
    producers_male = serializers.IntegerField()
    plots = serializers.IntegerField()
    plots_mapped = serializers.IntegerField()
    hectares_installed = serializers.FloatField()
    hectares_agroforestry = serializers.FloatField()
    hectares_grafted_fine_flavour = serializers.FloatField()
    hectares_georeferenced = serializers.FloatField()


class StatsSerializer(serializers.Serializer[dict[str, Any]]):
    programme = RegionTotalsSerializer()
    by_region = RegionTotalsSerializer(many=True)
