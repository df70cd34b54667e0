from django.urls import path

from chacra.monitoring import record, views

urlpatterns = [
    path("", views.indicators_page, name="monitoring"),
    path("indicators/<str:code>/", views.indicator_page, name="monitoring-indicator"),
    path("indicators.xlsx", views.indicators_xlsx, name="monitoring-indicators-xlsx"),
    path("indicators.pdf", views.indicators_pdf, name="monitoring-indicators-pdf"),
    path("coinvestment/", views.coinvestment_page, name="monitoring-coinvestment"),
    path("finance/", views.finance_page, name="monitoring-finance"),
    path("api/indicators/", views.indicators_api, name="api-monitoring-indicators"),
    path("document/", record.document, name="monitoring-document"),
    *[
        path(f"record/{kind}/", record.record, {"kind": kind}, name=f"monitoring-record-{kind}")
        for kind in record.KINDS
    ],
]
