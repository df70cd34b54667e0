from chacra.nurseries.models.batches import TIMBER_KINDS, Batch, BatchKind
from chacra.nurseries.models.distributions import Distribution, PlantingMaterial, Transport
from chacra.nurseries.models.plans import AgroforestryClone, AgroforestryModel, PlantingPlan
from chacra.nurseries.models.sources import MaterialSource, Nursery, NurseryKind, SourceKind

__all__ = [
    "TIMBER_KINDS",
    "AgroforestryClone",
    "AgroforestryModel",
    "Batch",
    "BatchKind",
    "Distribution",
    "MaterialSource",
    "Nursery",
    "NurseryKind",
    "PlantingMaterial",
    "PlantingPlan",
    "SourceKind",
    "Transport",
]
