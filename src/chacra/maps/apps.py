from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "chacra.maps"
    label = "maps"
