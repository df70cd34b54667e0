from django.urls import path

from chacra.maps import views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("tiles/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="map-tile"),
    path("plots.geojson", views.plots_as_geojson, name="map-plots-geojson"),
    path("plot-at/", views.plot_at_point, name="map-plot-at"),
    path("overlays/<slug:name>.geojson", views.overlay, name="map-overlay"),
]
