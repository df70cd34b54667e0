"""Imports in the admin: read-only history for programme-wide roles."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chacra.accounts.scope import scope_for
from chacra.intake.models import ImportJob, Submission


class ReadOnlyProgrammeAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
