"""Pages that record genetic material: a nursery, a batch, a distribution, a plantain return.

Only the roles that write producers' records (programme staff, regional offices, extension
agents) get the forms; the services then check the region or the agent's producers exactly as
for the API, count what may leave a batch or be returned, and audit the write (``web``). A
refused write shows the reason next to its field, in the page's language where chacra explains
it (the counts left) and with the service's message, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from chacra.accounts.scope import Scope
from chacra.errors import AccessDenied, ChacraError, Conflict, InvalidInput
from chacra.nurseries import selectors, services
from chacra.nurseries.forms import BatchForm, DistributionForm, NurseryForm, PlantainReturnForm
from chacra.nurseries.models import Distribution
from chacra.nurseries.views import chacra_page
from chacra.registry import selectors as registry
from chacra.registry.models import Distrito, Organisation
from chacra.web.record import Write, record_page

SOURCE = "web"
Explain = Callable[[ChacraError], str | None]

# Where a service's field goes on a form that names it otherwise.
FIELD_OF = {"producer": "plot", "distribution": None}


def _one(qs: QuerySet[Any], value: str, field: str, what: str, lookup: str = "code") -> Any:
    """The record named ``value`` among those the writer may use, or None when left empty."""
    value = value.strip()
    if not value:
        return None
    found = qs.filter(**{f"{lookup}__iexact": value}).first()
    if found is None:
        raise InvalidInput(f"{field}: no {what} {value!r} among those you may use", field=field)
    return found


def _refused(form: forms.Form, exc: ChacraError, explain: Explain | None) -> None:
    field = FIELD_OF.get(exc.field or "", exc.field)
    marked = field if field in form.fields else None
    form.add_error(marked, exc.message)
    said = explain(exc) if explain is not None else None
    if said is None and isinstance(exc, AccessDenied):
        said = _("Your role or region cannot record this.")
    elif said is None:
        said = _("Nothing was recorded: see the marked field.") if marked else None
    form.add_error(None, said or _("Nothing was recorded."))


def _record(
    request: HttpRequest,
    scope: Scope,
    form: forms.Form,
    write: Write,
    context: dict[str, Any],
    explain: Explain | None = None,
) -> HttpResponse:
    """Show the form; on POST, write through the service and go to what was made."""
    selectors.require_personal(scope)
    return record_page(
        request, form, write, "nurseries/record.html", context,
        refused=lambda form, exc: _refused(form, exc, explain),
    )  # fmt: skip


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _prefill(request: HttpRequest, qs: QuerySet[Any], key: str) -> dict[str, str]:
    """The code of the record whose id the link gave (``?batch=12``), if the writer sees it."""
    pk = request.GET.get(key, "")
    found = qs.filter(pk=int(pk)).first() if pk.isdigit() else None
    return {key: found.code} if found is not None else {}


@chacra_page
def nursery_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    def write(v: dict[str, Any]) -> str:
        made = services.nursery_register(
            actor=request.user, name=v["name"], kind=v["kind"], capacity=v["capacity"],
            distrito=_one(Distrito.objects.all(), v["distrito"], "distrito", "distrito", "ubigeo"),
            operator_producer=_one(
                registry.producer_list(scope=scope), v["operator_producer"],
                "operator_producer", "producer",
            ),
            plot=_one(registry.plot_list(scope=scope), v["plot"], "plot", "plot"),
            operator_organisation=_one(
                Organisation.objects.all(), v["operator_organisation"], "operator_organisation",
                "organisation", "name",
            ),
            established_on=v["established_on"], notes=v["notes"], source=SOURCE,
        )  # fmt: skip
        return reverse("nursery-detail", args=[made.pk])

    form = NurseryForm(_post(request))
    return _record(request, scope, form, write, {"title": _("Record a nursery")})


@chacra_page
def batch_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    def write(v: dict[str, Any]) -> str:
        made = services.batch_start(
            actor=request.user, kind=v["kind"], count=v["count"], started_on=v["started_on"],
            ready_on=v["ready_on"],
            nursery=_one(selectors.nursery_list(scope=scope), v["nursery"], "nursery", "nursery"),
            holder=_one(registry.producer_list(scope=scope), v["holder"], "holder", "producer"),
            clone=v["clone"].strip() or None,
            material_source=_one(
                selectors.source_list(scope=scope), v["material_source"], "material_source",
                "mother plant or budwood garden",
            ),
            origin_batch=_one(
                selectors.batch_list(scope=scope), v["origin_batch"], "origin_batch", "batch"
            ),
            origin_count=v["origin_count"], source=SOURCE,
        )  # fmt: skip
        return reverse("nursery-batch", args=[made.pk])

    initial = _prefill(request, selectors.nursery_list(scope=scope), "nursery")
    form = BatchForm(_post(request), initial=initial)
    return _record(request, scope, form, write, {"title": _("Record a batch")})


@chacra_page
def distribution_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    batches = selectors.batch_list(scope=scope)

    def write(v: dict[str, Any]) -> str:
        batch = _one(batches, v["batch"], "batch", "batch")
        agent = _one(
            get_user_model().objects.all(), v["received_by_agent"], "received_by_agent",
            "user", "username",
        )  # fmt: skip
        services.distribution_record(
            actor=request.user, batch=batch,
            plot=_one(registry.plot_list(scope=scope), v["plot"], "plot", "plot"),
            count=v["count"], date=v["date"], transport=v["transport"],
            transport_notes=v["transport_notes"], signed_by=v["signed_by"],
            received_by_agent=agent, donated=v["donated"], source=SOURCE,
        )  # fmt: skip
        return reverse("nursery-batch", args=[batch.pk])

    def explain(exc: ChacraError) -> str | None:
        if not (isinstance(exc, Conflict) and exc.field == "count"):
            return None
        batch = batches.get(code__iexact=form.cleaned_data["batch"])
        return _(
            "Batch %(code)s holds %(left)s now: at most %(left)s can be distributed. Nothing "
            "was recorded."
        ) % {"code": batch.code, "left": batch.available}

    form = DistributionForm(_post(request), initial=_prefill(request, batches, "batch"))
    return _record(request, scope, form, write, {"title": _("Record a distribution")}, explain)


def _owed_left(distribution: Distribution) -> Explain:
    def explain(exc: ChacraError) -> str | None:
        if not (isinstance(exc, Conflict) and exc.field == "count"):
            return None
        distribution.refresh_from_db(fields=["returned", "obligation"])
        return _(
            "%(producer)s owes %(left)s suckers on %(code)s now: at most %(left)s can be "
            "returned. Nothing was recorded."
        ) % {
            "producer": distribution.producer.code,
            "code": distribution.code,
            "left": distribution.outstanding,
        }

    return explain


@chacra_page
def plantain_return_new(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    donation = selectors.distribution_get(scope=scope, pk=pk)

    def write(v: dict[str, Any]) -> str:
        made = services.plantain_return_record(
            actor=request.user, distribution=donation, count=v["count"], date=v["date"],
            nursery=_one(selectors.nursery_list(scope=scope), v["nursery"], "nursery", "nursery"),
            source=SOURCE,
        )  # fmt: skip
        return reverse("nursery-batch", args=[made.pk])

    form = PlantainReturnForm(_post(request))
    context = {"title": _("Record a plantain return"), "donation": donation}
    return _record(request, scope, form, write, context, _owed_left(donation))
