"""Peru's administrative places with INEI ubigeo codes, and the villages (comunidades) in them."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

UBIGEO_MESSAGES = {
    2: _("A departamento's INEI ubigeo code has 2 digits, e.g. 22."),
    4: _("A provincia's INEI ubigeo code has 4 digits, e.g. 2206."),
    6: _("A distrito's INEI ubigeo code has 6 digits, e.g. 220601."),
}


def _ubigeo(digits: int) -> RegexValidator:
    return RegexValidator(rf"^\d{{{digits}}}$", UBIGEO_MESSAGES[digits])


class Departamento(models.Model):
    """A region (departamento), e.g. San Martín, ubigeo 22."""

    ubigeo = models.CharField(_("ubigeo"), max_length=2, unique=True, validators=[_ubigeo(2)])
    name = models.CharField(_("name"), max_length=80, unique=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("departamento")
        verbose_name_plural = _("departamentos")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provincia(models.Model):
    ubigeo = models.CharField(_("ubigeo"), max_length=4, unique=True, validators=[_ubigeo(4)])
    name = models.CharField(_("name"), max_length=80)
    departamento = models.ForeignKey(
        Departamento,
        verbose_name=_("departamento"),
        on_delete=models.PROTECT,
        related_name="provincias",
    )
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("provincia")
        verbose_name_plural = _("provincias")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Distrito(models.Model):
    ubigeo = models.CharField(_("ubigeo"), max_length=6, unique=True, validators=[_ubigeo(6)])
    name = models.CharField(_("name"), max_length=80)
    provincia = models.ForeignKey(
        Provincia, verbose_name=_("provincia"), on_delete=models.PROTECT, related_name="distritos"
    )
    capital = models.CharField(_("capital"), max_length=80, blank=True)
    capital_location = models.PointField(_("capital location"), srid=4326, null=True, blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("distrito")
        verbose_name_plural = _("distritos")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Comunidad(models.Model):
    """A village, caserío or native community inside a distrito."""

    name = models.CharField(_("name"), max_length=120)
    distrito = models.ForeignKey(
        Distrito, verbose_name=_("distrito"), on_delete=models.PROTECT, related_name="comunidades"
    )
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("comunidad")
        verbose_name_plural = _("comunidades")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["distrito", "name"], name="comunidad_unique_in_distrito"
            )
        ]

    def __str__(self) -> str:
        return self.name
