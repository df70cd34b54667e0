"""Admin for the registry: querysets come from the scoped selectors, writes go through services.

Personal-data models are visible to the roles that may see them, scoped the same way as pages
and the API; reference data (places, clones, organisations) is edited by programme-wide roles.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.gis import admin as gis_admin
from django.db.models import QuerySet
from django.http import HttpRequest

from chacra.accounts.models import AuditAction, Role
from chacra.accounts.scope import scope_for
from chacra.accounts.services import audit_record, instance_delete, instance_save
from chacra.registry import selectors, services
from chacra.registry.models import (
    Clone,
    Comunidad,
    Departamento,
    Distrito,
    ExtensionVisit,
    Graft,
    MappingMethod,
    Membership,
    Organisation,
    Planting,
    Plot,
    PlotGeometryVersion,
    Producer,
    Provincia,
)
from chacra.web.widgets import PlotMapWidget


class AuditedAdmin(gis_admin.GISModelAdmin):
    """Saves and deletes through the audited services; reference data for programme-wide roles."""

    gis_widget = PlotMapWidget  # type: ignore[assignment]

    def _programme_wide(self, request: HttpRequest) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_module_permission(self, request: HttpRequest) -> bool:
        return scope_for(request.user).sees_personal_data

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_for(request.user).sees_personal_data

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._programme_wide(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._programme_wide(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._programme_wide(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        instance_save(actor=request.user, instance=obj, source="admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        instance_delete(actor=request.user, instance=obj, source="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            instance_delete(actor=request.user, instance=obj, source="admin")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (plantings, grafts, memberships) are audited like their parent record."""
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            instance_delete(actor=request.user, instance=obj, source="admin")
        for obj in rows:
            instance_save(actor=request.user, instance=obj, source="admin")
        formset.save_m2m()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Many-to-many changes (a producer's agents) leave an audit entry with both lists."""
        obj = form.instance
        m2m = [f.name for f in obj._meta.many_to_many if f.name in form.cleaned_data]
        before = {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in m2m}
        super().save_related(request, form, formsets, change)
        after = {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in m2m}
        changes = {k: [before[k], after[k]] for k in m2m if before[k] != after[k]}
        if changes:
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                instance=obj,
                changes=changes,
                source="admin",
            )


def scoped_choices(db_field: Any, scope: Any) -> QuerySet[Any] | None:
    related = db_field.related_model
    if related is Producer:
        return selectors.producer_list(scope=scope)
    if related is Plot:
        return selectors.plot_list(scope=scope)
    if related is Comunidad:
        return selectors.comunidad_list(scope=scope)
    if db_field.name in ("agent", "agents"):
        return selectors.agent_list(scope=scope)
    return None


class ScopedAdmin(AuditedAdmin):
    """Personal data: each role sees and edits only what its selector returns."""

    selector: Any = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return type(self).selector(scope=scope_for(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Choices (and what the form accepts) come from the same scoped selectors."""
        choices = scoped_choices(db_field, scope_for(request.user))
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(db_field, scope_for(request.user))
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return scope_for(request.user).sees_personal_data

    has_change_permission = has_view_permission = AuditedAdmin.has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._programme_wide(request)


class RegistryInline(admin.TabularInline):
    """Rows of a producer or plot: editable by whoever may edit the parent record."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_for(request.user).sees_personal_data

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class MembershipInline(RegistryInline):
    model = Membership
    autocomplete_fields = ["organisation"]


class ProducerAdminForm(forms.ModelForm):
    """Carries the version the editor opened, so that a change made meanwhile is not lost."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen = cleaned.get("seen_version")
        if self.instance.pk and seen is not None:
            current = Producer.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current.first() != seen:
                raise forms.ValidationError(
                    services.producer_conflict_message(self.instance, seen), code="conflict"
                )
        return cleaned


@admin.register(Producer)
class ProducerAdmin(ScopedAdmin):
    selector = selectors.producer_list
    form = ProducerAdminForm
    list_display = ["code", "surnames", "given_names", "dni", "sex", "comunidad"]
    list_filter = ["sex", "comunidad__distrito__provincia__departamento"]
    search_fields = ["code", "surnames", "given_names", "dni", "comunidad__name"]
    autocomplete_fields = ["comunidad"]
    filter_horizontal = ["agents"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Who may see a producer is decided by programme staff and regional offices, not agents.
        if scope_for(request.user).role == Role.AGENT:
            return ["agents"]
        return []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.require_producer_write(
            actor=request.user, producer=obj if change else None, comunidad=obj.comunidad
        )
        if change:
            seen = form.cleaned_data.get("seen_version")
            services.producer_version_claim(
                producer=obj, version=obj.version if seen is None else seen
            )
        super().save_model(request, obj, form, change)


class PlantingInline(RegistryInline):
    model = Planting


class GraftInline(RegistryInline):
    model = Graft


class GeometryVersionInline(RegistryInline):
    model = PlotGeometryVersion
    fields = ("version", "mapping_method", "area_ha", "mapped_on", "mapped_by", "recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is written by the services only

    has_delete_permission = has_change_permission


@admin.register(Plot)
class PlotAdmin(ScopedAdmin):
    selector = selectors.plot_list
    list_display = [
        "code",
        "producer",
        "comunidad",
        "area_ha",
        "declared_area_ha",
        "mapping_method",
    ]
    list_filter = ["mapping_method", "land_title", "comunidad__distrito__provincia__departamento"]
    search_fields = ["code", "producer__surnames", "producer__dni", "comunidad__name"]
    autocomplete_fields = ["producer", "comunidad"]
    readonly_fields = ["area_ha", "geometry_repaired", "mapped_by"]
    inlines = [PlantingInline, GraftInline, GeometryVersionInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        geometry_changed = {"boundary", "location"} & set(form.changed_data)
        fields = {
            k: form.cleaned_data[k]
            for k in (
                "name",
                "property_area_ha",
                "land_title",
                "cacao_in_production_ha",
                "declared_area_ha",
            )
        }
        if not change:
            saved = services.plot_register(
                actor=request.user,
                producer=obj.producer,
                comunidad=obj.comunidad,
                boundary=obj.boundary,
                point=obj.location,
                method=obj.mapping_method,
                mapped_on=obj.mapped_on,
                code=obj.code,
                source="admin",
                **fields,
            )
            obj.pk = saved.pk
            return
        services.require_producer_write(
            actor=request.user, producer=obj.producer, comunidad=obj.comunidad
        )
        if geometry_changed:
            services.plot_remap(
                actor=request.user,
                plot=obj,
                boundary=obj.boundary,
                # A new boundary brings a new centre unless the GPS point was edited too; a shape
                # edited here was drawn today unless the form says otherwise.
                point=obj.location if "location" in form.changed_data else None,
                method=obj.mapping_method
                if "mapping_method" in form.changed_data
                else MappingMethod.DRAWN,
                mapped_on=obj.mapped_on if "mapped_on" in form.changed_data else None,
                source="admin",
            )
        else:
            instance_save(actor=request.user, instance=obj, source="admin")


@admin.register(ExtensionVisit)
class ExtensionVisitAdmin(ScopedAdmin):
    selector = selectors.visit_list
    list_display = ["date", "agent", "producer", "plot"]
    list_filter = ["date"]
    autocomplete_fields = ["producer", "plot"]
    search_fields = ["producer__surnames", "producer__code"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            saved = services.visit_record(
                actor=request.user,
                producer=obj.producer,
                agent=obj.agent,
                date=obj.date,
                plot=obj.plot,
                activities=obj.activities,
                notes=obj.notes,
                point=obj.location,
                source="admin",
            )
            obj.pk = saved.pk
            return
        services.require_producer_write(
            actor=request.user, producer=obj.producer, comunidad=obj.producer.comunidad
        )
        instance_save(actor=request.user, instance=obj, source="admin")


@admin.register(Departamento, Provincia)
class PlaceAdmin(AuditedAdmin):
    list_display = ["ubigeo", "name"]
    search_fields = ["ubigeo", "name"]


@admin.register(Distrito)
class DistritoAdmin(AuditedAdmin):
    list_display = ["ubigeo", "name", "provincia", "capital"]
    search_fields = ["ubigeo", "name", "capital"]


@admin.register(Comunidad)
class ComunidadAdmin(AuditedAdmin):
    list_display = ["name", "distrito"]
    list_filter = ["distrito__provincia__departamento"]
    search_fields = ["name", "distrito__name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "departamento"]
    list_filter = ["kind", "departamento"]
    search_fields = ["name", "ruc"]


@admin.register(Clone)
class CloneAdmin(AuditedAdmin):
    list_display = ["code", "name", "group", "self_compatible"]
    list_filter = ["group"]
    search_fields = ["code", "name"]
