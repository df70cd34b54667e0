"""factory_boy factories that make valid records, including valid irregular plot polygons."""

from __future__ import annotations

from typing import Any

import factory
import numpy as np
import shapely
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry, Point

from chacra.geo.shapes import irregular_polygons
from chacra.registry.models import Comunidad, Departamento, Distrito, Producer, Provincia


class DepartamentoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departamento
        django_get_or_create = ("ubigeo",)

    ubigeo = "22"
    name = "San Martín"


class ProvinciaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provincia
        django_get_or_create = ("ubigeo",)

    ubigeo = "2206"
    name = "Mariscal Cáceres"
    departamento = factory.SubFactory(DepartamentoFactory)


class DistritoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distrito
        django_get_or_create = ("ubigeo",)

    ubigeo = "220601"
    name = "Juanjuí"
    capital = "Juanjuí"
    provincia = factory.SubFactory(ProvinciaFactory)
    capital_location = factory.LazyFunction(lambda: Point(-76.7283, -7.1783, srid=4326))


class ComunidadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comunidad

    name = factory.Sequence(lambda n: f"Comunidad {n}")
    distrito = factory.SubFactory(DistritoFactory)
    location = factory.LazyFunction(lambda: Point(-76.70, -7.16, srid=4326))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-1")


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    code = factory.Sequence(lambda n: f"T{n:06d}")
    surnames = factory.Sequence(lambda n: f"Quispe Apellido{n}")
    given_names = "Rosa"
    dni = factory.Sequence(lambda n: f"{40_000_000 + n:08d}")
    sex = "F"
    age_at_registration = 40
    comunidad = factory.SubFactory(ComunidadFactory)


def plot_polygon(
    lon: float = -76.70, lat: float = -7.16, hectares: float = 1.5, seed: int = 0
) -> Any:
    """A valid irregular polygon of about ``hectares`` as a GEOS MultiPolygon."""
    poly = irregular_polygons([lon], [lat], [hectares * 10_000], np.random.default_rng(seed))[0]
    return GEOSGeometry(memoryview(shapely.to_wkb(shapely.MultiPolygon([poly]))), srid=4326)
