from django.contrib import admin
from django.urls import include, path

from chacra.ops.views import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("chacra.registry.api_urls")),
    path("intake/", include("chacra.intake.urls")),
    path("map/", include("chacra.maps.urls")),
    path("supply/", include("chacra.supply.urls")),
    path("monitoring/", include("chacra.monitoring.urls")),
    path("nurseries/", include("chacra.nurseries.urls")),
    path("compliance/", include("chacra.compliance.urls")),
    path("insights/", include("chacra.insights.urls")),
    path("privacy/", include("chacra.privacy.urls")),
    path("health/", health, name="health"),
    path("", include("chacra.web.urls")),
]
