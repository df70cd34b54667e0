from django.urls import path

from chacra.privacy import views

urlpatterns = [
    path(
        "producers/<int:pk>/export/",
        views.producer_export_download,
        name="privacy-producer-export",
    ),
]
