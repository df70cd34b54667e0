"""The web forms staff fill in: a nursery, a batch, a distribution, a plantain return.

A form only parses what was typed (Django's own field checks, in the page's language); the
records named by code are looked up with the writer's scope and the write goes through the
services, which check permissions, counts and dates and audit it (``recording`` does both).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chacra.nurseries.models import BatchKind, NurseryKind, Transport


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    """A date picked in the browser's calendar (ISO in the form, so any language reads it)."""
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, widget=widget, **kwargs)


def _code(label: Any) -> forms.CharField:
    """An optional code of a record (a nursery, producer, plot, batch, clone or source)."""
    return forms.CharField(label=label, max_length=20, required=False)


class NurseryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=NurseryKind.choices)
    capacity = forms.IntegerField(label=_("Capacity a year (plants)"), min_value=1)
    distrito = forms.CharField(
        label=_("Distrito (ubigeo, e.g. 220901; for a municipal or private nursery)"),
        max_length=6,
        required=False,
    )
    operator_producer = _code(_("Operator: producer code (a farmer nursery)"))
    plot = _code(_("Plot code of the farmer nursery"))
    operator_organisation = forms.CharField(
        label=_("Operator: organisation name (a municipal or private nursery)"),
        max_length=160,
        required=False,
    )
    established_on = _date(_("Established on"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BatchKind.choices)
    count = forms.IntegerField(label=_("Count (plants or sticks)"), min_value=1)
    started_on = _date(_("Started on"), initial=timezone.localdate)
    ready_on = _date(_("Ready on"), required=False)
    nursery = _code(_("At nursery (code)"))
    holder = _code(_("Or held by the farmer (producer code)"))
    clone = _code(_("Clone (code, e.g. ICS-95)"))
    material_source = _code(_("Mother plant or budwood garden (code)"))
    origin_batch = _code(_("Made from batch (code)"))
    origin_count = forms.IntegerField(
        label=_("Sticks or plants used from that batch"), min_value=1, required=False
    )


class DistributionForm(forms.Form):
    batch = forms.CharField(label=_("From batch (code)"), max_length=20)
    plot = forms.CharField(label=_("To plot (code)"), max_length=20)
    count = forms.IntegerField(label=_("Count (plants or sticks)"), min_value=1)
    date = _date(_("Date"), initial=timezone.localdate)
    transport = forms.ChoiceField(
        label=_("Transport"), choices=[("", "—"), *Transport.choices], required=False
    )
    transport_notes = forms.CharField(label=_("Transport notes"), max_length=200, required=False)
    signed_by = forms.CharField(label=_("Received and signed by"), max_length=120, required=False)
    received_by_agent = forms.CharField(
        label=_("Or received by the extension agent (user name)"), max_length=150, required=False
    )
    donated = forms.BooleanField(
        label=_("Donated (plantain: the receiver returns twice the count)"),
        required=False,
        initial=True,
    )


class PlantainReturnForm(forms.Form):
    count = forms.IntegerField(label=_("Suckers returned"), min_value=1)
    date = _date(_("Date"), initial=timezone.localdate)
    nursery = _code(_("Brought to nursery (code; empty: the farmer keeps them for new farmers)"))
