"""Loans by financial institutions to producers: access to finance."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chacra.monitoring.models.coinvestment import Money


class LoanPurpose(models.TextChoices):
    PLANTING = "planting", _("New planting")
    MAINTENANCE = "maintenance", _("Maintenance and inputs")
    POST_HARVEST = "post_harvest", _("Post-harvest equipment")
    IRRIGATION = "irrigation", _("Irrigation")
    WORKING_CAPITAL = "working_capital", _("Working capital")
    OTHER = "other", _("Other")


class RepaymentStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    LATE = "late", _("Late")
    REPAID = "repaid", _("Repaid")
    DEFAULTED = "defaulted", _("Written off")


class Loan(Money):
    institution = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("financial institution"),
        on_delete=models.PROTECT,
        related_name="loans",
        limit_choices_to={"kind": "financial"},
    )
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="loans",
    )
    date = models.DateField(_("disbursed on"), db_index=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1)]
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=LoanPurpose.choices)
    programme_support = models.BooleanField(_("with programme support"), default=True)
    status = models.CharField(
        _("repayment"),
        max_length=10,
        choices=RepaymentStatus.choices,
        default=RepaymentStatus.CURRENT,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.institution_id} -> {self.producer_id} {self.date} US$ {self.amount_usd}"
