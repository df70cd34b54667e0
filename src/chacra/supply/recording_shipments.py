"""The shipment page: fill a container with what is left of dry lots held by one organisation.

The same roles, service and scope as the API (audited as ``web``); a refusal (a wet lot, lots
of two holders, a container number that is not ISO 6346, kilos already shipped) is shown at its
field and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from chacra.accounts.scope import Scope, scope_for
from chacra.supply import selectors, services
from chacra.supply.forms import ShipmentForm
from chacra.supply.models import BeanState, Lot
from chacra.supply.recording import record_page, require_writer

SHOWN = 200  # dry lots offered as checkboxes, the newest first
FIELD_OF = {"inputs": "lots"}


def dry_lots(scope: Scope) -> QuerySet[Lot]:
    """The dry lots with kilos not yet shipped or processed, newest first."""
    return (
        selectors.lot_list(scope=scope)
        .filter(bean_state=BeanState.DRY, allocated_kg__lt=F("kg"))
        .order_by("-pk")
    )


@login_required
def shipment_new(request: HttpRequest) -> HttpResponse:
    """Make a shipment from dry lots: container, destination, buyer and date."""
    require_writer(request)
    scope = scope_for(request.user)
    shown = list(dry_lots(scope)[: SHOWN + 1])
    form = ShipmentForm(
        request.POST or None, lots=selectors.lot_list(scope=scope), shown=shown[:SHOWN]
    )

    def write(data: dict[str, Any]) -> str:
        shipment = services.shipment_make(
            actor=request.user, lots=[(lot, None) for lot in data["lots"]],
            container_number=data["container_number"], destination=data["destination"],
            buyer=data["buyer"], date=data["date"], source="web",
        )  # fmt: skip
        return reverse("supply-shipment", args=[shipment.pk])

    return record_page(
        request, form, write, "supply/shipment_new.html", {"more": len(shown) > SHOWN},
        field_of=FIELD_OF,
    )  # fmt: skip
