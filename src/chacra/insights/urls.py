from django.urls import path

from chacra.insights import views

urlpatterns = [
    path("", views.workspace, name="insights"),
    path("hexagons.geojson", views.hexagons_geojson, name="insights-hexagons-geojson"),
    path("hexagons.png", views.hexagons_png, name="insights-hexagons-png"),
    path("siting.json", views.siting_json, name="insights-siting"),
]
