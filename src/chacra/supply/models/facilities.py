"""Where cacao is bought and processed: collection centres and processing plants."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _


class FacilityKind(models.TextChoices):
    COLLECTION_CENTRE = "collection_centre", _("Collection centre (centro de acopio)")
    PROCESSING_PLANT = "processing_plant", _("Processing plant (fermentation and drying)")


class Facility(models.Model):
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    distrito = models.ForeignKey(
        "registry.Distrito",
        verbose_name=_("distrito"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    capacity_kg_per_year = models.DecimalField(
        _("capacity (kg per year)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="facility_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
