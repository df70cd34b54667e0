from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chacra.web"
    label = "web"
