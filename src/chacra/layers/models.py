"""Reference layers: roads, rivers, protected areas and rasters that maps draw and checks use.

A layer is identified by its kind and name; loading it again replaces its features (and records
the new version and file), so a layer never holds two copies of the same data. Boundaries are
loaded onto the places themselves (``Departamento.boundary``, ...); their layer row (one per level)
records where they came from and holds no features. Rasters (forest cover, forest loss) are
registered by ``path`` and read where they lie: their row holds no features either, and
``details`` records the grid and the file's SHA-256 when it was registered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class LayerKind(models.TextChoices):
    """What a layer is."""

    ROAD = "road", _("Roads")
    RIVER = "river", _("Rivers")
    PROTECTED_AREA = "protected_area", _("Protected areas")
    FOREST_2020 = "forest_2020", _("Forest cover 2020 (raster)")
    LOSS_YEAR = "loss_year", _("Tree-cover loss year (raster)")
    TMF = "tmf", _("Tropical moist forest (raster)")
    DEPARTAMENTO_BOUNDARIES = "departamento_boundaries", _("Departamento boundaries")
    PROVINCIA_BOUNDARIES = "provincia_boundaries", _("Provincia boundaries")
    DISTRITO_BOUNDARIES = "distrito_boundaries", _("Distrito boundaries")


class Layer(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=LayerKind.choices)
    name = models.CharField(_("name"), max_length=120)
    version = models.CharField(_("version"), max_length=40, blank=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Who made the data and under which licence, as printed under a map"),
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    path = models.CharField(
        _("path"),
        max_length=1000,
        blank=True,
        help_text=_("Where a raster layer is read from on the server; it is never copied"),
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    feature_count = models.PositiveIntegerField(_("features"), default=0)
    details = models.JSONField(_("details"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("loaded"))
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reference layer")
        verbose_name_plural = _("reference layers")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="layer_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class LayerFeature(models.Model):
    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="features"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    geom = models.GeometryField(_("geometry"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("layer feature")
        verbose_name_plural = _("layer features")
        ordering = ["layer", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.layer_id}#{self.pk}"
