"""Recording the supply chain through the API: lots from purchases, processing steps, custody
transfers and shipments.

Each function parses a request, resolves the ids it names within the caller's scope (a
regional office collects only its region's purchases) and calls the service, which checks,
writes and audits, or refuses with a message that names the value and what is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from chacra.accounts.scope import scope_for
from chacra.errors import InvalidInput, NotFound
from chacra.registry.models import Organisation
from chacra.supply import selectors, services
from chacra.supply.kilos import LotOutput
from chacra.supply.models import CustodyTransfer, Facility, Lot, ProcessingStep, Shipment


def _taken_kg() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None,
        help_text="kg to take; none: all it has left",
    )  # fmt: skip


def _text(max_length: int | None = None, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, help_text=help_text
    )


# Row ids are 64-bit (BigAutoField): a larger number is refused here, not by the database.
MAX_ID = 2**63 - 1


def id_field(help_text: str, **options: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=help_text, **options)


def _optional_id(help_text: str) -> serializers.IntegerField:
    return id_field(help_text, required=False, allow_null=True, default=None)


class PurchaseTake(serializers.Serializer[Any]):
    purchase = id_field("purchase id")
    kg = _taken_kg()


class LotTake(serializers.Serializer[Any]):
    lot = id_field("lot id")
    kg = _taken_kg()


class LotCollectSerializer(serializers.Serializer[Any]):
    purchases = PurchaseTake(many=True)
    date = serializers.DateField()
    custody_model = _text(help_text="default: the loosest of the inputs")
    facility = _optional_id("facility id")


class OutputSerializer(serializers.Serializer[Any]):
    kg = serializers.DecimalField(max_digits=14, decimal_places=2)
    quality_grade = _text()


class StepSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="fermentation, drying, sorting, split or merge")
    inputs = LotTake(many=True)
    outputs = OutputSerializer(many=True)
    date = serializers.DateField()
    ratio = serializers.DecimalField(
        max_digits=5, decimal_places=3, required=False, allow_null=True, default=None,
        help_text="drying only: dry kg per wet kg",
    )  # fmt: skip
    custody_model = _text()
    facility = _optional_id("facility id")
    notes = _text()


class TransferSerializer(serializers.Serializer[Any]):
    to_organisation = id_field("organisation id")
    date = serializers.DateField()
    document = _text(max_length=60, help_text="guía de remisión")


class ShipmentCreateSerializer(serializers.Serializer[Any]):
    lots = LotTake(many=True)
    container_number = serializers.CharField(max_length=20)
    destination = serializers.CharField(max_length=120)
    buyer = id_field("organisation id")
    date = serializers.DateField()


def _valid(serializer: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    parsed = serializer(data=request.data)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


def _organisation(pk: int, field: str) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(f"{field}: no organisation with id {pk}", field=field)
    return found


def _facility(pk: int | None) -> Facility | None:
    if pk is None:
        return None
    found = Facility.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(f"facility: no facility with id {pk}", field="facility")
    return found


def _in_scope(ids: Sequence[int], seen: Any, what: str) -> None:
    missing = sorted(set(ids) - set(seen.filter(pk__in=ids).values_list("pk", flat=True)))
    if missing:
        raise NotFound(f"inputs: no {what} with id {', '.join(map(str, missing))} in your scope")


def collect(request: Request) -> Lot:
    v = _valid(LotCollectSerializer, request)
    taken = [(p["purchase"], p["kg"]) for p in v["purchases"]]
    _in_scope([pk for pk, _ in taken], selectors.purchase_list(scope=scope_for(request.user)),
              "purchase")  # fmt: skip
    return services.lot_collect(
        actor=request.user, purchases=taken, date=v["date"],
        custody_model=v["custody_model"] or None, facility=_facility(v["facility"]),
        source="api",
    )  # fmt: skip


def _lots(request: Request, items: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    taken = [(item["lot"], item["kg"]) for item in items]
    _in_scope([pk for pk, _ in taken], selectors.lot_list(scope=scope_for(request.user)), "lot")
    return taken


def process(request: Request) -> ProcessingStep:
    v = _valid(StepSerializer, request)
    return services.step_process(
        actor=request.user, kind=v["kind"], inputs=_lots(request, v["inputs"]),
        outputs=[LotOutput(o["kg"], o["quality_grade"]) for o in v["outputs"]], date=v["date"],
        ratio=v["ratio"], custody_model=v["custody_model"] or None,
        facility=_facility(v["facility"]), notes=v["notes"], source="api",
    )  # fmt: skip


def transfer(request: Request, lot: Lot) -> CustodyTransfer:
    v = _valid(TransferSerializer, request)
    return services.custody_transfer(
        actor=request.user, lot=lot, date=v["date"], document=v["document"],
        to_organisation=_organisation(v["to_organisation"], "to_organisation"), source="api",
    )  # fmt: skip


def ship(request: Request) -> Shipment:
    v = _valid(ShipmentCreateSerializer, request)
    return services.shipment_make(
        actor=request.user, lots=_lots(request, v["lots"]),
        container_number=v["container_number"], destination=v["destination"],
        buyer=_organisation(v["buyer"], "buyer"), date=v["date"], source="api",
    )  # fmt: skip


def step_json(step: ProcessingStep, lots: Any) -> dict[str, Any]:
    return {
        "id": step.pk,
        "kind": step.kind,
        "date": str(step.date),
        "kg_in": str(step.input_kg),
        "kg_out": str(step.output_kg),
        "ratio": str(step.ratio),
        "loss_kg": str(step.loss_kg),
        "lots": lots,
    }


def transfer_json(t: CustodyTransfer) -> dict[str, Any]:
    return {
        "id": t.pk,
        "lot": t.lot.code,
        "from": t.from_organisation.name,
        "to": t.to_organisation.name,
        "date": str(t.date),
        "kg": str(t.kg),
        "document": t.document,
    }
