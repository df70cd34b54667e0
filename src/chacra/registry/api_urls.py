from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from chacra.nurseries import api as nurseries_api
from chacra.registry import api
from chacra.supply import api as supply_api

router = DefaultRouter()
router.register("producers", api.ProducerViewSet, basename="producer")
router.register("plots", api.PlotViewSet, basename="plot")
router.register("visits", api.VisitViewSet, basename="visit")
router.register("departamentos", api.DepartamentoViewSet, basename="departamento")
router.register("provincias", api.ProvinciaViewSet, basename="provincia")
router.register("distritos", api.DistritoViewSet, basename="distrito")
router.register("comunidades", api.ComunidadViewSet, basename="comunidad")
router.register("organisations", api.OrganisationViewSet, basename="organisation")
nurseries_api.register(router)
router.register("supply/lots", supply_api.LotViewSet, basename="supply-lot")
router.register("supply/shipments", supply_api.ShipmentViewSet, basename="supply-shipment")
router.register("supply/purchases", supply_api.PurchaseViewSet, basename="supply-purchase")

urlpatterns = [
    path("v1/stats/", api.StatsView.as_view(), name="api-stats"),
    path("v1/supply/flags/", supply_api.FlagsView.as_view(), name="api-supply-flags"),
    path(
        "v1/supply/plots/<int:pk>/forward/",
        supply_api.ForwardView.as_view(of="plot"),
        name="api-supply-plot-forward",
    ),
    path(
        "v1/supply/producers/<int:pk>/forward/",
        supply_api.ForwardView.as_view(of="producer"),
        name="api-supply-producer-forward",
    ),
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
