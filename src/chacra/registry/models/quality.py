"""Quality flags on plots: computed by chacra.registry.quality, shown and filterable everywhere."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class FlagCode(models.TextChoices):
    INVALID_GEOMETRY = "invalid_geometry", _("Invalid geometry (repaired, original kept)")
    FEW_VERTICES = "few_vertices", _("Fewer than 4 distinct vertices")
    SLIVER = "sliver", _("Sliver (Polsby-Popper below 0.1)")
    AREA_MISMATCH = "area_mismatch", _("GPS area outside 0.5-2x the declared area")
    OVERLAP = "overlap", _("Overlaps another producer's plot")
    OUTSIDE_PERU = "outside_peru", _("Outside Peru")
    OUTSIDE_DISTRITO = "outside_distrito", _("Outside its declared distrito")
    SWAPPED_COORDINATES = "swapped_coordinates", _("Latitude and longitude swapped")
    DUPLICATE_GEOMETRY = "duplicate_geometry", _("Same geometry as another plot")


class PlotFlag(models.Model):
    plot = models.ForeignKey(
        "registry.Plot", verbose_name=_("plot"), on_delete=models.CASCADE, related_name="flags"
    )
    code = models.CharField(_("flag"), max_length=24, choices=FlagCode.choices, db_index=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        verbose_name = _("plot quality flag")
        verbose_name_plural = _("plot quality flags")
        ordering = ["plot", "code"]
        constraints = [models.UniqueConstraint(fields=["plot", "code"], name="plot_flag_unique")]

    def __str__(self) -> str:
        return f"{self.plot_id} {self.code}"
