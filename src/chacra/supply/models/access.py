"""Which buyer organisation a login with the buyer role speaks for."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BuyerAccess(models.Model):
    """A buyer login sees the origin (aggregates, no personal data) of its organisation's
    shipments, and of nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="buyer_access",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="buyer_logins",
    )

    class Meta:
        verbose_name = _("buyer access")
        verbose_name_plural = _("buyer access")

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.organisation_id}"
