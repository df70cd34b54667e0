"""Where material comes from and is raised: mother plants and budwood gardens on plots, and
nurseries (a farmer's, municipal or private)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from chacra.accounts.services import instance_save
from chacra.errors import InvalidInput
from chacra.nurseries.models import MaterialSource, Nursery, NurseryKind, SourceKind
from chacra.nurseries.services.common import (
    clone_get,
    count_value,
    new_code,
    one_of,
    region_of,
    require_region_write,
)
from chacra.registry.models import Clone, Distrito, Organisation, Plot, Producer
from chacra.registry.services import require_producer_write


@transaction.atomic
def source_register(
    *,
    actor: Any,
    plot: Plot,
    clone: Clone | str,
    kind: str = SourceKind.MOTHER_PLANT,
    plants: Any = 1,
    established_on: dt.date | None = None,
    location: Any = None,
    notes: str = "",
    code: str | None = None,
    source: str = "code",
) -> MaterialSource:
    """A mother plant or budwood garden of one clone on a registered plot."""
    require_producer_write(actor=actor, producer=plot.producer, comunidad=plot.comunidad)
    one_of(kind, SourceKind.values, "kind")
    plants = count_value(plants, "plants")
    if kind == SourceKind.MOTHER_PLANT and plants != 1:
        raise InvalidInput(
            f"plants: a mother plant is one tree, not {plants}; accepted: 1, or register a "
            "budwood garden",
            field="plants",
        )
    material_source = MaterialSource(
        code=new_code("M", MaterialSource, code),
        kind=kind,
        plot=plot,
        clone=clone_get(clone),
        plants=plants,
        established_on=established_on,
        location=location if location is not None else plot.location,
        notes=notes,
    )
    return instance_save(actor=actor, instance=material_source, source=source)  # type: ignore[return-value]


@transaction.atomic
def nursery_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    capacity: Any,
    distrito: Distrito | None = None,
    operator_producer: Producer | None = None,
    plot: Plot | None = None,
    operator_organisation: Organisation | None = None,
    location: Any = None,
    established_on: dt.date | None = None,
    notes: str = "",
    code: str | None = None,
    source: str = "code",
) -> Nursery:
    """A farmer's nursery (run by a producer, usually on her plot) or a municipal or private one
    (run by an organisation)."""
    one_of(kind, NurseryKind.values, "kind")
    if kind == NurseryKind.FARMER:
        if operator_producer is None or operator_organisation is not None:
            raise InvalidInput(
                "operator: a farmer nursery is run by a producer; accepted: operator_producer "
                "(and no operator_organisation)",
                field="operator_producer",
            )
        if plot is not None and plot.producer_id != operator_producer.pk:
            raise InvalidInput(
                f"plot: {plot.code} belongs to another producer than {operator_producer.code}; "
                "accepted: one of the operator's plots",
                field="plot",
            )
        comunidad = plot.comunidad if plot is not None else operator_producer.comunidad
        require_producer_write(actor=actor, producer=operator_producer, comunidad=comunidad)
        distrito = distrito or comunidad.distrito
        if location is None:
            location = plot.location if plot is not None else comunidad.location
    else:
        if operator_organisation is None or operator_producer is not None or plot is not None:
            raise InvalidInput(
                f"operator: a {kind} nursery is run by an organisation; accepted: "
                "operator_organisation (and no operator_producer or plot)",
                field="operator_organisation",
            )
        if distrito is None:
            raise InvalidInput(
                f"distrito: a {kind} nursery needs the distrito it is in", field="distrito"
            )
        require_region_write(actor, region_of(distrito), f"distrito {distrito.name}")
    nursery = Nursery(
        code=new_code("V", Nursery, code),
        name=" ".join(name.split()),
        kind=kind,
        distrito=distrito,
        location=location,
        capacity=count_value(capacity, "capacity"),
        operator_producer=operator_producer,
        plot=plot,
        operator_organisation=operator_organisation,
        established_on=established_on,
        notes=notes,
    )
    return instance_save(actor=actor, instance=nursery, source=source)  # type: ignore[return-value]
