"""Organisations a programme works with, and producers' memberships in them."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    ASSOCIATION = "association", _("Producer association")
    BUYER = "buyer", _("Buyer / exporter")
    PROCESSOR = "processor", _("Processor")
    MUNICIPALITY = "municipality", _("Municipality")
    REGIONAL_GOVERNMENT = "regional_government", _("Regional government")
    FINANCIAL = "financial", _("Financial institution")
    PROGRAMME_OFFICE = "programme_office", _("Programme office")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    ruc = models.CharField(
        _("RUC"), max_length=11, blank=True, help_text=_("Tax number, 11 digits")
    )
    departamento = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("departamento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    member_number = models.CharField(_("member number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["producer", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.producer_id} @ {self.organisation}"
