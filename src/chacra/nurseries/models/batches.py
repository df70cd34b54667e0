"""Batches of planting material and what was done with them.

A batch holds a count of plants or sticks of one kind at a nursery or with a farmer. ``taken``
counts what already left it (distributed, used to make another batch, or lost); a database check
keeps it within ``count``, so counts can never be created. A batch comes from a material source
(seeds or budwood from a mother plant), from another batch (moved, or seedlings grafted with its
budwood), or, for plantain, from a farmer's return against a donation (``repays``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class BatchKind(models.TextChoices):
    CACAO_SEEDLING = "cacao_seedling", _("Cacao seedlings")
    BUDWOOD = "budwood", _("Budwood sticks")
    PLANTAIN = "plantain", _("Plantain suckers")
    BOLAINA = "bolaina", _("Bolaina seedlings (Guazuma crinita)")
    CAPIRONA = "capirona", _("Capirona seedlings (Calycophyllum spruceanum)")


TIMBER_KINDS = (BatchKind.BOLAINA, BatchKind.CAPIRONA)


class Batch(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=BatchKind.choices)
    clone = models.ForeignKey(
        "registry.Clone",
        verbose_name=_("clone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    nursery = models.ForeignKey(
        "nurseries.Nursery",
        verbose_name=_("at nursery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    holder = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("held by farmer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="material_held",
    )
    source = models.ForeignKey(
        "nurseries.MaterialSource",
        verbose_name=_("material source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
    )
    origin_batch = models.ForeignKey(
        "self",
        verbose_name=_("origin batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
    )
    origin_count = models.PositiveIntegerField(
        _("taken from the origin batch"), null=True, blank=True
    )
    repays = models.ForeignKey(
        "nurseries.Distribution",
        verbose_name=_("returned against"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returns",
        help_text=_("Plantain suckers a farmer returned against a donation"),
    )
    generation = models.PositiveSmallIntegerField(
        _("generation"),
        default=0,
        help_text=_("0 at a nursery; a return of a generation-g donation is generation g"),
    )
    started_on = models.DateField(_("started on"), help_text=_("Sown, cut, moved or returned"))
    ready_on = models.DateField(_("ready on"), null=True, blank=True)
    count = models.PositiveIntegerField(_("count"))
    taken = models.PositiveIntegerField(_("taken"), default=0)
    lost = models.PositiveIntegerField(_("lost"), default=0)
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
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="batch_count_positive", condition=Q(count__gt=0)),
            models.CheckConstraint(
                name="batch_taken_within_count", condition=Q(taken__lte=F("count"))
            ),
            models.CheckConstraint(
                name="batch_lost_within_taken", condition=Q(lost__lte=F("taken"))
            ),
            models.CheckConstraint(
                name="batch_held_once",
                condition=Q(nursery__isnull=False, holder__isnull=True)
                | Q(nursery__isnull=True, holder__isnull=False),
            ),
            models.CheckConstraint(
                name="batch_origin_counted",
                condition=Q(origin_batch__isnull=True, origin_count__isnull=True)
                | Q(origin_batch__isnull=False, origin_count__gt=0),
            ),
        ]
        indexes = [models.Index(fields=["kind", "nursery"])]

    def __str__(self) -> str:
        return self.code

    @property
    def available(self) -> int:
        return self.count - self.taken
