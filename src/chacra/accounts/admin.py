"""Admin for roles and the audit log; the audit log is read-only for everyone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from chacra.accounts.models import AuditEntry, Profile
from chacra.accounts.scope import scope_for


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class ChacraUserAdmin(UserAdmin):
    inlines = [ProfileInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_for(request.user).is_programme_wide

    has_change_permission = has_add_permission = has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "model", "object_id", "summary", "source"]
    list_filter = ["action", "model", "source"]
    search_fields = ["object_id", "summary", "actor__username"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

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
