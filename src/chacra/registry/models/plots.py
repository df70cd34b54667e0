"""Plots (parcelas), their geometry history, and what the programme planted and grafted on them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

HA = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class MappingMethod(models.TextChoices):
    GPS_WALK = "gps_walk", _("GPS walk around the plot")
    GPS_POINT = "gps_point", _("GPS point with declared area")
    DRAWN = "drawn", _("Drawn on imagery")
    IMPORTED = "imported", _("Imported from a file")
    NOT_MAPPED = "not_mapped", _("Not mapped")


class Plot(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="plots",
    )
    comunidad = models.ForeignKey(
        "registry.Comunidad",
        verbose_name=_("comunidad"),
        on_delete=models.PROTECT,
        related_name="plots",
    )
    name = models.CharField(_("plot name"), max_length=80, blank=True)
    property_area_ha = models.DecimalField(_("property area (ha)"), null=True, blank=True, **HA)  # type: ignore[arg-type]
    land_title = models.BooleanField(_("land title"), default=False)
    cacao_in_production_ha = models.DecimalField(
        _("cacao in production (ha)"),
        null=True,
        blank=True,
        **HA,  # type: ignore[arg-type]
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    declared_area_ha = models.DecimalField(_("declared area (ha)"), null=True, blank=True, **HA)  # type: ignore[arg-type]
    area_ha = models.FloatField(_("measured area (ha)"), null=True, blank=True, editable=False)
    mapping_method = models.CharField(
        _("mapping method"),
        max_length=16,
        choices=MappingMethod.choices,
        default=MappingMethod.NOT_MAPPED,
    )
    mapped_on = models.DateField(_("mapped on"), null=True, blank=True)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mapped by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    geometry_repaired = models.BooleanField(_("geometry repaired at intake"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plot")
        verbose_name_plural = _("plots")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_mapped(self) -> bool:
        return self.boundary is not None

    def clean(self) -> None:
        if self.boundary is not None and not self.boundary.valid:
            raise ValidationError(
                {
                    "boundary": _("Invalid polygon: %(reason)s")
                    % {"reason": self.boundary.valid_reason}
                }
            )


class PlotGeometryVersion(models.Model):
    """Every geometry a plot has had; the current one is also kept on the plot."""

    plot = models.ForeignKey(
        Plot, verbose_name=_("plot"), on_delete=models.CASCADE, related_name="geometry_versions"
    )
    version = models.PositiveIntegerField(_("version"))
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    area_ha = models.FloatField(_("measured area (ha)"), null=True, blank=True)
    original = models.GeometryField(
        _("geometry as received"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_("Kept when the received geometry was invalid and had to be repaired"),
    )
    mapping_method = models.CharField(
        _("mapping method"), max_length=16, choices=MappingMethod.choices
    )
    mapped_on = models.DateField(_("mapped on"), null=True, blank=True)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mapped by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("plot geometry version")
        verbose_name_plural = _("plot geometry versions")
        ordering = ["plot", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plot", "version"], name="plot_geometry_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plot_id} v{self.version}"

    @classmethod
    def of(cls, plot: Plot, version: int, original: Any = None) -> PlotGeometryVersion:
        """A record (unsaved) of the geometry the plot has now."""
        return cls(
            plot=plot,
            version=version,
            original=original,
            boundary=plot.boundary,
            location=plot.location,
            area_ha=plot.area_ha,
            mapping_method=plot.mapping_method,
            mapped_on=plot.mapped_on,
            mapped_by=plot.mapped_by,
        )


class CloneGroup(models.TextChoices):
    FINE_FLAVOUR = "fine_flavour", _("Fine flavour")
    CCN51 = "ccn51", _("CCN-51")
    NATIVE = "native", _("Native")


class Clone(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    group = models.CharField(_("group"), max_length=16, choices=CloneGroup.choices)
    self_compatible = models.BooleanField(_("self-compatible"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("clone")
        verbose_name_plural = _("clones")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Planting(models.Model):
    """CACAO INSTALADO CON LA ALIANZA: what was installed on a plot, and when."""

    plot = models.ForeignKey(
        Plot, verbose_name=_("plot"), on_delete=models.CASCADE, related_name="plantings"
    )
    cacao_installed_ha = models.DecimalField(_("cacao installed (ha)"), **HA)  # type: ignore[arg-type]
    installed_on = models.DateField(
        _("month-year installed"), help_text=_("First day of the month")
    )
    temporary_shade_ha = models.DecimalField(_("temporary shade (ha)"), default=0, **HA)  # type: ignore[arg-type]
    forestry_ha = models.DecimalField(_("forestry (ha)"), default=0, **HA)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("planting")
        verbose_name_plural = _("plantings")
        ordering = ["plot", "installed_on"]

    def __str__(self) -> str:
        return f"{self.plot_id} {self.installed_on:%Y-%m}"


class Graft(models.Model):
    plot = models.ForeignKey(
        Plot, verbose_name=_("plot"), on_delete=models.CASCADE, related_name="grafts"
    )
    grafted_ha = models.DecimalField(_("cacao grafted (ha)"), **HA)  # type: ignore[arg-type]
    clone = models.ForeignKey(
        Clone, verbose_name=_("clone used"), on_delete=models.PROTECT, related_name="grafts"
    )
    grafted_on = models.DateField(_("month-year grafted"), help_text=_("First day of the month"))

    class Meta:
        verbose_name = _("grafting")
        verbose_name_plural = _("graftings")
        ordering = ["plot", "grafted_on"]

    def __str__(self) -> str:
        return f"{self.plot_id} {self.clone_id} {self.grafted_on:%Y-%m}"
