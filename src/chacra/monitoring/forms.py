"""The forms behind monitoring's record pages: parse and check input, then call a service.

Each form knows the caller's scope, so that a regional office is offered its own region only, and
a loan's producer is looked up among the producers the caller may see.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.monitoring import services
from chacra.monitoring.finance import loan_list
from chacra.monitoring.models import (
    Aggregation,
    Currency,
    Indicator,
    InKindActivity,
    LoanPurpose,
    Nature,
    Partner,
    RepaymentStatus,
    Sector,
    Source,
)
from chacra.registry.models import Departamento, Organisation, OrganisationKind
from chacra.registry.selectors import producer_list
from chacra.web.fields import decimal_field

DATE = forms.DateInput(attrs={"type": "date"})
SEX_CHOICES = [("", _("Both (not split by sex)")), ("F", _("Female")), ("M", _("Male"))]


class ScopedForm(forms.Form):
    """A form for one caller: ``save(actor)`` calls the service with the cleaned values."""

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        region = self.fields.get("region")
        if isinstance(region, forms.ModelChoiceField):
            region.queryset = self.regions()
            if scope.role == Role.REGIONAL:  # its own region, which it must name
                region.required = True
                region.empty_label = None

    def regions(self) -> QuerySet[Departamento]:
        qs = Departamento.objects.order_by("name")
        if not self.scope.is_programme_wide:
            return qs.filter(pk=self.scope.region_id) if self.scope.region_id else qs.none()
        return qs

    def save(self, actor: Any) -> Any:  # pragma: no cover - every form below defines it
        raise NotImplementedError


def _region_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Departamento.objects.none(), label=_("Region"), required=False,
        empty_label=_("The whole programme"),
    )  # fmt: skip


class IndicatorForm(ScopedForm):
    code = forms.CharField(label=_("Code"), max_length=24)
    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=24)
    aggregation = forms.ChoiceField(label=_("Periods combine as"), choices=Aggregation.choices)
    by_region = forms.BooleanField(label=_("Disaggregated by region"), required=False)
    by_sex = forms.BooleanField(label=_("Disaggregated by sex"), required=False)

    def save(self, actor: Any) -> Any:
        return services.indicator_define(actor=actor, source="web", **self.cleaned_data)


class ValueForm(ScopedForm):
    indicator = forms.ModelChoiceField(
        Indicator.objects.filter(source=Source.ENTERED), label=_("Indicator")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    region = _region_field()
    sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    value = decimal_field(label=_("Value"), max_digits=16, decimal_places=2)
    note = forms.CharField(
        label=_("Evidence: where the figure comes from"), widget=forms.Textarea, required=False
    )
    document = forms.FileField(label=_("Evidence document"), required=False)

    def save(self, actor: Any) -> Any:
        return services.indicator_value_enter(actor=actor, source="web", **self.cleaned_data)


class TargetForm(ScopedForm):
    indicator = forms.ModelChoiceField(Indicator.objects.all(), label=_("Indicator"))
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, required=False,
        help_text=_("Empty: the whole programme"),
    )  # fmt: skip
    region = _region_field()
    value = decimal_field(label=_("Target"), max_digits=16, decimal_places=2, min_value=0)

    def save(self, actor: Any) -> Any:
        return services.target_set(actor=actor, source="web", **self.cleaned_data)


class RateForm(ScopedForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    pen_per_usd = decimal_field(
        label=_("Soles per US$"), max_digits=8, decimal_places=4, min_value=0.0001
    )
    note = forms.CharField(label=_("Source"), max_length=80, required=False)

    def save(self, actor: Any) -> Any:
        return services.exchange_rate_set(actor=actor, source="web", **self.cleaned_data)


class PartnerForm(ScopedForm):
    organisation = forms.ModelChoiceField(
        Organisation.objects.order_by("name"), label=_("Organisation")
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    committed_usd = decimal_field(
        label=_("Committed (US$)"), max_digits=16, decimal_places=2, min_value=0, initial=0
    )

    def save(self, actor: Any) -> Any:
        return services.partner_register(actor=actor, source="web", **self.cleaned_data)


class _MoneyForm(ScopedForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = decimal_field(label=_("Amount"), max_digits=16, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)


class ContributionForm(_MoneyForm):
    partner = forms.ModelChoiceField(
        Partner.objects.select_related("organisation"), label=_("Partner")
    )
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices)
    region = _region_field()
    evidence = forms.CharField(label=_("Evidence"), max_length=200, required=False)
    document = forms.FileField(label=_("Evidence document"), required=False)

    def save(self, actor: Any) -> Any:
        return services.contribution_record(actor=actor, source="web", **self.cleaned_data)


class UnitValueForm(ScopedForm):
    activity = forms.ChoiceField(label=_("Activity"), choices=InKindActivity.choices)
    usd_per_unit = decimal_field(
        label=_("US$ per unit"), max_digits=16, decimal_places=2, min_value=0
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)

    def save(self, actor: Any) -> Any:
        return services.unit_value_set(actor=actor, source="web", **self.cleaned_data)


class LoanForm(_MoneyForm):
    institution = forms.ModelChoiceField(
        Organisation.objects.filter(kind=OrganisationKind.FINANCIAL).order_by("name"),
        label=_("Financial institution"),
    )
    producer = forms.CharField(label=_("Producer code"), max_length=20)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=LoanPurpose.choices)
    programme_support = forms.BooleanField(label=_("With programme support"), required=False)

    def clean_producer(self) -> Any:
        code = self.cleaned_data["producer"].strip()
        found = producer_list(scope=self.scope).filter(code=code).first()
        if found is None:
            raise forms.ValidationError(
                _("No producer with code %(code)s among the producers you may record for."),
                params={"code": code},
            )
        return found

    def save(self, actor: Any) -> Any:
        return services.loan_record(actor=actor, source="web", **self.cleaned_data)


class LoanStatusForm(ScopedForm):
    loan = forms.IntegerField(label=_("Loan number"), min_value=1)
    status = forms.ChoiceField(label=_("Repayment"), choices=RepaymentStatus.choices)

    def clean_loan(self) -> Any:
        pk = self.cleaned_data["loan"]
        found = loan_list(scope=self.scope).filter(pk=pk).first()
        if found is None:
            raise forms.ValidationError(
                _("No loan number %(pk)s among the loans you may see."), params={"pk": pk}
            )
        return found

    def save(self, actor: Any) -> Any:
        return services.loan_status_set(actor=actor, source="web", **self.cleaned_data)
