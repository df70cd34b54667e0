"""Indicators the programme reports on, their targets, and the values entered with evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from the records")
    ENTERED = "entered", _("Entered with evidence")


class Aggregation(models.TextChoices):
    """How values of several periods make the programme's figure."""

    SUM = "sum", _("Sum of the periods")
    LATEST = "latest", _("Latest period")


class Computation(models.TextChoices):
    """What chacra counts for a computed indicator (``chacra.monitoring.computed``)."""

    FAMILIES = "families", _("Families benefiting (registered producers)")
    HECTARES_PLANTED = "hectares_planted", _("New hectares of cacao planted")
    HECTARES_AGROFORESTRY = "hectares_agroforestry", _("Hectares under agroforestry")
    HECTARES_GEOREFERENCED = "hectares_georeferenced", _("Hectares georeferenced")
    PRODUCERS_PURCHASES = "producers_purchases", _("Producers selling under purchase agreements")
    TONNES_POST_HARVEST = "tonnes_post_harvest", _("Tonnes through post-harvest processing")
    ORGANISATIONS_TRAINED = "organisations_trained", _("Organisations trained")
    FUNDS_LEVERAGED = "funds_leveraged", _("Funds leveraged (US$)")
    LOANS_VALUE = "loans_value", _("Value of loans (US$)")
    FAMILIES_FINANCE = "families_finance", _("Families that accessed financial services")
    FAMILIES_FINANCE_UNSUPPORTED = (
        "families_finance_unsupported",
        _("Families that accessed finance without programme support"),
    )


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=24, help_text=_("e.g. families, ha, t, US$"))
    source = models.CharField(_("how it is obtained"), max_length=10, choices=Source.choices)
    computation = models.CharField(
        _("computed as"), max_length=32, choices=Computation.choices, blank=True
    )
    aggregation = models.CharField(
        _("periods combine as"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    by_region = models.BooleanField(_("disaggregated by region"), default=True)
    by_sex = models.BooleanField(_("disaggregated by sex"), default=False)
    by_year = models.BooleanField(_("disaggregated by year"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                name="indicator_computed_says_how",
                condition=~models.Q(source="computed", computation=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the language being spoken (Spanish unless English is)."""
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class Target(models.Model):
    """A target for one period (a year, or the whole programme) and one region (or all)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty: the whole programme")
    )
    region = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year", "region"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year or '*'} {self.region_id or '*'}: {self.value}"


class IndicatorValue(models.Model):
    """A value entered by a person, with what backs it up."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sex = models.CharField(
        _("sex"), max_length=1, blank=True, choices=[("F", _("Female")), ("M", _("Male"))]
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    document = models.CharField(
        _("evidence document"),
        max_length=255,
        blank=True,
        help_text=_("Where the document is kept (chacra stores uploads under monitoring/)"),
    )
    note = models.TextField(
        _("note on the evidence"), blank=True, help_text=_("A note, a document, or both")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "year", "region"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"
