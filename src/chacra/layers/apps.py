from django.apps import AppConfig


class LayersConfig(AppConfig):
    name = "chacra.layers"
    label = "layers"
