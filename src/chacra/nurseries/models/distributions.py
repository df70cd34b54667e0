"""Distributions of material to a producer's plot, the plantain obligations they create, and the
links from the registry's plantings and graftings to the material they used."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Transport(models.TextChoices):
    TRUCK = "truck", _("Truck")
    TRUCK_RETURN_TRIP = "truck_return_trip", _("Borrowed truck on its return trip")
    PICKUP = "pickup", _("Pick-up")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    PACK_ANIMAL = "pack_animal", _("Pack animal")
    ON_FOOT = "on_foot", _("Carried on foot")
    BOAT = "boat", _("Boat")
    OTHER = "other", _("Other")


class Distribution(models.Model):
    """Plants or sticks taken from a batch (at a nursery or with a farmer) to a producer's plot.

    A donated plantain distribution obliges the receiver to return ``obligation`` suckers (twice
    the count) for new farmers; ``returned`` counts what came back (each return is a batch that
    ``repays`` this distribution). ``generation`` is 1 for a donation from a nursery's batch and
    one more for each return it passed through; ``root`` is the original donation of the cascade
    (empty on the original itself).
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    batch = models.ForeignKey(
        "nurseries.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="distributions",
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("to producer"),
        on_delete=models.PROTECT,
        related_name="material_received",
    )
    plot = models.ForeignKey(
        "registry.Plot",
        verbose_name=_("to plot"),
        on_delete=models.PROTECT,
        related_name="material_received",
    )
    count = models.PositiveIntegerField(_("count"))
    date = models.DateField(_("date"))
    transport = models.CharField(
        _("transport"), max_length=20, choices=Transport.choices, blank=True
    )
    transport_notes = models.CharField(_("transport notes"), max_length=200, blank=True)
    signed_by = models.CharField(
        _("received and signed by"), max_length=120, blank=True,
        help_text=_("The person who signed for the plants"),
    )  # fmt: skip
    received_by_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received with agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    donated = models.BooleanField(_("donated"), default=True)
    obligation = models.PositiveIntegerField(_("suckers owed back"), default=0)
    returned = models.PositiveIntegerField(_("suckers returned"), default=0)
    generation = models.PositiveSmallIntegerField(_("generation"), default=1)
    root = models.ForeignKey(
        "self",
        verbose_name=_("original donation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cascade",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(name="distribution_count_positive", condition=Q(count__gt=0)),
            models.CheckConstraint(
                name="distribution_returned_within_obligation",
                condition=Q(returned__lte=F("obligation")),
            ),
            models.CheckConstraint(
                name="distribution_received_by_someone",
                condition=~Q(signed_by="") | Q(received_by_agent__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["plot", "date"])]

    def __str__(self) -> str:
        return self.code

    @property
    def outstanding(self) -> int:
        return self.obligation - self.returned


class PlantingMaterial(models.Model):
    """Which delivered material a planting or a grafting of the registry used, and how much."""

    distribution = models.ForeignKey(
        Distribution,
        verbose_name=_("distribution"),
        on_delete=models.PROTECT,
        related_name="uses",
    )
    planting = models.ForeignKey(
        "registry.Planting",
        verbose_name=_("planting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="materials",
    )
    graft = models.ForeignKey(
        "registry.Graft",
        verbose_name=_("grafting"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="materials",
    )
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("planting material")
        verbose_name_plural = _("planting material")
        constraints = [
            models.CheckConstraint(name="material_count_positive", condition=Q(count__gt=0)),
            models.CheckConstraint(
                name="material_for_planting_or_graft",
                condition=Q(planting__isnull=False, graft__isnull=True)
                | Q(planting__isnull=True, graft__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} x{self.count}"
