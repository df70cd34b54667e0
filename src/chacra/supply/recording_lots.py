"""The lot pages: make a lot from purchases, record a processing step, hand a lot over.

The same roles as the purchase page (staff anywhere, a regional office), the same services as the
API (audited as ``web``) and the same scope: a regional office picks only its region's purchases.
A refusal shows the service's reason at its field and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from chacra.accounts.scope import Scope, scope_for
from chacra.registry.models import Organisation
from chacra.supply import rules, selectors, services
from chacra.supply.forms import LotCollectForm, StepForm, TransferForm, buying_organisations
from chacra.supply.models import Purchase
from chacra.supply.recording import record_page, require_writer
from chacra.web.errors import chacra_errors

SHOWN = 200  # open purchases offered as checkboxes, the newest first
# Where a service's field goes on each form.
COLLECT_FIELD_OF = {"inputs": "purchases"}
STEP_FIELD_OF = {"inputs": "kg_in", "outputs": "kg_1"}


def open_purchases(scope: Scope, organisation: Organisation | None) -> QuerySet[Purchase]:
    """Purchases with kilos not yet in a lot, newest first (one organisation's if given)."""
    found = selectors.purchase_list(scope=scope).filter(allocated_kg__lt=F("kg"))
    if organisation is not None:
        found = found.filter(buyer=organisation)
    return found.order_by("-date", "-pk")


def _chosen(text: str | None) -> Organisation | None:
    """The organisation whose purchases the page lists (``?organisation=<id>``), if any."""
    if not (text and text.isdigit() and len(text) < 19):
        return None
    return buying_organisations().filter(pk=int(text)).first()


@login_required
def lot_new(request: HttpRequest) -> HttpResponse:
    """Make a lot from purchases of one organisation not yet (wholly) in a lot."""
    require_writer(request)
    scope = scope_for(request.user)
    chosen = _chosen(request.GET.get("organisation"))
    shown = list(open_purchases(scope, chosen)[: SHOWN + 1])
    form = LotCollectForm(
        request.POST or None,
        initial={"organisation": chosen},
        purchases=selectors.purchase_list(scope=scope),
        shown=shown[:SHOWN],
    )

    def write(data: dict[str, Any]) -> str:
        lot = services.lot_collect(
            actor=request.user, purchases=[(p, None) for p in data["purchases"]],
            date=data["date"], custody_model=data["custody_model"],
            organisation=data["organisation"], source="web",
        )  # fmt: skip
        return reverse("supply-lot", args=[lot.pk])

    more = len(shown) > SHOWN
    context = {"chosen": chosen, "organisations": buying_organisations(), "more": more}
    return record_page(
        request, form, write, "supply/lot_new.html", context, field_of=COLLECT_FIELD_OF
    )


@login_required
@chacra_errors
def step_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ferment, dry, sort or split a lot: kilos in, the kilos of each lot that comes out."""
    require_writer(request)
    lot = selectors.lot_get(scope=scope_for(request.user), pk=pk)
    form = StepForm(request.POST or None)

    def write(data: dict[str, Any]) -> str:
        step = services.step_process(
            actor=request.user, kind=data["kind"], inputs=[(lot, data["kg_in"])],
            outputs=[services.LotOutput(kg, grade) for kg, grade in form.outputs()],
            date=data["date"], ratio=data["ratio"], notes=data["notes"], source="web",
        )  # fmt: skip
        return reverse("supply-lot", args=[step.outputs.order_by("pk")[0].pk])

    low, high = rules.drying_ratio_range()
    context = {"lot": lot, "ratio_low": low, "ratio_high": high}
    return record_page(
        request, form, write, "supply/step_new.html", context, field_of=STEP_FIELD_OF
    )


@login_required
@chacra_errors
def transfer_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand a whole lot to another organisation (the lot page shows this form too)."""
    require_writer(request)
    lot = selectors.lot_get(scope=scope_for(request.user), pk=pk)

    def write(data: dict[str, Any]) -> str:
        services.custody_transfer(
            actor=request.user, lot=lot, to_organisation=data["to_organisation"],
            date=data["date"], document=data["document"], source="web",
        )  # fmt: skip
        return reverse("supply-lot", args=[lot.pk])

    form = TransferForm(request.POST or None)
    return record_page(request, form, write, "supply/transfer_new.html", {"lot": lot})
