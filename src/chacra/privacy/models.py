"""Who looked at which producer's personal data, and through what (Ley 29733)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    CARD = "card", _("producer card")
    PLOT = "plot", _("plot page")
    API = "api", _("API record")
    EXPORT = "export", _("export of everything held")


class PersonalDataAccess(models.Model):
    """One reading of one producer's record; kept when the producer is anonymised."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        on_delete=models.CASCADE,
        related_name="accesses",
    )
    kind = models.CharField(_("through"), max_length=16, choices=AccessKind.choices)
    detail = models.CharField(_("what"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["producer", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.kind} {self.producer_id}"
