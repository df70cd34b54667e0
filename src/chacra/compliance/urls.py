from django.urls import path

from chacra.compliance import export_views, views

urlpatterns = [
    path("", views.compliance_home, name="compliance"),
    path("runs/", views.run_start, name="compliance-run-start"),
    path("runs/<int:pk>/", views.run_page, name="compliance-run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="compliance-run-progress"),
    path("export/", export_views.export_page, name="compliance-export"),
    path(
        "export/<slug:export_id>/<str:name>",
        export_views.export_download,
        name="compliance-export-file",
    ),
]
