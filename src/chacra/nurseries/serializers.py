"""API representations of nurseries, batches, distributions, the plantain ledger, demand and
lineage. Views pick rows through selectors; these only shape them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chacra.nurseries.models import Batch, BatchKind, Distribution, MaterialSource, Nursery


def _code(slug: str = "code", *, null: bool = False) -> Any:
    """A related record by its code (or another slug field); ``null``: the link is optional, so
    the schema says the value may be null."""
    return serializers.SlugRelatedField(slug_field=slug, read_only=True, allow_null=null)


class NurserySerializer(serializers.ModelSerializer[Nursery]):
    """A nursery and what it holds now; a farmer nursery's operator only for those who see her."""

    distrito = serializers.CharField(source="distrito.name", read_only=True)
    region = serializers.CharField(source="distrito.provincia.departamento.name", read_only=True)
    operator = serializers.SerializerMethodField()
    stock = serializers.SerializerMethodField()

    class Meta:
        model = Nursery
        fields = [
            "id", "code", "name", "kind", "distrito", "region", "location", "capacity",
            "established_on", "operator", "stock",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.STR)
    def get_operator(self, nursery: Nursery) -> str:
        if nursery.operator_organisation is not None:
            return nursery.operator_organisation.name
        if nursery.operator_producer_id in self.context.get("operators", set()):
            return nursery.operator_producer.code  # type: ignore[union-attr]
        return ""

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "integer"},
         "description": "plants or sticks held now, by kind of batch"}
    )  # fmt: skip
    def get_stock(self, nursery: Nursery) -> dict[str, int]:
        return {k: int(getattr(nursery, f"stock_{k}", 0) or 0) for k in BatchKind.values}


class BatchSerializer(serializers.ModelSerializer[Batch]):
    clone = _code(null=True)
    nursery = _code(null=True)
    holder = _code(null=True)
    source = _code(null=True)
    origin_batch = _code(null=True)
    repays = _code(null=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = Batch
        fields = [
            "id", "code", "kind", "clone", "nursery", "holder", "source", "origin_batch",
            "origin_count", "repays", "generation", "started_on", "ready_on", "count", "taken",
            "lost", "available",
        ]  # fmt: skip


class DistributionSerializer(serializers.ModelSerializer[Distribution]):
    batch = _code()
    kind = serializers.CharField(source="batch.kind", read_only=True)
    clone = serializers.CharField(source="batch.clone.code", read_only=True, default="")
    producer = _code()
    plot = _code()
    received_by_agent = _code("username", null=True)
    root = _code(null=True)
    outstanding = serializers.IntegerField(read_only=True)

    class Meta:
        model = Distribution
        fields = [
            "id", "code", "batch", "kind", "clone", "producer", "plot", "count", "date",
            "transport", "transport_notes", "signed_by", "received_by_agent", "donated",
            "obligation", "returned", "outstanding", "generation", "root",
        ]  # fmt: skip


class DistributionCreateSerializer(serializers.Serializer[Any]):
    """What a distribution is recorded with: batch and plot by code."""

    batch = serializers.CharField(help_text="batch code, e.g. B000123")
    plot = serializers.CharField(help_text="plot code of the receiving producer, e.g. PA000045")
    count = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    transport = serializers.CharField(required=False, allow_blank=True, default="")
    transport_notes = serializers.CharField(required=False, allow_blank=True, default="")
    signed_by = serializers.CharField(required=False, allow_blank=True, default="")
    received_by_agent = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="username of the agent"
    )
    donated = serializers.BooleanField(required=False, default=True)


class ReturnCreateSerializer(serializers.Serializer[Any]):
    """Plantain suckers returned against a donation."""

    count = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    nursery = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="code of the nursery they were brought to; empty: the farmer keeps them",
    )  # fmt: skip


class SourceSerializer(serializers.ModelSerializer[MaterialSource]):
    plot = _code()
    clone = _code()
    distrito = serializers.CharField(source="plot.comunidad.distrito.name", read_only=True)

    class Meta:
        model = MaterialSource
        fields = [
            "id", "code", "kind", "plot", "clone", "plants", "established_on", "location",
            "distrito",
        ]  # fmt: skip


# --- the plantain ledger ----------------------------------------------------------------------


class BalanceSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label: Any = serializers.CharField()
    donations = serializers.IntegerField()
    received = serializers.IntegerField()
    owed = serializers.IntegerField()
    returned = serializers.IntegerField()
    outstanding = serializers.IntegerField()
    redistributed = serializers.IntegerField()


class GenerationSerializer(serializers.Serializer[Any]):
    generation = serializers.IntegerField()
    donations = serializers.IntegerField()
    farmers = serializers.IntegerField()
    suckers = serializers.IntegerField()


class CascadeSerializer(serializers.Serializer[Any]):
    original = serializers.CharField()
    producer_code = serializers.CharField()
    region = serializers.CharField()
    date = serializers.DateField()
    count = serializers.IntegerField()
    generations = serializers.IntegerField()
    farmers = serializers.IntegerField()
    given_onward = serializers.IntegerField()
    returned = serializers.IntegerField()
    outstanding = serializers.IntegerField()


class LedgerSerializer(serializers.Serializer[Any]):
    totals = BalanceSerializer()
    by_region = BalanceSerializer(many=True)
    generations = GenerationSerializer(many=True)
    originals = serializers.IntegerField()
    reached_generations = serializers.DictField(
        child=serializers.IntegerField(), help_text="generations reached -> original donations"
    )
    produced_per_original = serializers.FloatField()
    by_comunidad = BalanceSerializer(many=True, help_text="roles that see personal data only")
    by_producer = BalanceSerializer(many=True, help_text="roles that see personal data only")
    cascades = CascadeSerializer(many=True, help_text="roles that see personal data only")


# --- demand vs stock --------------------------------------------------------------------------


class DemandRowSerializer(serializers.Serializer[Any]):
    region = serializers.CharField()
    ubigeo = serializers.CharField()
    month = serializers.DateField()
    material = serializers.CharField()
    hectares = serializers.DecimalField(max_digits=9, decimal_places=2)
    needed = serializers.IntegerField()
    stock = serializers.IntegerField()
    supplied = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class DemandTotalSerializer(serializers.Serializer[Any]):
    region = serializers.CharField()
    material = serializers.CharField()
    needed = serializers.IntegerField()
    supplied = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    first_short = serializers.DateField(allow_null=True)


class DemandSerializer(serializers.Serializer[Any]):
    totals = DemandTotalSerializer(many=True)
    months = DemandRowSerializer(many=True)


# --- lineage ----------------------------------------------------------------------------------


class StepSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    code = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    count = serializers.IntegerField(allow_null=True)
    material = serializers.CharField()
    clone = serializers.CharField()
    distrito = serializers.CharField()
    nursery = serializers.CharField()
    nursery_name = serializers.CharField()
    nursery_kind = serializers.CharField()
    holder = serializers.CharField()
    returned = serializers.BooleanField()
    producer = serializers.CharField()
    plot = serializers.CharField()
    where = serializers.CharField()


class ChainSerializer(serializers.Serializer[Any]):
    use = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    clone = serializers.CharField()
    hectares = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    count = serializers.IntegerField()
    steps = StepSerializer(many=True)


class CloneShareSerializer(serializers.Serializer[Any]):
    clone = serializers.CharField()
    group = serializers.CharField()
    grafted_ha = serializers.DecimalField(max_digits=8, decimal_places=2)
    share = serializers.FloatField()
    sources = serializers.ListField(child=serializers.CharField())
    traced = serializers.BooleanField()


class ComponentSerializer(serializers.Serializer[Any]):
    material = serializers.CharField()
    per_ha_model = serializers.IntegerField()
    per_ha_plot = serializers.FloatField()
    delivered = serializers.IntegerField()
    hectares = serializers.DecimalField(max_digits=8, decimal_places=2)
    ratio = serializers.FloatField(allow_null=True)
    follows = serializers.BooleanField()


class MixShareSerializer(serializers.Serializer[Any]):
    clone = serializers.CharField()
    model_share = serializers.FloatField()
    plot_share = serializers.FloatField()


class ComparisonSerializer(serializers.Serializer[Any]):
    model = serializers.CharField(source="model.code")
    cacao_ha = serializers.DecimalField(max_digits=8, decimal_places=2)
    grafted_ha = serializers.DecimalField(max_digits=8, decimal_places=2)
    components = ComponentSerializer(many=True)
    mix = MixShareSerializer(many=True)
    mix_gap = serializers.FloatField()
    follows = serializers.BooleanField()


class PlotLineageSerializer(serializers.Serializer[Any]):
    plot = serializers.CharField(source="plot.code")
    composition = CloneShareSerializer(many=True)
    chains = ChainSerializer(many=True)
    comparison = ComparisonSerializer(allow_null=True)


class ReachedSerializer(serializers.Serializer[Any]):
    plot_code = serializers.CharField()
    producer_code = serializers.CharField()
    distrito = serializers.CharField()
    region = serializers.CharField()
    distribution = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.CharField()
    clone = serializers.CharField()
    count = serializers.IntegerField()
    path = serializers.ListField(child=serializers.CharField())
    uses = serializers.ListField(child=serializers.CharField())


class ForwardSerializer(serializers.Serializer[Any]):
    batches = BatchSerializer(many=True)
    reached = ReachedSerializer(many=True)
    plots = serializers.IntegerField()
    producers = serializers.IntegerField()
    hidden_plots = serializers.IntegerField()
    hidden_count = serializers.IntegerField()


class CloneRowSerializer(serializers.Serializer[Any]):
    """A clone of the catalogue and what the programme holds of it."""

    code = serializers.CharField(source="clone.code")
    name = serializers.CharField(source="clone.name")
    group = serializers.CharField(source="clone.group")
    self_compatible = serializers.BooleanField(source="clone.self_compatible", allow_null=True)
    notes = serializers.CharField(source="clone.notes")
    mother_plants = serializers.IntegerField()
    budwood_gardens = serializers.IntegerField()
    budwood_sticks = serializers.IntegerField()
    grafted_ha = serializers.DecimalField(max_digits=10, decimal_places=2)
    models = serializers.ListField(child=serializers.CharField())


class ModelCloneSerializer(serializers.Serializer[Any]):
    clone = serializers.CharField(source="clone.code")
    self_compatible = serializers.BooleanField(source="clone.self_compatible", allow_null=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=2)


class AgroforestryModelSerializer(serializers.Serializer[Any]):
    """A per-hectare composition and the clone mix that pollinates it."""

    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.name", allow_null=True, default=None)
    cacao_per_ha = serializers.IntegerField()
    plantain_per_ha = serializers.IntegerField()
    timber_per_ha = serializers.IntegerField()
    budwood_per_ha = serializers.IntegerField()
    clone_mix = ModelCloneSerializer(source="clones.all", many=True)
    notes = serializers.CharField()
