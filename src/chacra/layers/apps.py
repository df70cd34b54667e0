from django.apps import AppConfig


class LayersConfig(AppConfig):
    name = "chacra.layers"
    label = "layers"

    def ready(self) -> None:
        # rasterio's wheel bundles its own GDAL and PROJ. SpatiaLite, loaded into sqlite3 with
        # RTLD_GLOBAL at the first database connection, brings the system's PROJ; a rasterio
        # loaded after that binds to the wrong PROJ and crashes on its first CRS. Loading it here,
        # before any connection, keeps each library with its own.
        import rasterio  # noqa: F401
