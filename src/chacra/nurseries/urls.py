from django.urls import path

from chacra.nurseries import recording, views

urlpatterns = [
    path("", views.nursery_list, name="nurseries"),
    path("new/", recording.nursery_new, name="nursery-new"),
    path("<int:pk>/", views.nursery_detail, name="nursery-detail"),
    path("batches/new/", recording.batch_new, name="nursery-batch-new"),
    path("batches/<int:pk>/", views.batch_detail, name="nursery-batch"),
    path("distributions/", views.distribution_list, name="nursery-distributions"),
    path("distributions/new/", recording.distribution_new, name="nursery-distribution-new"),
    path(
        "distributions/<int:pk>/return/",
        recording.plantain_return_new,
        name="nursery-plantain-return-new",
    ),
    path("plantain/", views.plantain, name="nursery-plantain"),
    path("clones/", views.clones, name="nursery-clones"),
    path("demand/", views.demand, name="nursery-demand"),
    path("sources/", views.source_list, name="nursery-sources"),
    path("sources/<int:pk>/", views.source_detail, name="nursery-source"),
    path("lineage/plots/<int:pk>/", views.plot_lineage_page, name="nursery-plot-lineage"),
]
