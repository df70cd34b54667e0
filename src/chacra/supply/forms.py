"""The forms of the supply pages that record lots, steps, transfers and shipments.

They only read what was typed or ticked; the services check it (kilos left, conversions, custody,
holders) and say why they refuse, so kilos fields have no minimum here: 0 kg is refused by the
service, with its reason, at the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chacra.registry.models import Organisation
from chacra.supply.models import CustodyModel, Lot, Purchase, QualityGrade, StepKind
from chacra.supply.services.purchases import BUYING_KINDS
from chacra.web.fields import decimal_field

OUTPUTS = 3  # output lots a step page offers (a sorting or split into more: the API)
# The steps one lot goes through on its own (a merge takes several lots: the API records it).
ONE_LOT_STEPS = (StepKind.FERMENTATION, StepKind.DRYING, StepKind.SORTING, StepKind.SPLIT)


def date_field() -> forms.DateField:
    return forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )


def kg_field(label: Any, required: bool = False) -> forms.DecimalField:
    return decimal_field(label=label, required=required, max_digits=14, decimal_places=2)


def buying_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=BUYING_KINDS).order_by("name")


def _offer(field: forms.Field, accepted: QuerySet[Any], shown: list[tuple[int, str]]) -> None:
    """Accept any row of ``accepted`` (the service says why one cannot be used); offer ``shown``."""
    field.queryset = accepted  # type: ignore[attr-defined]
    field.choices = shown  # type: ignore[attr-defined]


def purchase_label(p: Purchase) -> str:
    return _("%(receipt)s · %(date)s · producer %(producer)s · %(kg)s kg left (%(buyer)s)") % {
        "receipt": p.receipt_number, "date": date_format(p.date, "d-m-Y"),
        "producer": p.producer.code, "kg": localize(p.kg - p.allocated_kg), "buyer": p.buyer,
    }  # fmt: skip


def lot_label(lot: Lot) -> str:
    return _("%(code)s · %(kg)s kg dry left · held by %(holder)s") % {
        "code": lot.code, "kg": localize(lot.kg - lot.allocated_kg), "holder": lot.custodian,
    }  # fmt: skip


class LotCollectForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation that makes the lot"), queryset=buying_organisations()
    )
    date = date_field()
    purchases = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Purchases (all their kilos left)"),
        queryset=Purchase.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ticks"}),
    )
    custody_model = forms.ChoiceField(
        label=gettext_lazy("Custody model"),
        choices=CustodyModel.choices,
        initial=CustodyModel.SEGREGATED,
    )

    def __init__(
        self, *args: Any, purchases: QuerySet[Purchase], shown: list[Purchase], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        _offer(self.fields["purchases"], purchases, [(p.pk, purchase_label(p)) for p in shown])


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Step"), choices=[(k.value, k.label) for k in ONE_LOT_STEPS]
    )
    date = date_field()
    kg_in = kg_field(gettext_lazy("Kilos taken from the lot (empty: all it has left)"))
    ratio = decimal_field(
        label=gettext_lazy("Wet-to-dry ratio (drying only; empty: the highest allowed)"),
        required=False,
        max_digits=5,
        decimal_places=3,
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, max_length=500)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        outputs = []
        for n in range(1, OUTPUTS + 1):
            self.fields[f"kg_{n}"] = kg_field(
                _("Kilos of output lot %(n)s") % {"n": n}, required=n == 1
            )
            self.fields[f"grade_{n}"] = forms.ChoiceField(
                label=_("Grade of output lot %(n)s (sorting)") % {"n": n},
                choices=[("", "—"), *QualityGrade.choices],
                required=False,
            )
            outputs += [f"kg_{n}", f"grade_{n}"]
        # what goes in, what comes out, then how
        self.order_fields(["kind", "date", "kg_in", *outputs, "ratio", "notes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(2, OUTPUTS + 1):
            if data.get(f"grade_{n}") and data.get(f"kg_{n}") is None:
                self.add_error(f"kg_{n}", _("Give the kilos of a lot that has a grade."))
        return data

    def outputs(self) -> list[tuple[Any, str]]:
        """(kg, grade) of each output lot given."""
        data = self.cleaned_data
        return [
            (data[f"kg_{n}"], data.get(f"grade_{n}") or "")
            for n in range(1, OUTPUTS + 1)
            if data.get(f"kg_{n}") is not None
        ]


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Hand over to"), queryset=Organisation.objects.order_by("name")
    )
    date = date_field()
    document = forms.CharField(
        label=gettext_lazy("Document (guía de remisión)"), max_length=60, required=False
    )


class ShipmentForm(forms.Form):
    lots = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Dry lots (all their kilos left)"),
        queryset=Lot.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ticks"}),
    )
    container_number = forms.CharField(
        label=gettext_lazy("Container number (e.g. MSCU1234565)"), max_length=20
    )
    destination = forms.CharField(label=gettext_lazy("Destination (port, country)"), max_length=120)
    buyer = forms.ModelChoiceField(
        label=gettext_lazy("Buyer"), queryset=Organisation.objects.order_by("name")
    )
    date = date_field()

    def __init__(self, *args: Any, lots: QuerySet[Lot], shown: list[Lot], **kw: Any) -> None:
        super().__init__(*args, **kw)
        _offer(self.fields["lots"], lots, [(lot.pk, lot_label(lot)) for lot in shown])
