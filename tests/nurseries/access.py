"""Records of the demo for the walk of every route by every role (tests/accounts/test_access.py)."""

from __future__ import annotations

from typing import Any

from chacra.nurseries import services
from chacra.nurseries.models import Batch, Distribution, MaterialSource, Nursery, NurseryKind
from chacra.registry.models import Producer


def access_objects(producer: Producer) -> dict[str, Any]:
    """A municipal nursery and one of its batches; a distribution to the producer and a mother
    plant on one of her plots (made if the demo has none there)."""
    nursery = Nursery.objects.filter(kind=NurseryKind.MUNICIPAL).first()
    assert nursery is not None
    batch = Batch.objects.filter(nursery=nursery).first()
    distribution = Distribution.objects.filter(producer=producer).first()
    assert batch is not None
    assert distribution is not None
    source = MaterialSource.objects.filter(plot__producer=producer).first()
    if source is None:
        plot = producer.plots.first()
        assert plot is not None
        source = services.source_register(actor=None, plot=plot, clone="ICS-95")
    return {
        "nursery": nursery.pk,
        "nursery_batch": batch.pk,
        "my_distribution": distribution.pk,
        "my_source": source.pk,
    }
