from django.urls import path

from chacra.supply import recording, recording_lots, recording_shipments, views

urlpatterns = [
    path("", views.supply_home, name="supply"),
    path("purchases/new/", recording.purchase_new, name="supply-purchase-new"),
    path("purchases/<int:pk>/", recording.purchase_saved, name="supply-purchase-saved"),
    path("lots/new/", recording_lots.lot_new, name="supply-lot-new"),
    path("lots/<int:pk>/", views.lot_page, name="supply-lot"),
    path("lots/<int:pk>/step/", recording_lots.step_new, name="supply-lot-step"),
    path("lots/<int:pk>/transfer/", recording_lots.transfer_new, name="supply-lot-transfer"),
    path("shipments/new/", recording_shipments.shipment_new, name="supply-shipment-new"),
    path("shipments/<int:pk>/", views.shipment_page, name="supply-shipment"),
    path("shipments/<int:pk>/eudr/", views.shipment_eudr, name="supply-shipment-eudr"),
    path("flags/", views.flags_page, name="supply-flags"),
    path("producers/<int:pk>/statement/", views.statement_page, name="supply-statement"),
    path("producers/<int:pk>/statement.pdf", views.statement_pdf_view, name="supply-statement-pdf"),
    path("origin/lot/<str:public_id>/", views.origin_page, {"kind": "lot"}, name="origin-lot"),
    path(
        "origin/shipment/<str:public_id>/",
        views.origin_page,
        {"kind": "shipment"},
        name="origin-shipment",
    ),
    path("origin/<str:kind>/<str:public_id>/qr.svg", views.origin_qr, name="origin-qr"),
]
