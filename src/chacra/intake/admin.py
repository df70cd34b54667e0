"""Imports in the admin: read-only history for programme-wide roles."""

from __future__ import annotations

from django.contrib import admin

from chacra.accounts.admin import ReadOnlyProgrammeAdmin
from chacra.intake.models import ImportJob, Submission


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyProgrammeAdmin):
    list_display = ["pk", "file_name", "format", "status", "rows_total", "actor", "started_at"]
    list_filter = ["status", "format", "dry_run"]
    search_fields = ["file_name", "sha256"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyProgrammeAdmin):
    list_display = ["instance_id", "source", "root_id", "version", "producer", "plot", "job"]
    list_filter = ["source"]
    search_fields = ["instance_id", "root_id"]
