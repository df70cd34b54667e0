"""The co-investment ledger: partners, their contributions, exchange rates, and the unit values
that price farmers' own work."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Sector(models.TextChoices):
    PRIVATE = "private", _("Private")
    PRODUCER_ORGANISATIONS = "producer_orgs", _("Producer organisations (private)")
    PUBLIC = "public", _("Public")
    DONOR = "donor", _("Donor (the programme's own funds)")


class Nature(models.TextChoices):
    LABOUR = "labour", _("Labour")
    PARTICIPANT_TIME = "participant_time", _("Participant time")
    OPERATING_EXPENSES = "operating_expenses", _("Operating expenses")
    EQUIPMENT = "equipment", _("Equipment")
    WORKING_CAPITAL = "working_capital", _("Working capital")
    INPUTS = "inputs", _("Inputs")
    CASH = "cash", _("Cash")
    TRAINING = "training", _("Training")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    TRAVEL = "travel", _("Travel and transportation")
    EVENTS = "events", _("Communications and events")
    OTHER = "other", _("Miscellaneous")


class Currency(models.TextChoices):
    USD = "USD", "US$"
    PEN = "PEN", "S/"


class Money(models.Model):
    """An amount entered in US$ or soles, kept in both at the rate recorded for its date."""

    currency = models.CharField(_("currency entered"), max_length=3, choices=Currency.choices)
    amount_usd = models.DecimalField(_("amount (US$)"), **MONEY)  # type: ignore[arg-type]
    amount_pen = models.DecimalField(_("amount (S/)"), **MONEY)  # type: ignore[arg-type]
    rate = models.DecimalField(_("soles per US$ that day"), max_digits=8, decimal_places=4)

    class Meta:
        abstract = True


class ExchangeRate(models.Model):
    """Soles per US dollar on a day, as the programme records it (e.g. SBS's closing rate)."""

    date = models.DateField(_("date"), unique=True)
    pen_per_usd = models.DecimalField(
        _("soles per US$"), max_digits=8, decimal_places=4, validators=[MinValueValidator(0.0001)]
    )
    source = models.CharField(_("source"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.pen_per_usd}"


class Partner(models.Model):
    """An organisation that co-invests (or the donor), with the sector its money counts in."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partner",
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    committed_usd = models.DecimalField(_("committed (US$)"), default=0, **MONEY)  # type: ignore[arg-type]

    class Meta:
        verbose_name = _("co-investment partner")
        verbose_name_plural = _("co-investment partners")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)


class Contribution(Money):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="contributions"
    )
    date = models.DateField(_("date"), db_index=True)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    region = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)
    document = models.CharField(
        _("evidence document"),
        max_length=255,
        blank=True,
        help_text=_("Where the document is kept (chacra stores uploads under monitoring/)"),
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
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.date} US$ {self.amount_usd}"


class InKindActivity(models.TextChoices):
    """What farmers put in, priced per unit of what the registry records."""

    LAND_PREPARATION = "land_preparation", _("Land preparation and planting (per ha installed)")
    PLANTAIN_SHADE = "plantain_shade", _("Plantain seedlings grown and planted (per ha of shade)")
    GRAFTING = "grafting", _("Budwood and grafting labour (per ha grafted)")
    TIMBER_TREES = "timber_trees", _("Timber trees planted (per ha of forestry)")
    PLANTAIN_RETURNED = "plantain_returned", _("Plantain suckers grown and returned (per sucker)")
    BUDWOOD = "budwood", _("Budwood cut from farmers' mother plants and gardens (per stick)")
    NURSERY_BUILDING = "nursery_building", _("Farmer nursery built (per nursery)")


class InKindUnitValue(models.Model):
    """The programme's value of one unit of a farmer activity, from a date on."""

    activity = models.CharField(_("activity"), max_length=20, choices=InKindActivity.choices)
    usd_per_unit = models.DecimalField(_("US$ per unit"), **MONEY)  # type: ignore[arg-type]
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("in-kind unit value")
        verbose_name_plural = _("in-kind unit values")
        ordering = ["activity", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "valid_from"], name="inkind_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity} US$ {self.usd_per_unit} from {self.valid_from}"
