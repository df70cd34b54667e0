"""The purchase page: a buyer's clerk records a purchase at the collection point.

Programme staff record any producer's purchase, a regional office its region's (the same rule as
the API, checked by the service). The producer and plots are typed by code, as on the receipt;
a refused purchase shows the service's reason at its field and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chacra.accounts.scope import scope_for
from chacra.errors import AccessDenied, ChacraError, InvalidInput
from chacra.registry.models import Organisation
from chacra.registry.selectors import producer_list
from chacra.supply import services
from chacra.supply.models import FlavourClass, Purchase, QualityGrade
from chacra.supply.models.purchases import PURCHASE_STATES
from chacra.supply.selectors import purchase_list
from chacra.supply.services.purchases import BUYING_KINDS
from chacra.web.errors import chacra_errors
from chacra.web.fields import decimal_field
from chacra.web.record import record_page as shared_record_page

FLAVOURS = (FlavourClass.FINE_FLAVOUR, FlavourClass.CONVENTIONAL)
# Where a service's field goes on the form.
FIELD_OF = {"receipt": "receipt_number", "plot": "plot_1", "kg": "kg_1", "plots": "plot_1"}


def _kg(label: Any, required: bool) -> forms.DecimalField:
    return decimal_field(
        label=label, required=required, max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )


class PurchaseForm(forms.Form):
    buyer = forms.ModelChoiceField(
        label=gettext_lazy("Buyer"),
        queryset=Organisation.objects.filter(kind__in=BUYING_KINDS).order_by("name"),
    )
    receipt_number = forms.CharField(label=gettext_lazy("Receipt number"), max_length=30)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    producer = forms.CharField(label=gettext_lazy("Producer code"), max_length=20)
    plot_1 = forms.CharField(label=gettext_lazy("Plot of origin (code)"), max_length=20)
    kg_1 = _kg(gettext_lazy("Kilos from that plot"), True)
    plot_2 = forms.CharField(
        label=gettext_lazy("Second plot (code, optional)"), max_length=20, required=False
    )
    kg_2 = _kg(gettext_lazy("Kilos from the second plot"), False)
    bean_state = forms.ChoiceField(
        label=gettext_lazy("Bean state"), choices=[(s.value, s.label) for s in PURCHASE_STATES]
    )
    flavour = forms.ChoiceField(
        label=gettext_lazy("Flavour class"),
        choices=[
            (c.value, c.label) for c in (FlavourClass.FINE_FLAVOUR, FlavourClass.CONVENTIONAL)
        ],
    )
    quality_grade = forms.ChoiceField(
        label=gettext_lazy("Quality grade"),
        choices=[("", "—"), *QualityGrade.choices],
        required=False,
    )
    price_per_kg = decimal_field(
        label=gettext_lazy("Price per kg (S/)"), max_digits=10, decimal_places=2, min_value=0
    )
    premium_per_kg = decimal_field(
        label=gettext_lazy("Premium per kg (S/)"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        initial=0,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("plot_2")) != bool(data.get("kg_2")):
            self.add_error("kg_2", _("Give both the second plot and its kilos, or neither."))
        return data


def _origins(data: dict[str, Any]) -> list[tuple[str, Decimal]]:
    origins = [(data["plot_1"].strip(), data["kg_1"])]
    if data.get("plot_2"):
        origins.append((data["plot_2"].strip(), data["kg_2"]))
    return origins


def _record(request: HttpRequest, data: dict[str, Any]) -> Purchase:
    scope = scope_for(request.user)
    code = data["producer"].strip()
    producer = producer_list(scope=scope).filter(code__iexact=code).first()
    if producer is None:
        raise InvalidInput(
            _("No producer with code %(code)s among the producers you may record for.")
            % {"code": code},
            field="producer",
        )
    return services.purchase_record(
        actor=request.user, buyer=data["buyer"], receipt_number=data["receipt_number"],
        date=data["date"], producer=producer, origins=_origins(data),
        bean_state=data["bean_state"], flavour=data["flavour"],
        quality_grade=data.get("quality_grade") or "", price_per_kg=data["price_per_kg"],
        premium_per_kg=data.get("premium_per_kg") or 0, bought_by=request.user, source="web",
    )  # fmt: skip


def require_writer(request: HttpRequest) -> None:
    """Only the roles that write supply data: staff anywhere, regional offices (403 otherwise)."""
    try:
        services.require_supply_write(request.user)
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc


def record_page(
    request: HttpRequest,
    form: forms.Form,
    write: Callable[[dict[str, Any]], str],
    template: str,
    context: dict[str, Any] | None = None,
    field_of: dict[str, str] | None = None,
) -> HttpResponse:
    """Show the form; on POST write through ``write`` (a service call) and go to the URL it gives.

    A refusal is shown at the service's field (``field_of`` maps it to the form's name for it),
    with "Nothing was recorded" above the form: the service wrote nothing.
    """

    def refused(form: forms.Form, exc: ChacraError) -> None:
        field = (field_of or {}).get(exc.field or "", exc.field)
        form.add_error(field if field in form.fields else None, exc.message)
        form.add_error(None, _("Nothing was recorded."))

    return shared_record_page(request, form, write, template, context, refused=refused)


@login_required
def purchase_new(request: HttpRequest) -> HttpResponse:
    """Record a purchase: staff anywhere, a regional office in its region."""
    require_writer(request)
    return record_page(
        request,
        PurchaseForm(request.POST or None),
        lambda data: reverse("supply-purchase-saved", args=[_record(request, data).pk]),
        "supply/purchase_new.html",
        field_of=FIELD_OF,
    )


@login_required
@chacra_errors
def purchase_saved(request: HttpRequest, pk: int) -> HttpResponse:
    """The purchase just recorded, with its receipt figures; another can follow."""
    purchase = purchase_list(scope=scope_for(request.user)).filter(pk=pk).first()
    if purchase is None:
        raise Http404(_("No such purchase among those you may see."))
    return render(request, "supply/purchase_saved.html", {"purchase": purchase})
