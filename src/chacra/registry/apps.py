from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "chacra.registry"
    label = "registry"
    verbose_name = _("Producer and plot registry")

    def ready(self) -> None:
        from chacra.registry import schema  # noqa: F401 - registers the OpenAPI extension
