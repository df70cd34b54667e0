"""Deforestation and legality checks of plots (EUDR), kept as history, and the runs that make them.

Each check of a plot is a new ``PlotCheck`` row; the latest one per plot is marked current. A
check records the status, every reason with the figures behind it, the plot's geometry version
and the version of each reference layer it used, so that any statement can be traced back to
exactly what was known when it was made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CheckStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CheckRun(models.Model):
    """One request to check plots: who asked, which plots, how far it got."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.CharField(_("region"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    backend = models.CharField(_("run by"), max_length=12, default="thread")
    plot_ids = models.JSONField(_("plots to check"), default=list, blank=True)
    total = models.PositiveIntegerField(_("plots"), default=0)
    done = models.PositiveIntegerField(_("plots checked"), default=0)
    counts = models.JSONField(_("results"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progressed_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.pk} {self.status} {self.done}/{self.total}"


class PlotCheck(models.Model):
    plot = models.ForeignKey(
        "registry.Plot", verbose_name=_("plot"), on_delete=models.CASCADE, related_name="checks"
    )
    run = models.ForeignKey(
        CheckRun,
        verbose_name=_("run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checks",
    )
    geometry_version = models.ForeignKey(
        "registry.PlotGeometryVersion",
        verbose_name=_("geometry version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=CheckStatus.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    layers = models.JSONField(_("reference layers used"), default=list, blank=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("plot check")
        verbose_name_plural = _("plot checks")
        ordering = ["plot", "-checked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plot"], condition=Q(is_current=True), name="plot_check_one_current"
            )
        ]
        indexes = [models.Index(fields=["status", "is_current"])]

    def __str__(self) -> str:
        return f"{self.plot_id} {self.status}"
