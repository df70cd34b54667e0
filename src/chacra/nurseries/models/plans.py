"""The agroforestry model a programme plants by (per hectare of cacao), its clone mix for
cross-pollination, and the hectares planned by region and month."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgroforestryModel(models.Model):
    """Per hectare of cacao: cacao trees, plantain for temporary shade, timber trees, budwood."""

    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the model applies; empty: everywhere without a model of its own"),
    )
    cacao_per_ha = models.PositiveIntegerField(_("cacao trees per ha"))
    plantain_per_ha = models.PositiveIntegerField(_("plantain suckers per ha"))
    timber_per_ha = models.PositiveIntegerField(_("timber trees per ha"))
    budwood_per_ha = models.PositiveIntegerField(
        _("budwood sticks per ha"), help_text=_("Sticks to graft one hectare of cacao")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agroforestry model")
        verbose_name_plural = _("agroforestry models")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                name="agroforestry_model_one_per_region",
                condition=Q(region__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class AgroforestryClone(models.Model):
    """One clone's share of the cacao in a model: the mix that pollinates self-incompatible ones."""

    model = models.ForeignKey(
        AgroforestryModel,
        verbose_name=_("agroforestry model"),
        on_delete=models.CASCADE,
        related_name="clones",
    )
    clone = models.ForeignKey(
        "registry.Clone", verbose_name=_("clone"), on_delete=models.PROTECT, related_name="+"
    )
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("clone in a model")
        verbose_name_plural = _("clone mix")
        ordering = ["model", "-share"]
        constraints = [
            models.UniqueConstraint(fields=["model", "clone"], name="agroforestry_clone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.clone_id} {self.share}%"


class PlantingPlan(models.Model):
    """Hectares of new cacao a region plans to plant in a month, by an agroforestry model."""

    region = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"), help_text=_("First day of the month"))
    hectares = models.DecimalField(
        _("hectares"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    model = models.ForeignKey(
        AgroforestryModel,
        verbose_name=_("agroforestry model"),
        on_delete=models.PROTECT,
        related_name="plans",
    )

    class Meta:
        verbose_name = _("planting plan")
        verbose_name_plural = _("planting plans")
        ordering = ["region", "month"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="planting_plan_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m} {self.hectares} ha"
