"""The agroforestry model (a per-hectare composition and its clone mix) and the hectares each
region plans to plant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from chacra.accounts.services import instance_save
from chacra.errors import Conflict, InvalidInput
from chacra.nurseries.models import AgroforestryClone, AgroforestryModel, PlantingPlan
from chacra.nurseries.services.common import (
    clone_get,
    count_value,
    month_start,
    require_programme,
    require_region_write,
)
from chacra.registry.models import Clone, Departamento


def _clone_mix(mix: Mapping[Clone | str, Any]) -> list[tuple[Clone, Decimal]]:
    if not mix:
        raise InvalidInput("clone_mix: empty; accepted: clones with shares summing to 100")
    out = []
    for key, value in mix.items():
        clone = clone_get(key, "clone_mix")
        try:
            share = Decimal(str(value))
        except (InvalidOperation, ValueError):
            share = Decimal("NaN")
        if not share.is_finite() or share <= 0 or share > 100:
            raise InvalidInput(
                f"clone_mix: {clone.code} share {value!r} is not accepted; accepted: a percentage "
                "above 0 and at most 100",
                field="clone_mix",
            )
        out.append((clone, share.quantize(Decimal("0.01"))))
    total = sum((s for _, s in out), Decimal(0))
    if total != 100:
        raise InvalidInput(
            f"clone_mix: shares sum to {total}%; accepted: shares summing to 100%",
            field="clone_mix",
        )
    if len(out) == 1 and out[0][0].self_compatible is not True:
        raise InvalidInput(
            f"clone_mix: {out[0][0].code} alone is not known to pollinate itself; accepted: at "
            "least two clones that cross-pollinate, or one self-compatible clone",
            field="clone_mix",
        )
    return out


@transaction.atomic
def agroforestry_model_define(
    *,
    actor: Any,
    code: str,
    name: str,
    cacao_per_ha: Any,
    plantain_per_ha: Any,
    timber_per_ha: Any,
    budwood_per_ha: Any,
    clone_mix: Mapping[Clone | str, Any],
    region: Departamento | None = None,
    notes: str = "",
    source: str = "code",
) -> AgroforestryModel:
    """A per-hectare composition and its clone mix (shares in %, summing to 100)."""
    require_programme(actor, "agroforestry models")
    if AgroforestryModel.objects.filter(code=code).exists():
        raise Conflict(f"code: an agroforestry model {code} already exists", field="code")
    if region is not None and AgroforestryModel.objects.filter(region=region).exists():
        raise Conflict(f"region: {region} already has an agroforestry model", field="region")
    mix = _clone_mix(clone_mix)
    model = AgroforestryModel(
        code=code.strip(),
        name=" ".join(name.split()),
        region=region,
        cacao_per_ha=count_value(cacao_per_ha, "cacao_per_ha"),
        plantain_per_ha=count_value(plantain_per_ha, "plantain_per_ha"),
        timber_per_ha=count_value(timber_per_ha, "timber_per_ha"),
        budwood_per_ha=count_value(budwood_per_ha, "budwood_per_ha"),
        notes=notes,
    )
    instance_save(actor=actor, instance=model, source=source)
    for clone, share in mix:
        instance_save(
            actor=actor,
            instance=AgroforestryClone(model=model, clone=clone, share=share),
            source=source,
        )
    return model


@transaction.atomic
def planting_plan_set(
    *,
    actor: Any,
    region: Departamento,
    month: dt.date,
    hectares: Any,
    model: AgroforestryModel,
    source: str = "code",
) -> PlantingPlan:
    """The hectares a region plans to plant in a month (replaces the month's earlier figure)."""
    require_region_write(actor, region.pk, f"region {region}")
    try:
        ha = Decimal(str(hectares))
    except (InvalidOperation, ValueError):
        ha = Decimal("NaN")
    if not ha.is_finite() or ha < 0:
        raise InvalidInput(
            f"hectares: {hectares!r} is not accepted; accepted: 0 or more hectares",
            field="hectares",
        )
    plan = PlantingPlan.objects.filter(region=region, month=month_start(month)).first()
    plan = plan or PlantingPlan(region=region, month=month_start(month))
    plan.hectares, plan.model = ha.quantize(Decimal("0.01")), model
    return instance_save(actor=actor, instance=plan, source=source)  # type: ignore[return-value]
