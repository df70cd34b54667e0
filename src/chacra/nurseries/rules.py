"""The few agronomic rules the nursery services enforce, in one place."""

from __future__ import annotations

from chacra.nurseries.models import BatchKind

# A budwood stick (vara yemera) of 30-40 cm carries up to about ten buds fit for grafting.
BUDS_PER_STICK = 10

# Each donated plantain sucker obliges the farmer to return two for new farmers.
RETURN_FACTOR = 2

# What a batch may be made from, besides a batch of its own kind (a move or a split).
MADE_FROM: dict[str, tuple[str, ...]] = {
    BatchKind.CACAO_SEEDLING: (BatchKind.BUDWOOD,),  # seedlings grafted in the nursery
}

# Kinds that carry a clone: budwood must name one; seedlings name one when grafted.
CLONE_REQUIRED = (BatchKind.BUDWOOD,)
CLONE_ALLOWED = (BatchKind.BUDWOOD, BatchKind.CACAO_SEEDLING)

# Which registry record may use which kind of material.
FOR_GRAFTS = (BatchKind.BUDWOOD,)
FOR_PLANTINGS = (
    BatchKind.CACAO_SEEDLING,
    BatchKind.PLANTAIN,
    BatchKind.BOLAINA,
    BatchKind.CAPIRONA,
)
