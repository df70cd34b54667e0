"""The producer: DATOS DEL PRODUCTOR of the record, with consent under Ley 29733."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DNI_VALIDATOR = RegexValidator(r"^\d{8}$", _("A DNI has exactly 8 digits, e.g. 04512345."))


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form")
    THUMBPRINT = "thumbprint", _("Thumbprint on form")
    VERBAL_RECORDED = "verbal_recorded", _("Verbal, recorded by the agent")
    DIGITAL = "digital", _("Digital (app)")


class Producer(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    surnames = models.CharField(_("surnames"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=100)
    # Kept as text: leading zeros matter. Unique when present; NULL when the producer has none.
    dni = models.CharField(
        _("DNI no."), max_length=8, null=True, blank=True, unique=True, validators=[DNI_VALIDATOR]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    age_at_registration = models.PositiveSmallIntegerField(
        _("age at registration"),
        null=True,
        blank=True,
        validators=[MinValueValidator(12), MaxValueValidator(110)],
    )
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("household size"), null=True, blank=True, validators=[MaxValueValidator(40)]
    )
    comunidad = models.ForeignKey(
        "registry.Comunidad",
        verbose_name=_("comunidad"),
        on_delete=models.PROTECT,
        related_name="producers",
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extension agents"),
        blank=True,
        related_name="assigned_producers",
    )
    consent_given_on = models.DateField(
        _("consent to data processing given on"), null=True, blank=True
    )
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: each change adds one; a change made on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["surnames", "given_names"]
        indexes = [models.Index(fields=["surnames", "given_names"])]

    def __str__(self) -> str:
        return f"{self.surnames}, {self.given_names}"

    @property
    def full_name(self) -> str:
        return f"{self.surnames} {self.given_names}"

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on ``day``, from the birth date or the age given at registration."""
        if self.birth_date:
            b = self.birth_date
            return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
        if self.age_at_registration is not None:
            return self.age_at_registration + max(0, (day - self.registered_on).days // 365)
        return None

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def clean(self) -> None:
        if self.dni == "":
            self.dni = None
        if self.consent_given_on and not self.consent_method:
            raise ValidationError({"consent_method": _("Say how consent was given.")})
