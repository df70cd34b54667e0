from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "chacra.insights"
    verbose_name = "Investor insights"
