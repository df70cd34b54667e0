"""API representations of the supply chain: lots, shipments and purchases (and what a purchase is
recorded with), trace reports, holdings and EUDR exports. The views in ``api`` pick rows through
selectors and services; these only shape them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.urls import reverse
from rest_framework import serializers

from chacra.compliance.eudr_export import EudrExport
from chacra.supply import api_write
from chacra.supply.models import Lot, Purchase, Shipment
from chacra.supply.selectors import HoldingLine, TraceReport


class LotSerializer(serializers.ModelSerializer[Lot]):
    custodian = serializers.CharField(source="custodian.name", read_only=True)
    made_by = serializers.CharField(source="step.kind", read_only=True)
    made_on = serializers.DateField(source="step.date", read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "code", "public_id", "made_by", "made_on", "custodian", "custody_model",
                  "bean_state", "flavour", "quality_grade", "kg", "allocated_kg"]  # fmt: skip


class ShipmentSerializer(serializers.ModelSerializer[Shipment]):
    shipper = serializers.CharField(source="shipper.name", read_only=True)
    buyer = serializers.CharField(source="buyer.name", read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "code", "public_id", "container_number", "shipper", "buyer",
                  "destination", "date", "kg", "custody_model"]  # fmt: skip


class PurchaseOriginSerializer(serializers.Serializer[Any]):
    plot = serializers.CharField(help_text="plot code, e.g. PA000123")
    kg = serializers.DecimalField(max_digits=14, decimal_places=2)


class PurchaseSerializer(serializers.ModelSerializer[Purchase]):
    producer_code = serializers.CharField(source="producer.code", read_only=True)
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    origins = serializers.SerializerMethodField()

    class Meta:
        model = Purchase
        fields = ["id", "buyer", "buyer_name", "receipt_number", "date", "producer",
                  "producer_code", "bean_state", "flavour", "quality_grade", "kg", "price_per_kg",
                  "premium_per_kg", "amount_paid", "allocated_kg", "origins"]  # fmt: skip

    def get_origins(self, obj: Purchase) -> list[dict[str, Any]]:
        return [{"plot": o.plot.code, "kg": str(o.kg)} for o in obj.origins.all()]


class PurchaseCreateSerializer(serializers.Serializer[Any]):
    buyer = api_write.id_field("organisation id")
    receipt_number = serializers.CharField(max_length=30)
    date = serializers.DateField()
    producer = api_write.id_field("producer id")
    plots = PurchaseOriginSerializer(many=True)
    bean_state = serializers.CharField()
    flavour = serializers.CharField()
    quality_grade = serializers.CharField(required=False, allow_blank=True, default="")
    price_per_kg = serializers.DecimalField(max_digits=10, decimal_places=2)
    premium_per_kg = serializers.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    amount_paid = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


def trace_json(report: TraceReport) -> dict[str, Any]:
    """A trace report as JSON; ``plots`` only lists what the caller's scope may see."""
    return {
        "kind": report.kind,
        "code": report.target.code,
        "kg": str(report.kg),
        "custody_model": report.target.custody_model,
        "compliance": {
            "status": report.compliance.status,
            "plots": report.compliance.counts(),
            "kg": {k: str(v) for k, v in report.compliance.kg.items()},
        },
        "harvest": [str(d) for d in report.harvest] if report.harvest else None,
        "producers": report.producers,
        "clones": report.clones,
        "cooperatives": report.cooperatives,
        "areas": [
            {
                "region": a.region,
                "distrito": a.distrito,
                "ubigeo": a.ubigeo,
                "kg": str(a.kg),
                "plots": a.plots,
                "producers": a.producers,
            }
            for a in report.areas
        ],
        "plots": [
            {
                "plot": p.plot_code,
                "producer": p.producer_code,
                "name": p.producer_name,
                "distrito": p.distrito,
                "kg": str(p.kg),
                "purchased_kg": str(p.purchased_kg),
                "purchases": p.purchases,
            }
            for p in report.plots
        ],
        "kg_outside_your_scope": str(report.hidden_kg),
        "custody_transfers": [
            {
                "date": str(t.date),
                "lot": t.lot,
                "from": t.from_organisation,
                "to": t.to_organisation,
                "kg": str(t.kg),
                "document": t.document,
            }
            for t in report.transfers
        ],
        "steps": [
            {
                "kind": s.kind,
                "date": str(s.date),
                "organisation": s.organisation,
                "kg_in": str(s.kg_in),
                "kg_out": str(s.kg_out),
                "loss_kg": str(s.loss_kg),
                "lots": s.lots,
            }
            for s in report.steps
        ],
    }


class EudrRequestSerializer(serializers.Serializer[Any]):
    include_review = serializers.BooleanField(
        default=False, help_text="export plots that need review, too"
    )


def eudr_json(result: EudrExport, export_id: str) -> dict[str, Any]:
    """What an EUDR export wrote (each file's GeoJSON inline) and every plot it refused."""
    return {
        "files": [
            {
                "name": f.path.name,
                "url": reverse("compliance-export-file", args=[export_id, f.path.name]),
                "plots": f.plots,
                "producers": f.producers,
                "bytes": f.report.size_bytes,
                "geojson": json.loads(f.path.read_text(encoding="utf-8")),
            }
            for f in result.files
        ],
        "plots": result.plots,
        "producers": result.producers,
        "refused": [
            {
                "plot": r.plot,
                "producer": r.producer,
                "cause": r.cause,
                "message": str(r.message),
                "reasons": r.reasons,
            }
            for r in result.refused
        ],
    }


def holdings_json(lines: list[HoldingLine]) -> dict[str, Any]:
    return {
        "holdings": [
            {
                "kind": h.kind,
                "id": h.id,
                "code": h.code,
                "date": str(h.date),
                "holder": h.custodian,
                "kg": str(h.kg),
                "purchased_kg": str(h.purchased_kg),
                "share": round(h.share, 4),
            }
            for h in lines
        ]
    }
