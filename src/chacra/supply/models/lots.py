"""Lots, the processing steps that make them, the kilos each step took, custody and shipments.

The graph: a processing step takes kilos from purchases or lots (``Allocation`` rows) and makes
one or more lots; a shipment takes kilos from lots. Every output of a step is a homogeneous mix
of its inputs, which is what makes trace shares proportional. ``allocated_kg`` on a lot counts
the kilos already taken from it; a database check keeps it within ``kg``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chacra.supply.models.purchases import KG, BeanState, FlavourClass, QualityGrade


class StepKind(models.TextChoices):
    COLLECTION = "collection", _("Collection (acopio)")
    FERMENTATION = "fermentation", _("Fermentation")
    DRYING = "drying", _("Drying")
    SORTING = "sorting", _("Sorting and grading")
    SPLIT = "split", _("Split")
    MERGE = "merge", _("Merge")


class CustodyModel(models.TextChoices):
    """From strictest to loosest; a lot is never stricter than the loosest of its inputs."""

    IDENTITY_PRESERVED = "identity_preserved", _("Identity preserved (one producer)")
    SEGREGATED = "segregated", _("Segregated (one flavour class, no mass-balance input)")
    MASS_BALANCE = "mass_balance", _("Mass balance")


class ProcessingStep(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        related_name="processing_steps",
    )
    facility = models.ForeignKey(
        "supply.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="steps",
    )
    date = models.DateField(_("date"))
    input_kg = models.DecimalField(_("kg in"), **KG)  # type: ignore[arg-type]
    output_kg = models.DecimalField(_("kg out"), **KG)  # type: ignore[arg-type]
    ratio = models.DecimalField(
        _("allowed conversion"),
        max_digits=5,
        decimal_places=3,
        help_text=_("kg out allowed per kg in: 1 for most steps, the wet-to-dry ratio for drying"),
    )
    loss_kg = models.DecimalField(_("loss (kg)"), **KG)  # type: ignore[arg-type]
    notes = models.TextField(_("notes"), blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                # output <= input x ratio is checked in Decimal by the service: a float
                # product here (SQLite) would refuse outputs exactly at the limit.
                name="step_weights_positive",
                condition=Q(output_kg__gt=0) & Q(input_kg__gt=0) & Q(loss_kg__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date} {self.input_kg} -> {self.output_kg} kg"


class Lot(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    public_id = models.CharField(_("public link id"), max_length=24, unique=True)
    step = models.ForeignKey(
        ProcessingStep, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="outputs"
    )
    custodian = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("custodian"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    facility = models.ForeignKey(
        "supply.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lots",
    )
    custody_model = models.CharField(
        _("chain-of-custody model"), max_length=20, choices=CustodyModel.choices
    )
    # Set for identity-preserved lots: the one producer all their beans come from.
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("single producer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bean_state = models.CharField(_("bean state"), max_length=10, choices=BeanState.choices)
    flavour = models.CharField(_("flavour class"), max_length=16, choices=FlavourClass.choices)
    quality_grade = models.CharField(
        _("quality grade"), max_length=4, choices=QualityGrade.choices, blank=True
    )
    kg = models.DecimalField(_("kg"), **KG)  # type: ignore[arg-type]
    allocated_kg = models.DecimalField(_("kg taken out"), default=0, **KG)  # type: ignore[arg-type]
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(name="lot_kg_positive", condition=Q(kg__gt=0)),
            models.CheckConstraint(
                name="lot_allocated_within_kg",
                condition=Q(allocated_kg__gte=0) & Q(allocated_kg__lte=F("kg")),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def remaining_kg(self) -> object:
        return self.kg - self.allocated_kg


class Shipment(models.Model):
    code = models.CharField(_("code"), max_length=24, unique=True)
    public_id = models.CharField(_("public link id"), max_length=24, unique=True)
    container_number = models.CharField(
        _("container number"), max_length=11, help_text=_("ISO 6346, e.g. MSCU1234565")
    )
    shipper = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("shipper"),
        on_delete=models.PROTECT,
        related_name="shipments_sent",
    )
    buyer = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="shipments_bought",
    )
    destination = models.CharField(_("destination"), max_length=120)
    date = models.DateField(_("shipped on"))
    kg = models.DecimalField(_("kg"), **KG)  # type: ignore[arg-type]
    custody_model = models.CharField(
        _("chain-of-custody model"), max_length=20, choices=CustodyModel.choices
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(name="shipment_kg_positive", condition=Q(kg__gt=0))]

    def __str__(self) -> str:
        return f"{self.code} {self.container_number}"


class Allocation(models.Model):
    """Kilos taken from a purchase or a lot, into a processing step or a shipment."""

    kg = models.DecimalField(_("kg"), **KG)  # type: ignore[arg-type]
    purchase = models.ForeignKey(
        "supply.Purchase",
        verbose_name=_("from purchase"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("from lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    # The step that made the source lot (a copy of lot.step): the trace walks the graph through
    # this table alone, one index lookup per step, with no join to the lots.
    source_step = models.ForeignKey(
        ProcessingStep,
        verbose_name=_("step that made the source lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.ForeignKey(
        ProcessingStep,
        verbose_name=_("into step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inputs",
    )
    shipment = models.ForeignKey(
        Shipment,
        verbose_name=_("into shipment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inputs",
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(name="allocation_kg_positive", condition=Q(kg__gt=0)),
            models.CheckConstraint(
                name="allocation_one_source",
                condition=Q(purchase__isnull=True, lot__isnull=False)
                | Q(purchase__isnull=False, lot__isnull=True),
            ),
            models.CheckConstraint(
                name="allocation_one_target",
                condition=Q(step__isnull=True, shipment__isnull=False)
                | Q(step__isnull=False, shipment__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        source = f"purchase {self.purchase_id}" if self.purchase_id else f"lot {self.lot_id}"
        target = f"step {self.step_id}" if self.step_id else f"shipment {self.shipment_id}"
        return f"{self.kg} kg {source} -> {target}"


class CustodyTransfer(models.Model):
    """A whole lot handed from one organisation to another (split it first to hand over part)."""

    lot = models.ForeignKey(
        Lot, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    kg = models.DecimalField(_("kg"), **KG)  # type: ignore[arg-type]
    document = models.CharField(_("document (guía de remisión)"), max_length=60, blank=True)
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
        verbose_name = _("custody transfer")
        verbose_name_plural = _("custody transfers")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.lot_id} {self.from_organisation_id} -> {self.to_organisation_id}"
