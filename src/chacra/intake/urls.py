from django.urls import path

from chacra.intake import views

urlpatterns = [
    path("", views.intake_home, name="intake"),
    path("template.xlsx", views.intake_template, name="intake-template"),
    path("jobs/<int:pk>/", views.intake_job, name="intake-job"),
    path("jobs/<int:pk>/progress/", views.intake_job_progress, name="intake-job-progress"),
    path("jobs/<int:pk>/confirm/", views.intake_job_confirm, name="intake-job-confirm"),
    path("jobs/<int:pk>/errors.xlsx", views.intake_job_errors, name="intake-job-errors"),
]
