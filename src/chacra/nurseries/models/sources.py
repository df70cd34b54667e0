"""Where genetic material comes from: mother plants and budwood gardens on registered plots, and
the nurseries (farmer, municipal, private) that raise seedlings."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    MOTHER_PLANT = "mother_plant", _("Mother plant (planta madre)")
    BUDWOOD_GARDEN = "budwood_garden", _("Budwood garden (jardín clonal)")


class MaterialSource(models.Model):
    """A mother plant or budwood garden of one clone, on a registered plot."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    plot = models.ForeignKey(
        "registry.Plot",
        verbose_name=_("plot"),
        on_delete=models.PROTECT,
        related_name="material_sources",
    )
    clone = models.ForeignKey(
        "registry.Clone",
        verbose_name=_("clone"),
        on_delete=models.PROTECT,
        related_name="material_sources",
    )
    plants = models.PositiveIntegerField(
        _("plants"),
        default=1,
        help_text=_("Trees of the clone in the garden; 1 for a mother plant"),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("material source")
        verbose_name_plural = _("material sources")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="source_has_plants", condition=Q(plants__gte=1)),
        ]

    def __str__(self) -> str:
        return self.code


class NurseryKind(models.TextChoices):
    FARMER = "farmer", _("Farmer nursery")
    MUNICIPAL = "municipal", _("Municipal nursery")
    PRIVATE = "private", _("Private nursery")


class Nursery(models.Model):
    """A vivero: a farmer's (on her plot), a municipality's or a private company's."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=NurseryKind.choices)
    distrito = models.ForeignKey(
        "registry.Distrito",
        verbose_name=_("distrito"),
        on_delete=models.PROTECT,
        related_name="nurseries",
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity (plants per year)"), help_text=_("Plants the nursery can raise in a year")
    )
    operator_producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("operating farmer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nurseries",
    )
    plot = models.ForeignKey(
        "registry.Plot",
        verbose_name=_("on plot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nurseries",
    )
    operator_organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("operating organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nurseries",
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("nursery")
        verbose_name_plural = _("nurseries")
        ordering = ["code"]
        constraints = [
            # A farmer's nursery is run by a producer; the others by an organisation.
            models.CheckConstraint(
                name="nursery_operator_matches_kind",
                condition=(
                    Q(
                        kind="farmer",
                        operator_producer__isnull=False,
                        operator_organisation__isnull=True,
                    )
                    | (
                        ~Q(kind="farmer")
                        & Q(
                            operator_producer__isnull=True,
                            operator_organisation__isnull=False,
                            plot__isnull=True,
                        )
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
