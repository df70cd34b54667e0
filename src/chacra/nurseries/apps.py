from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NurseriesConfig(AppConfig):
    name = "chacra.nurseries"
    label = "nurseries"
    verbose_name = _("Nurseries, genetic material and seedlings")
