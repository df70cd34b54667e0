from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from chacra.registry import api

router = DefaultRouter()
router.register("producers", api.ProducerViewSet, basename="producer")
router.register("plots", api.PlotViewSet, basename="plot")
router.register("visits", api.VisitViewSet, basename="visit")
router.register("departamentos", api.DepartamentoViewSet, basename="departamento")
router.register("provincias", api.ProvinciaViewSet, basename="provincia")
router.register("distritos", api.DistritoViewSet, basename="distrito")
router.register("comunidades", api.ComunidadViewSet, basename="comunidad")
router.register("organisations", api.OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("v1/stats/", api.StatsView.as_view(), name="api-stats"),
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
