"""Purchases of cacao from producers, with the plots the beans came from.

Money is in soles (PEN), as ``Decimal`` with 2 places; weights in kg with 2 places. A purchase's
``allocated_kg`` counts the kilos already put into lots: it can never pass ``kg`` (a database
check backs the service's own check), so the same kilos cannot go into two lots.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

KG = {"max_digits": 14, "decimal_places": 2}
MONEY = {"max_digits": 14, "decimal_places": 2}
PRICE = {"max_digits": 10, "decimal_places": 2}


class BeanState(models.TextChoices):
    WET = "wet", _("Wet (en baba)")
    FERMENTED = "fermented", _("Fermented, not yet dry")
    DRY = "dry", _("Dry")


PURCHASE_STATES = (BeanState.WET, BeanState.DRY)


class FlavourClass(models.TextChoices):
    FINE_FLAVOUR = "fine_flavour", _("Fine flavour")
    CONVENTIONAL = "conventional", _("Conventional")
    MIXED = "mixed", _("Mixed (fine flavour and conventional)")


class QualityGrade(models.TextChoices):
    GRADE_1 = "1", _("Grade 1")
    GRADE_2 = "2", _("Grade 2")
    GRADE_3 = "3", _("Grade 3")
    SUBSTANDARD = "sub", _("Substandard")


class Purchase(models.Model):
    buyer = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=30)
    date = models.DateField(_("date"), db_index=True)
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    facility = models.ForeignKey(
        "supply.Facility",
        verbose_name=_("bought at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    comunidad = models.ForeignKey(
        "registry.Comunidad",
        verbose_name=_("bought in (village)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bought by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bean_state = models.CharField(
        _("bean state"),
        max_length=10,
        choices=[(s.value, s.label) for s in PURCHASE_STATES],
    )
    flavour = models.CharField(
        _("flavour class"),
        max_length=16,
        choices=[(FlavourClass.FINE_FLAVOUR, FlavourClass.FINE_FLAVOUR.label),
                 (FlavourClass.CONVENTIONAL, FlavourClass.CONVENTIONAL.label)],
    )  # fmt: skip
    quality_grade = models.CharField(
        _("quality grade"), max_length=4, choices=QualityGrade.choices, blank=True
    )
    kg = models.DecimalField(_("kg"), **KG)  # type: ignore[arg-type]
    price_per_kg = models.DecimalField(_("price per kg (PEN)"), **PRICE)  # type: ignore[arg-type]
    premium_per_kg = models.DecimalField(_("premium per kg (PEN)"), default=0, **PRICE)  # type: ignore[arg-type]
    amount_paid = models.DecimalField(_("amount paid (PEN)"), **MONEY)  # type: ignore[arg-type]
    allocated_kg = models.DecimalField(_("kg put into lots"), default=0, **KG)  # type: ignore[arg-type]
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "receipt_number"], name="purchase_receipt_unique_per_buyer"
            ),
            models.CheckConstraint(name="purchase_kg_positive", condition=Q(kg__gt=0)),
            models.CheckConstraint(
                name="purchase_allocated_within_kg",
                condition=Q(allocated_kg__gte=0) & Q(allocated_kg__lte=F("kg")),
            ),
            models.CheckConstraint(
                name="purchase_prices_not_negative",
                condition=Q(price_per_kg__gte=0) & Q(premium_per_kg__gte=0),
            ),
        ]
        indexes = [models.Index(fields=["producer", "date"])]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.date} {self.kg} kg"

    @property
    def remaining_kg(self) -> object:
        return self.kg - self.allocated_kg


class PurchasePlot(models.Model):
    """The kilos of a purchase that came from one plot."""

    purchase = models.ForeignKey(
        Purchase, verbose_name=_("purchase"), on_delete=models.CASCADE, related_name="origins"
    )
    plot = models.ForeignKey(
        "registry.Plot",
        verbose_name=_("plot"),
        on_delete=models.PROTECT,
        related_name="purchase_origins",
    )
    kg = models.DecimalField(_("kg"), **KG)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("plot of origin")
        verbose_name_plural = _("plots of origin")
        constraints = [
            models.UniqueConstraint(fields=["purchase", "plot"], name="purchase_plot_unique"),
            models.CheckConstraint(name="purchase_plot_kg_positive", condition=Q(kg__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_id} {self.plot_id} {self.kg} kg"
