"""Lineage of planting material: back from a plot's plantings and graftings to the distributions,
batches, nurseries and mother plants they came from; forward from a mother plant, budwood garden
or batch to every plot that received its material.

Chains are walked a level at a time (one query per level of batches, never one per row): a batch
comes from another batch (``origin_batch``), from a farmer's plantain return (``repays``: the
donation she repaid, and that donation's batch), or from a material source.
"""

from chacra.nurseries.lineage.back import Chain, CloneShare, PlotLineage, plot_lineage
from chacra.nurseries.lineage.forward import (
    Forward,
    Reached,
    batch_forward,
    batches_down,
    source_forward,
)
from chacra.nurseries.lineage.steps import Step, batches_up, steps_up

__all__ = [
    "Chain",
    "CloneShare",
    "Forward",
    "PlotLineage",
    "Reached",
    "Step",
    "batch_forward",
    "batches_down",
    "batches_up",
    "plot_lineage",
    "source_forward",
    "steps_up",
]
