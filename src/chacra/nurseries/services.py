"""Every write about genetic material: one function per change, atomic, permission-checked,
audited.

Refusals raise before anything is written (a later refusal rolls the transaction back): a
message names the value and what is accepted. Counts can never be created: what leaves a batch
(distributed, used for another batch, lost) is counted on it (``taken``) by a conditional update
under a row lock (``select_for_update`` of the row alone on PostgreSQL, as its optional
relations join outside; SQLite runs one write transaction at a time), and a database check
keeps ``taken`` within ``count``. Plantain returns are counted on the donation they repay the
same way (``returned`` within ``obligation``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from chacra.accounts.models import AuditAction, Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import audit_record, instance_save
from chacra.errors import AccessDenied, Conflict, InvalidInput, NotFound
from chacra.nurseries import rules
from chacra.nurseries.models import (
    AgroforestryClone,
    AgroforestryModel,
    Batch,
    BatchKind,
    Distribution,
    MaterialSource,
    Nursery,
    NurseryKind,
    PlantingMaterial,
    PlantingPlan,
    SourceKind,
    Transport,
)
from chacra.registry.models import (
    Clone,
    Departamento,
    Distrito,
    Graft,
    Organisation,
    Planting,
    Plot,
    Producer,
)
from chacra.registry.services import next_codes, require_producer_write


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def _region_of(distrito: Distrito) -> int:
    return distrito.provincia.departamento_id


def require_programme(actor: Any, what: str) -> None:
    if not _scope(actor).is_programme_wide:
        raise AccessDenied(f"only programme staff define {what}")


def require_region_write(actor: Any, region_id: int, what: str) -> None:
    """Programme-wide roles anywhere; regional offices and agents in their own region."""
    scope = _scope(actor)
    if scope.is_programme_wide:
        return
    if scope.role in (Role.REGIONAL, Role.AGENT):
        if scope.region_id == region_id:
            return
        raise AccessDenied(f"{what} is outside your region")
    raise AccessDenied("your role cannot record nurseries, batches or distributions")


def count_value(value: Any, field: str, what: str = "") -> int:
    """A count of plants or sticks: a whole number above 0."""
    label = f"{what}: " if what else ""
    if isinstance(value, bool):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or number <= 0:
        raise InvalidInput(
            f"{field}: {label}{value!r} is not a count; accepted: a whole number above 0",
            field=field,
        )
    return int(number)


def _choice(value: str, choices: Sequence[str], field: str) -> str:
    if value not in choices:
        raise InvalidInput(
            f"{field}: {value!r} is not accepted; use one of {', '.join(choices)}", field=field
        )
    return value


def _not_future(day: dt.date, field: str) -> dt.date:
    if day > timezone.localdate():
        raise InvalidInput(
            f"{field}: {day} is in the future; accepted: today or earlier", field=field
        )
    return day


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def clone_get(clone: Clone | str, field: str = "clone") -> Clone:
    if isinstance(clone, Clone):
        return clone
    found = Clone.objects.filter(code__iexact=str(clone).strip()).first()
    if found is None:
        known = ", ".join(Clone.objects.values_list("code", flat=True))
        raise InvalidInput(
            f"{field}: {clone!r} is not in the catalogue; known: {known}", field=field
        )
    return found


def _code(prefix: str, model: Any, code: str | None) -> str:
    if code is None:
        return next_codes(prefix, model)[0]
    if model.objects.filter(code=code).exists():
        raise Conflict(f"code: {code} is already used by another {model._meta.verbose_name}")
    return code


# --- the agroforestry model and planting plans ------------------------------------------------


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
    plan = PlantingPlan.objects.filter(region=region, month=_month(month)).first()
    plan = plan or PlantingPlan(region=region, month=_month(month))
    plan.hectares, plan.model = ha.quantize(Decimal("0.01")), model
    return instance_save(actor=actor, instance=plan, source=source)  # type: ignore[return-value]


# --- sources and nurseries --------------------------------------------------------------------


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
    _choice(kind, SourceKind.values, "kind")
    plants = count_value(plants, "plants")
    if kind == SourceKind.MOTHER_PLANT and plants != 1:
        raise InvalidInput(
            f"plants: a mother plant is one tree, not {plants}; accepted: 1, or register a "
            "budwood garden",
            field="plants",
        )
    material_source = MaterialSource(
        code=_code("M", MaterialSource, code),
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
    _choice(kind, NurseryKind.values, "kind")
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
        require_region_write(actor, _region_of(distrito), f"distrito {distrito.name}")
    nursery = Nursery(
        code=_code("V", Nursery, code),
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


# --- batches ----------------------------------------------------------------------------------


def _locked(batch: Batch | int) -> Batch:
    pk = batch if isinstance(batch, int) else batch.pk
    found = (
        Batch.objects.select_for_update(of=("self",))
        .select_related("nursery__distrito__provincia", "holder__comunidad", "clone", "repays")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(f"batch: no batch with id {pk}")
    return found


def _require_holder_write(actor: Any, batch: Batch) -> None:
    if batch.holder is not None:
        require_producer_write(actor=actor, producer=batch.holder, comunidad=batch.holder.comunidad)
    elif batch.nursery is not None:
        nursery = batch.nursery
        require_region_write(actor, _region_of(nursery.distrito), f"nursery {nursery.code}")


def _holds(batch: Batch) -> str:
    kind = BatchKind(batch.kind).label.lower()
    return (
        f"batch {batch.code} holds {batch.available} {kind} "
        f"({batch.taken} of {batch.count} already taken)"
    )


def _take(*, actor: Any, batch: Batch, count: int, lost: bool, source: str, why: str) -> None:
    """Count ``count`` as gone from the batch, if it still holds them; audited."""
    updates: dict[str, Any] = {"taken": F("taken") + count}
    if lost:
        updates["lost"] = F("lost") + count
    done = Batch.objects.filter(pk=batch.pk, taken__lte=F("count") - count).update(**updates)
    if not done:  # another transaction took them first (the lock makes this rare)
        raise Conflict(f"count: the plants of batch {batch.code} were taken meanwhile")
    before = batch.taken
    batch.taken += count
    if lost:
        batch.lost += count
    changes: dict[str, Any] = {"taken": [before, batch.taken]}
    if lost:
        changes["lost"] = [batch.lost - count, batch.lost]
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=batch,
        changes=changes,
        summary=f"{batch.code}: {count} {why}",
        source=source,
    )


def _check_available(batch: Batch, count: int, verb: str) -> None:
    if count > batch.available:
        raise Conflict(
            f"count: {_holds(batch)}; cannot {verb} {count}; accepted: at most {batch.available}",
            field="count",
        )


def _batch_clone(
    kind: str, clone: Clone | str | None, material_source: MaterialSource | None
) -> Clone | None:
    chosen = clone_get(clone) if clone is not None else None
    if material_source is not None:
        if chosen is not None and chosen.pk != material_source.clone_id:
            raise InvalidInput(
                f"clone: {chosen.code} differs from the clone of source {material_source.code} "
                f"({material_source.clone.code}); accepted: {material_source.clone.code}",
                field="clone",
            )
        chosen = material_source.clone
    if chosen is not None and kind not in rules.CLONE_ALLOWED:
        raise InvalidInput(
            f"clone: {BatchKind(kind).label} carry no cacao clone; accepted: no clone",
            field="clone",
        )
    return chosen


def _from_origin(
    kind: str, count: int, origin: Batch, origin_count: Any, clone: Clone | None
) -> tuple[int, Clone | None]:
    """How many units the new batch takes from its origin, and the clone it carries."""
    allowed = (kind, *rules.MADE_FROM.get(kind, ()))
    if origin.kind not in allowed:
        names = ", ".join(BatchKind(k).label.lower() for k in allowed)
        raise InvalidInput(
            f"origin_batch: {BatchKind(kind).label.lower()} cannot be made from "
            f"{BatchKind(origin.kind).label.lower()} ({origin.code}); accepted: a batch of {names}",
            field="origin_batch",
        )
    if clone is not None and origin.clone_id is not None and clone.pk != origin.clone_id:
        raise InvalidInput(
            f"clone: {clone.code} differs from the clone of {origin.code} "
            f"({origin.clone.code}); accepted: {origin.clone.code}",  # type: ignore[union-attr]
            field="clone",
        )
    clone = clone or origin.clone
    if origin.kind == kind:  # a move or a split: what arrives is what left
        taken = count if origin_count is None else count_value(origin_count, "origin_count")
        if taken != count:
            raise InvalidInput(
                f"count: a batch moved from {origin.code} holds what it took ({taken}), not "
                f"{count}; accepted: {taken}",
                field="count",
            )
        return taken, clone
    if origin_count is None:
        raise InvalidInput(
            f"origin_count: say how many sticks of {origin.code} were used", field="origin_count"
        )
    sticks = count_value(origin_count, "origin_count")
    if count > sticks * rules.BUDS_PER_STICK:
        raise InvalidInput(
            f"count: {sticks} budwood sticks graft at most {sticks * rules.BUDS_PER_STICK} "
            f"seedlings ({rules.BUDS_PER_STICK} buds a stick), not {count}; accepted: at most "
            f"{sticks * rules.BUDS_PER_STICK}",
            field="count",
        )
    return sticks, clone


@transaction.atomic
def batch_start(
    *,
    actor: Any,
    kind: str,
    count: Any,
    started_on: dt.date,
    nursery: Nursery | None = None,
    holder: Producer | None = None,
    clone: Clone | str | None = None,
    material_source: MaterialSource | None = None,
    origin_batch: Batch | None = None,
    origin_count: Any = None,
    ready_on: dt.date | None = None,
    code: str | None = None,
    source: str = "code",
) -> Batch:
    """A new batch at a nursery or with a farmer: sown, cut from a source, or made from another
    batch (moved, split, or seedlings grafted with its budwood), whose count it takes."""
    _choice(kind, BatchKind.values, "kind")
    if (nursery is None) == (holder is None):
        raise InvalidInput(
            "nursery: a batch is held at one nursery or by one farmer; accepted: nursery or "
            "holder, not both or neither",
            field="nursery",
        )
    count = count_value(count, "count")
    _not_future(started_on, "started_on")
    if ready_on is not None and ready_on < started_on:
        raise InvalidInput(
            f"ready_on: {ready_on} is before the batch started ({started_on}); accepted: "
            f"{started_on} or later",
            field="ready_on",
        )
    if material_source is not None and kind not in rules.CLONE_ALLOWED:
        raise InvalidInput(
            f"material_source: {BatchKind(kind).label.lower()} do not come from a cacao mother "
            "plant or budwood garden; accepted: no source",
            field="material_source",
        )
    chosen = _batch_clone(kind, clone, material_source)
    origin, taken = None, None
    if origin_batch is not None:
        origin = _locked(origin_batch)
        taken, chosen = _from_origin(kind, count, origin, origin_count, chosen)
        if started_on < origin.started_on:
            raise InvalidInput(
                f"started_on: {started_on} is before origin batch {origin.code} started "
                f"({origin.started_on}); accepted: {origin.started_on} or later",
                field="started_on",
            )
        _check_available(origin, taken, "take")
        _require_holder_write(actor, origin)
    elif origin_count is not None:
        raise InvalidInput("origin_count: given without an origin batch", field="origin_count")
    if chosen is None and kind in rules.CLONE_REQUIRED:
        raise InvalidInput(
            "clone: budwood sticks are cut from one clone; accepted: a clone code, a material "
            "source or an origin batch of budwood",
            field="clone",
        )
    batch = Batch(
        code=_code("B", Batch, code),
        kind=kind,
        clone=chosen,
        nursery=nursery,
        holder=holder,
        source=material_source,
        origin_batch=origin,
        origin_count=taken,
        started_on=started_on,
        ready_on=ready_on,
        count=count,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _require_holder_write(actor, batch)
    instance_save(actor=actor, instance=batch, source=source)
    if origin is not None and taken is not None:
        _take(
            actor=actor,
            batch=origin,
            count=taken,
            lost=False,
            source=source,
            why=f"used for batch {batch.code}",
        )
    return batch


@transaction.atomic
def batch_loss_record(
    *, actor: Any, batch: Batch, count: Any, reason: str, source: str = "code"
) -> Batch:
    """Plants that died or sticks that dried out: they leave the batch for good."""
    locked = _locked(batch)
    _require_holder_write(actor, locked)
    lost = count_value(count, "count")
    if not reason.strip():
        raise InvalidInput("reason: say why the plants were lost (e.g. drought, disease)")
    _check_available(locked, lost, "lose")
    _take(
        actor=actor,
        batch=locked,
        count=lost,
        lost=True,
        source=source,
        why=f"lost: {reason.strip()}",
    )
    return locked


# --- distributions and the plantain ledger ----------------------------------------------------


def _receipt(signed_by: str, received_by_agent: Any) -> str:
    signed_by = " ".join(signed_by.split())
    if not signed_by and received_by_agent is None:
        raise InvalidInput(
            "receipt: a distribution needs the receiver's signature (signed_by) or the extension "
            "agent who received it (received_by_agent); neither was given",
            field="signed_by",
        )
    if received_by_agent is not None and scope_for(received_by_agent).role != Role.AGENT:
        raise InvalidInput(
            f"received_by_agent: {received_by_agent} is not an extension agent",
            field="received_by_agent",
        )
    return signed_by


@transaction.atomic
def distribution_record(
    *,
    actor: Any,
    batch: Batch,
    plot: Plot,
    count: Any,
    date: dt.date,
    producer: Producer | None = None,
    transport: str = "",
    transport_notes: str = "",
    signed_by: str = "",
    received_by_agent: Any = None,
    donated: bool = True,
    code: str | None = None,
    source: str = "code",
) -> Distribution:
    """Plants or sticks taken from a batch to a producer's plot; never more than the batch holds.

    A donated plantain distribution obliges the receiver to return twice the count.
    """
    producer = producer or plot.producer
    if plot.producer_id != producer.pk:
        own = ", ".join(producer.plots.values_list("code", flat=True)) or "none registered"
        raise InvalidInput(
            f"plot: {plot.code} belongs to another producer than {producer.code}; accepted: "
            f"{producer.code}'s plots ({own})",
            field="plot",
        )
    require_producer_write(actor=actor, producer=producer, comunidad=plot.comunidad)
    count = count_value(count, "count")
    _not_future(date, "date")
    if transport:
        _choice(transport, Transport.values, "transport")
    signed_by = _receipt(signed_by, received_by_agent)
    locked = _locked(batch)
    if date < locked.started_on:
        raise InvalidInput(
            f"date: {date} is before batch {locked.code} started ({locked.started_on}); "
            f"accepted: {locked.started_on} or later",
            field="date",
        )
    if locked.holder_id == producer.pk:
        raise InvalidInput(
            f"producer: {producer.code} holds batch {locked.code}; accepted: another producer",
            field="producer",
        )
    _check_available(locked, count, "distribute")
    plantain = locked.kind == BatchKind.PLANTAIN
    repaid = locked.repays
    distribution = Distribution(
        code=_code("D", Distribution, code),
        batch=locked,
        producer=producer,
        plot=plot,
        count=count,
        date=date,
        transport=transport,
        transport_notes=transport_notes.strip(),
        signed_by=signed_by,
        received_by_agent=received_by_agent,
        donated=donated,
        obligation=count * rules.RETURN_FACTOR if plantain and donated else 0,
        generation=locked.generation + 1,
        root=(repaid.root or repaid) if repaid is not None else None,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    instance_save(actor=actor, instance=distribution, source=source)
    _take(
        actor=actor,
        batch=locked,
        count=count,
        lost=False,
        source=source,
        why=f"distributed ({distribution.code})",
    )
    return distribution


@transaction.atomic
def plantain_return_record(
    *,
    actor: Any,
    distribution: Distribution,
    count: Any,
    date: dt.date,
    nursery: Nursery | None = None,
    code: str | None = None,
    source: str = "code",
) -> Batch:
    """Suckers a farmer returns against a donation: a new batch, held by her (or brought to a
    nursery), ready to go to new farmers. Never more than she still owes."""
    locked = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("batch", "producer__comunidad", "plot__comunidad")
        .filter(pk=distribution.pk)
        .first()
    )
    if locked is None:
        raise NotFound(f"distribution: no distribution with id {distribution.pk}")
    require_producer_write(actor=actor, producer=locked.producer, comunidad=locked.plot.comunidad)
    if locked.obligation == 0:
        raise InvalidInput(
            f"distribution: {locked.code} created no obligation to return (not a donated "
            "plantain distribution); accepted: a donated plantain distribution",
            field="distribution",
        )
    count = count_value(count, "count")
    _not_future(date, "date")
    if date < locked.date:
        raise InvalidInput(
            f"date: {date} is before the donation {locked.code} ({locked.date}); accepted: "
            f"{locked.date} or later",
            field="date",
        )
    if count > locked.outstanding:
        raise Conflict(
            f"count: {locked.producer.code} owes {locked.outstanding} suckers on {locked.code} "
            f"({locked.returned} of {locked.obligation} already returned); cannot return {count}; "
            f"accepted: at most {locked.outstanding}",
            field="count",
        )
    done = Distribution.objects.filter(pk=locked.pk, returned__lte=F("obligation") - count).update(
        returned=F("returned") + count
    )
    if not done:
        raise Conflict(f"count: a return against {locked.code} was recorded meanwhile")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=locked,
        changes={"returned": [locked.returned, locked.returned + count]},
        summary=f"{locked.code}: {count} suckers returned",
        source=source,
    )
    locked.returned += count
    returned = Batch(
        code=_code("B", Batch, code),
        kind=BatchKind.PLANTAIN,
        nursery=nursery,
        holder=None if nursery is not None else locked.producer,
        repays=locked,
        generation=locked.generation,
        started_on=date,
        ready_on=date,
        count=count,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if nursery is not None:
        _require_holder_write(actor, returned)
    instance_save(actor=actor, instance=returned, source=source)
    return returned


# --- what the registry's plantings and graftings used -----------------------------------------


@transaction.atomic
def planting_material_link(
    *,
    actor: Any,
    distribution: Distribution,
    planting: Planting | None = None,
    graft: Graft | None = None,
    count: Any = None,
    source: str = "code",
) -> PlantingMaterial:
    """Say which delivered material a planting or a grafting used (all that is left unlinked of
    the distribution when no count is given)."""
    if (planting is None) == (graft is None):
        raise InvalidInput(
            "planting: link the material to one planting or one grafting; accepted: planting or "
            "graft, not both or neither",
            field="planting",
        )
    target: Planting | Graft = planting if planting is not None else graft  # type: ignore[assignment]
    locked = (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("batch__clone", "plot")
        .filter(pk=distribution.pk)
        .first()
    )
    if locked is None:
        raise NotFound(f"distribution: no distribution with id {distribution.pk}")
    plot = target.plot
    require_producer_write(actor=actor, producer=plot.producer, comunidad=plot.comunidad)
    if locked.plot_id != plot.pk:
        raise InvalidInput(
            f"distribution: {locked.code} went to plot {locked.plot.code}, not to {plot.code}; "
            f"accepted: a distribution to {plot.code}",
            field="distribution",
        )
    kind = locked.batch.kind
    allowed = rules.FOR_GRAFTS if graft is not None else rules.FOR_PLANTINGS
    if kind not in allowed:
        names = ", ".join(BatchKind(k).label.lower() for k in allowed)
        what = "a grafting" if graft is not None else "a planting"
        raise InvalidInput(
            f"distribution: {locked.code} delivered {BatchKind(kind).label.lower()}, which "
            f"{what} does not use; accepted: {names}",
            field="distribution",
        )
    if graft is not None and locked.batch.clone_id != graft.clone_id:
        clone = locked.batch.clone.code if locked.batch.clone else "no clone"
        raise InvalidInput(
            f"distribution: {locked.code} delivered budwood of {clone}, but the grafting used "
            f"{graft.clone.code}; accepted: budwood of {graft.clone.code}",
            field="distribution",
        )
    linked = PlantingMaterial.objects.filter(distribution=locked)
    if linked.filter(planting=planting, graft=graft).exists():
        what = "grafting" if graft is not None else "planting"
        raise Conflict(f"distribution: {locked.code} is already linked to this {what}")
    left = locked.count - (linked.aggregate(n=Sum("count"))["n"] or 0)
    wanted = left if count is None else count_value(count, "count")
    if wanted <= 0 or wanted > left:
        raise Conflict(
            f"count: {left} of the {locked.count} delivered by {locked.code} are not yet linked; "
            f"cannot link {wanted}; accepted: at most {left}",
            field="count",
        )
    link = PlantingMaterial(distribution=locked, planting=planting, graft=graft, count=wanted)
    return instance_save(actor=actor, instance=link, source=source)  # type: ignore[return-value]
