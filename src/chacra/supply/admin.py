"""Admin for the supply chain.

Purchases, lots, steps, allocations, custody transfers and shipments are a ledger of kilos
whose counters (``allocated_kg``) and mass balance only the services keep right: the admin
shows them read-only to programme-wide roles (who already see every producer), and writes go
through ``chacra.supply.services``. Facilities are reference data that programme-wide roles
edit, audited; buyer logins are linked to their organisation through ``buyer_access_grant``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from chacra.accounts.admin import ReadOnlyProgrammeAdmin
from chacra.accounts.models import Role
from chacra.accounts.scope import scope_for
from chacra.registry.admin import AuditedAdmin
from chacra.supply import services
from chacra.supply.models import (
    Allocation,
    BuyerAccess,
    CustodyTransfer,
    Facility,
    Lot,
    ProcessingStep,
    Purchase,
    PurchasePlot,
    Shipment,
)


class LedgerAdmin(ReadOnlyProgrammeAdmin):
    """Every field shown, none editable."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


class LedgerInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_for(request.user).is_programme_wide

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PurchasePlotInline(LedgerInline):
    model = PurchasePlot


class InputInline(LedgerInline):
    """The kilos a step or shipment took, and from which purchase or lot."""

    model = Allocation
    fk_name = "step"
    fields = ["purchase", "lot", "kg"]


class ShipmentInputInline(InputInline):
    fk_name = "shipment"


@admin.register(Purchase)
class PurchaseAdmin(LedgerAdmin):
    list_display = [
        "receipt_number",
        "date",
        "buyer",
        "producer",
        "bean_state",
        "flavour",
        "kg",
        "allocated_kg",
        "price_per_kg",
        "premium_per_kg",
        "amount_paid",
    ]
    list_filter = ["bean_state", "flavour", "quality_grade", "buyer", "date"]
    search_fields = ["receipt_number", "producer__code", "buyer__name"]
    date_hierarchy = "date"
    list_select_related = ["buyer", "producer"]
    inlines = [PurchasePlotInline]


@admin.register(Lot)
class LotAdmin(LedgerAdmin):
    list_display = [
        "code",
        "custodian",
        "custody_model",
        "bean_state",
        "flavour",
        "quality_grade",
        "kg",
        "allocated_kg",
        "created_at",
    ]
    list_filter = ["custody_model", "bean_state", "flavour", "quality_grade", "custodian"]
    search_fields = ["code", "public_id"]
    list_select_related = ["custodian"]


@admin.register(ProcessingStep)
class ProcessingStepAdmin(LedgerAdmin):
    list_display = [
        "pk",
        "kind",
        "date",
        "organisation",
        "facility",
        "input_kg",
        "output_kg",
        "ratio",
        "loss_kg",
    ]
    list_filter = ["kind", "organisation", "date"]
    search_fields = ["outputs__code", "notes"]
    date_hierarchy = "date"
    list_select_related = ["organisation", "facility"]
    inlines = [InputInline]


@admin.register(Shipment)
class ShipmentAdmin(LedgerAdmin):
    list_display = [
        "code",
        "container_number",
        "date",
        "shipper",
        "buyer",
        "destination",
        "kg",
        "custody_model",
    ]
    list_filter = ["custody_model", "shipper", "buyer", "date"]
    search_fields = ["code", "container_number", "destination", "public_id"]
    date_hierarchy = "date"
    list_select_related = ["shipper", "buyer"]
    inlines = [ShipmentInputInline]


@admin.register(CustodyTransfer)
class CustodyTransferAdmin(LedgerAdmin):
    list_display = ["date", "lot", "from_organisation", "to_organisation", "kg", "document"]
    list_filter = ["from_organisation", "to_organisation", "date"]
    search_fields = ["lot__code", "document"]
    list_select_related = ["lot", "from_organisation", "to_organisation"]


@admin.register(Allocation)
class AllocationAdmin(LedgerAdmin):
    list_display = ["pk", "kg", "purchase", "lot", "step", "shipment"]
    search_fields = ["lot__code", "purchase__receipt_number", "shipment__code"]
    list_select_related = ["purchase", "lot", "step", "shipment"]


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ["name", "kind", "organisation", "distrito", "capacity_kg_per_year"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "organisation__name", "distrito__name"]
    autocomplete_fields = ["organisation", "distrito"]


class BuyerAccessForm(forms.ModelForm):
    """Refuses, as a form error, a login that does not have the buyer role."""

    class Meta:
        model = BuyerAccess
        fields = ["user", "organisation"]

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if scope_for(user).role != Role.BUYER:
            raise forms.ValidationError(
                _("%(user)s does not have the buyer role; give it that role first") % {"user": user}
            )
        return user


@admin.register(BuyerAccess)
class BuyerAccessAdmin(AuditedAdmin):
    """Which organisation a buyer login speaks for: programme-wide roles only."""

    form = BuyerAccessForm
    list_display = ["user", "organisation"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._programme_wide(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._programme_wide(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.buyer_access_grant(
            actor=request.user, user=obj.user, organisation=obj.organisation, source="admin"
        )
        obj.pk = saved.pk
