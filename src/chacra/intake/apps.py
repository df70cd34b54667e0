from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "chacra.intake"
    label = "intake"
    verbose_name = _("Field data intake")
