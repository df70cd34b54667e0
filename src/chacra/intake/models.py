"""Import jobs (one per file run) and form submissions (so ODK/Kobo edits update, not duplicate)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed (dry run)")
    IMPORTED = "imported", _("Imported")
    UNCHANGED = "unchanged", _("Unchanged: this file was imported before")
    REJECTED = "rejected", _("Rejected: nothing written")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    format = models.CharField(_("format"), max_length=16)
    archived_as = models.CharField(_("archived as"), max_length=500, blank=True)
    upload = models.CharField(_("uploaded file"), max_length=500, blank=True)
    for_producer = models.CharField(_("for producer"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    valid_only = models.BooleanField(_("only valid rows"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Submission(models.Model):
    """A form submission as received; edits of the same form (same root) update its records."""

    source = models.CharField(_("source"), max_length=8)
    root_id = models.CharField(_("first submission id"), max_length=100)
    instance_id = models.CharField(_("instance id"), max_length=100, unique=True)
    deprecated_id = models.CharField(_("replaces"), max_length=100, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.CharField(_("submitted at"), max_length=40, blank=True)
    producer = models.ForeignKey(
        "registry.Producer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    plot = models.ForeignKey(
        "registry.Plot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="submissions")
    payload = models.JSONField(_("values as submitted"), default=dict)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        indexes = [models.Index(fields=["source", "root_id"])]

    def __str__(self) -> str:
        return f"{self.source} {self.instance_id}"
