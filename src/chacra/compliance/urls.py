from django.urls import path

from chacra.compliance import views

urlpatterns = [
    path("", views.compliance_home, name="compliance"),
    path("runs/", views.run_start, name="compliance-run-start"),
    path("runs/<int:pk>/", views.run_page, name="compliance-run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="compliance-run-progress"),
]
