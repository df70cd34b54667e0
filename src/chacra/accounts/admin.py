"""Admin for roles and the audit log; the audit log is read-only for everyone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chacra.accounts.models import AuditEntry, Profile, Role
from chacra.accounts.scope import scope_for
from chacra.accounts.services import instance_delete, instance_save, user_set_role
from chacra.accounts.throttle import ThrottledAdminAuthenticationForm

admin.site.site_header = _("chacra administration")
admin.site.site_title = _("chacra")
admin.site.index_title = _("Producer and plot registry")
admin.site.login_form = ThrottledAdminAuthenticationForm


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class ChacraUserAdmin(UserAdmin):
    """Programme staff may look up users; only administrators create them or change roles."""

    inlines = [ProfileInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    has_add_permission = has_delete_permission = has_change_permission

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        instance_save(actor=request.user, instance=obj, source="admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        instance_delete(actor=request.user, instance=obj, source="admin")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """A role set here goes through user_set_role: audited, and staff access kept in step."""
        for profile in formset.save(commit=False):
            user_set_role(
                actor=request.user,
                user=form.instance,
                role=Role(profile.role),
                region=profile.region,
                source="admin",
            )


class ReadOnlyProgrammeAdmin(admin.ModelAdmin):
    """History written by chacra itself (audit log, imports): programme-wide roles read it."""

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


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyProgrammeAdmin):
    list_display = ["at", "actor", "action", "model", "object_id", "summary", "source"]
    list_filter = ["action", "model", "source"]
    search_fields = ["object_id", "summary", "actor__username"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
