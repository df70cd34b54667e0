"""Every write about genetic material: one function per change, atomic, permission-checked,
audited, in a module by topic (plans, sources and nurseries, batches, distributions, plantain
returns, material links); import them from here.

Refusals raise before anything is written (a later refusal rolls the transaction back): a
message names the value and what is accepted. Counts can never be created: what leaves a batch
(distributed, used for another batch, lost) is counted on it (``taken``) by a conditional update
under a row lock (``select_for_update`` of the row alone on PostgreSQL, as its optional
relations join outside; SQLite runs one write transaction at a time), and a database check
keeps ``taken`` within ``count``. Plantain returns are counted on the donation they repay the
same way (``returned`` within ``obligation``).
"""

from chacra.nurseries.services.batches import batch_loss_record, batch_start
from chacra.nurseries.services.common import (
    clone_get,
    count_value,
    require_programme,
    require_region_write,
)
from chacra.nurseries.services.distributions import distribution_record
from chacra.nurseries.services.links import planting_material_link
from chacra.nurseries.services.plans import agroforestry_model_define, planting_plan_set
from chacra.nurseries.services.returns import plantain_return_record
from chacra.nurseries.services.sources import nursery_register, source_register

__all__ = [
    "agroforestry_model_define",
    "batch_loss_record",
    "batch_start",
    "clone_get",
    "count_value",
    "distribution_record",
    "nursery_register",
    "plantain_return_record",
    "planting_material_link",
    "planting_plan_set",
    "require_programme",
    "require_region_write",
    "source_register",
]
