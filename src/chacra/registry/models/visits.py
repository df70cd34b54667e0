"""Extension visits: an agent's visit to a producer (and often one plot)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VisitActivity(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    MAPPING = "mapping", _("Plot mapping (GPS)")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    GRAFTING = "grafting", _("Grafting")
    PRUNING = "pruning", _("Pruning")
    PLANTING = "planting", _("Planting")
    INPUT_DELIVERY = "input_delivery", _("Input delivery")
    TRAINING = "training", _("Training")
    POST_HARVEST = "post_harvest", _("Post-harvest")
    MONITORING = "monitoring", _("Monitoring")


class ExtensionVisit(models.Model):
    date = models.DateField(_("date"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    plot = models.ForeignKey(
        "registry.Plot",
        verbose_name=_("plot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    activities = models.JSONField(_("activities"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("extension visit")
        verbose_name_plural = _("extension visits")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.producer_id}"

    @property
    def activity_labels(self) -> list[str]:
        labels = dict(VisitActivity.choices)
        return [str(labels.get(a, a)) for a in self.activities]

    def clean(self) -> None:
        allowed = set(VisitActivity.values)
        if not isinstance(self.activities, list) or not set(self.activities) <= allowed:
            given = self.activities if isinstance(self.activities, list) else [self.activities]
            bad = ", ".join(repr(a) for a in given if a not in allowed)
            raise ValidationError(
                {
                    "activities": _("Unknown activities %(bad)s; accepted: %(ok)s")
                    % {"bad": bad, "ok": ", ".join(sorted(allowed))}
                }
            )
        if self.plot_id and self.plot and self.plot.producer_id != self.producer_id:
            raise ValidationError({"plot": _("This plot belongs to another producer.")})
