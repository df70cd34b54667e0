"""Every write to the registry: one function per change, atomic, permission-checked and audited.

Admin, API, CLI and importers all call these, so every door behaves the same. ``actor=None`` is
chacra itself (a CLI command run by the operator); every other actor is checked against its scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from chacra.accounts.models import AuditAction, AuditEntry, Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import audit_record, instance_save
from chacra.errors import AccessDenied, Conflict, InvalidInput
from chacra.registry.geometry import PlotShape, plot_shape
from chacra.registry.models import (
    Clone,
    Comunidad,
    ExtensionVisit,
    Graft,
    MappingMethod,
    Membership,
    Organisation,
    Planting,
    Plot,
    PlotGeometryVersion,
    Producer,
)
from chacra.registry.quality import plot_flags_refresh, plots_around


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def _region_of(comunidad: Comunidad) -> int:
    return comunidad.distrito.provincia.departamento_id


def require_producer_write(*, actor: Any, producer: Producer | None, comunidad: Comunidad) -> None:
    """Raise AccessDenied unless the actor may write this producer's records in this comunidad.

    Regional offices and agents write only inside their region: both the producer's own comunidad
    and the comunidad of the record (a plot may lie in another) must be in it.
    """
    scope = _scope(actor)
    if scope.is_programme_wide:
        return
    if scope.role in (Role.REGIONAL, Role.AGENT):
        places = [comunidad] + ([producer.comunidad] if producer is not None else [])
        outside = [c for c in places if _region_of(c) != scope.region_id]
        if outside:
            raise AccessDenied(f"comunidad {outside[0]} is outside your region")
    if scope.role == Role.REGIONAL:
        return
    if scope.role == Role.AGENT and (
        producer is None or producer.agents.filter(pk=scope.user_id or 0).exists()
    ):
        return
    raise AccessDenied("your role cannot change producer records")


@transaction.atomic
def comunidad_register(*, actor: Any, distrito: Any, name: str, source: str = "code") -> Comunidad:
    """Add a village to a distrito: programme-wide roles anywhere, others in their region."""
    comunidad = Comunidad(distrito=distrito, name=" ".join(name.split()))
    require_producer_write(actor=actor, producer=None, comunidad=comunidad)
    return instance_save(actor=actor, instance=comunidad, source=source)  # type: ignore[return-value]


@transaction.atomic
def organisation_register(
    *, actor: Any, name: str, kind: str, source: str = "code"
) -> Organisation:
    if not _scope(actor).sees_personal_data:
        raise AccessDenied("your role cannot register organisations")
    organisation = Organisation(name=" ".join(name.split()), kind=kind)
    return instance_save(actor=actor, instance=organisation, source=source)  # type: ignore[return-value]


@transaction.atomic
def membership_add(
    *, actor: Any, producer: Producer, organisation: Organisation, source: str = "code"
) -> tuple[Membership, bool]:
    """Make a producer a member of an organisation (once); True when it is new."""
    require_producer_write(actor=actor, producer=producer, comunidad=producer.comunidad)
    existing = Membership.objects.filter(producer=producer, organisation=organisation).first()
    if existing is not None:
        return existing, False
    membership = Membership(producer=producer, organisation=organisation)
    instance_save(actor=actor, instance=membership, source=source)
    return membership, True


def next_codes(prefix: str, model: Any, count: int = 1) -> list[str]:
    """The next ``count`` free codes like P000123 for a model with a ``code`` field."""
    last = model.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return [f"{prefix}{i:06d}" for i in range(n, n + count)]


def _next_code(prefix: str, model: Any) -> str:
    return next_codes(prefix, model)[0]


@transaction.atomic
def producer_register(
    *,
    actor: Any,
    comunidad: Comunidad,
    surnames: str,
    given_names: str,
    sex: str,
    dni: str | None = None,
    code: str | None = None,
    source: str = "code",
    **fields: Any,
) -> Producer:
    """Register a producer; an agent who registers one is assigned to her."""
    require_producer_write(actor=actor, producer=None, comunidad=comunidad)
    dni = (dni or "").strip() or None
    if dni and Producer.objects.filter(dni=dni).exists():
        raise Conflict(f"dni: a producer with DNI {dni} is already registered", field="dni")
    producer = Producer(
        code=code or _next_code("P", Producer),
        comunidad=comunidad,
        surnames=surnames.strip(),
        given_names=given_names.strip(),
        sex=sex,
        dni=dni,
        **fields,
    )
    instance_save(actor=actor, instance=producer, source=source)
    if actor is not None and _scope(actor).role == Role.AGENT:
        producer_assign_agent(actor=actor, producer=producer, agent=actor, source=source)
    return producer


@transaction.atomic
def producer_assign_agent(
    *, actor: Any, producer: Producer, agent: Any, source: str = "code"
) -> None:
    """Assign an extension agent to a producer: she then sees and edits the producer's records."""
    scope = _scope(actor)
    agent_scope = scope_for(agent)
    if agent_scope.role != Role.AGENT:
        raise InvalidInput(f"agent: {agent} is not an extension agent", field="agent")
    if agent_scope.region_id != _region_of(producer.comunidad):
        raise InvalidInput(f"agent: {agent} works in another region than {producer}", field="agent")
    if not (scope.is_programme_wide or scope.role == Role.REGIONAL or agent.pk == scope.user_id):
        raise AccessDenied("only programme staff and regional offices assign agents")
    require_producer_write(actor=actor, producer=None, comunidad=producer.comunidad)
    producer.agents.add(agent)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=producer,
        changes={"agents": ["+", agent.username]},
        source=source,
    )


def producer_conflict_message(producer: Producer, version: int) -> str:
    """Who changed the producer, and when, since the caller read ``version`` of it."""
    last = (
        AuditEntry.objects.filter(model=Producer._meta.label, object_id=str(producer.pk))
        .select_related("actor")
        .first()
    )
    by = ""
    if last is not None:
        who = last.actor.get_username() if last.actor is not None else "chacra"
        by = f" by {who} at {timezone.localtime(last.at):%Y-%m-%d %H:%M}"
    return (
        f"version: producer {producer.code} was changed{by} after you opened it (you had "
        f"version {version}); reload it, check the new values and make your change again"
    )


def producer_version_claim(*, producer: Producer, version: int) -> None:
    """Take the next version of a producer, or raise Conflict if ``version`` is not the latest.

    The conditional UPDATE holds the row until the transaction ends (PostgreSQL) or the
    database (SQLite), so of two edits made on the same version exactly one goes through.
    """
    claimed = Producer.objects.filter(pk=producer.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise Conflict(producer_conflict_message(producer, version), field="version")
    producer.version = version + 1


@transaction.atomic
def producer_update(
    *,
    actor: Any,
    producer: Producer,
    version: int | None = None,
    source: str = "code",
    **changes: Any,
) -> Producer:
    """Change a producer's fields. ``version``: the version the caller read (the form's or the
    API request's); None takes ``producer.version``, as loaded. Raises Conflict when someone
    else changed the producer since.
    """
    require_producer_write(actor=actor, producer=producer, comunidad=producer.comunidad)
    editable = {f.name for f in Producer._meta.concrete_fields if f.editable and not f.primary_key}
    for name, value in changes.items():
        if name not in editable or name == "code":
            accepted = ", ".join(sorted(editable - {"code"}))
            raise InvalidInput(
                f"{name}: not a field you can change; accepted: {accepted}", field=name
            )
        setattr(producer, name, value)
    if "comunidad" in changes:
        require_producer_write(actor=actor, producer=producer, comunidad=producer.comunidad)
    producer_version_claim(
        producer=producer, version=producer.version if version is None else version
    )
    return instance_save(actor=actor, instance=producer, source=source)  # type: ignore[return-value]


def _version_add(plot: Plot, original: Any = None) -> PlotGeometryVersion:
    last = plot.geometry_versions.aggregate(m=Max("version"))["m"] or 0
    version = PlotGeometryVersion.of(plot, last + 1, original)
    version.save()
    return version


def apply_shape(
    plot: Plot, boundary: Any, point: Any, method: str | None, shape: PlotShape | None = None
) -> Any:
    """Set the plot's geometry fields; return the geometry as received if it had to be repaired.

    ``shape``: the result of ``plot_shapes`` when many plots were measured at once.
    """
    shape = shape or plot_shape(boundary, point)
    plot.boundary, plot.location = shape.boundary, shape.location
    plot.area_ha, plot.geometry_repaired = shape.area_ha, shape.repaired
    if method:
        plot.mapping_method = method
    elif shape.boundary is not None:
        plot.mapping_method = MappingMethod.IMPORTED
    elif shape.location is not None:
        plot.mapping_method = MappingMethod.GPS_POINT
    else:
        plot.mapping_method = MappingMethod.NOT_MAPPED
    return shape.original


@transaction.atomic
def plot_register(
    *,
    actor: Any,
    producer: Producer,
    comunidad: Comunidad | None = None,
    boundary: Any = None,
    point: Any = None,
    method: str | None = None,
    mapped_on: dt.date | None = None,
    code: str | None = None,
    source: str = "code",
    refresh_flags: bool = True,
    **fields: Any,
) -> Plot:
    """Register a plot with a polygon, or a point and a declared area, or neither yet."""
    comunidad = comunidad or producer.comunidad
    require_producer_write(actor=actor, producer=producer, comunidad=comunidad)
    plot = Plot(
        code=code or _next_code("PA", Plot), producer=producer, comunidad=comunidad, **fields
    )
    original = apply_shape(plot, boundary, point, method)
    plot.mapped_on = mapped_on
    plot.mapped_by = actor if plot.mapping_method != MappingMethod.NOT_MAPPED else None
    instance_save(actor=actor, instance=plot, source=source)
    if plot.mapping_method != MappingMethod.NOT_MAPPED:
        _version_add(plot, original)
    if refresh_flags:
        plot_flags_refresh(plot_ids={plot.pk})
    return plot


@transaction.atomic
def plot_remap(
    *,
    actor: Any,
    plot: Plot,
    boundary: Any = None,
    point: Any = None,
    method: str | None = None,
    mapped_on: dt.date | None = None,
    source: str = "code",
    refresh_flags: bool = True,
) -> Plot:
    """Give a plot a new geometry; the earlier one stays in its history."""
    require_producer_write(actor=actor, producer=plot.producer, comunidad=plot.comunidad)
    if not plot.geometry_versions.exists() and plot.mapping_method != MappingMethod.NOT_MAPPED:
        _version_add(plot)  # a plot created outside the services: keep what it had
    neighbours_before = plots_around({plot.pk}) if refresh_flags else set()
    original = apply_shape(plot, boundary, point, method)
    plot.mapped_on = mapped_on or timezone.localdate()
    plot.mapped_by = actor
    instance_save(actor=actor, instance=plot, source=source)
    _version_add(plot, original)
    if refresh_flags:
        plot_flags_refresh(plot_ids={plot.pk} | neighbours_before)
    return plot


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def planting_record(
    *,
    actor: Any,
    plot: Plot,
    cacao_installed_ha: Decimal,
    installed_on: dt.date,
    temporary_shade_ha: Decimal = Decimal(0),
    forestry_ha: Decimal = Decimal(0),
    source: str = "code",
) -> Planting:
    require_producer_write(actor=actor, producer=plot.producer, comunidad=plot.comunidad)
    planting = Planting(
        plot=plot,
        cacao_installed_ha=cacao_installed_ha,
        installed_on=_month(installed_on),
        temporary_shade_ha=temporary_shade_ha,
        forestry_ha=forestry_ha,
    )
    return instance_save(actor=actor, instance=planting, source=source)  # type: ignore[return-value]


@transaction.atomic
def graft_record(
    *,
    actor: Any,
    plot: Plot,
    clone: Clone | str,
    grafted_ha: Decimal,
    grafted_on: dt.date,
    source: str = "code",
) -> Graft:
    require_producer_write(actor=actor, producer=plot.producer, comunidad=plot.comunidad)
    if isinstance(clone, str):
        found = Clone.objects.filter(code__iexact=clone).first()
        if found is None:
            known = ", ".join(Clone.objects.values_list("code", flat=True))
            raise InvalidInput(
                f"clone: {clone!r} is not in the catalogue; known: {known}", field="clone"
            )
        clone = found
    graft = Graft(plot=plot, clone=clone, grafted_ha=grafted_ha, grafted_on=_month(grafted_on))
    return instance_save(actor=actor, instance=graft, source=source)  # type: ignore[return-value]


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    producer: Producer,
    date: dt.date,
    agent: Any = None,
    plot: Plot | None = None,
    activities: list[str] | None = None,
    notes: str = "",
    point: Any = None,
    source: str = "code",
) -> ExtensionVisit:
    require_producer_write(actor=actor, producer=producer, comunidad=producer.comunidad)
    agent = agent or actor
    if agent is None or scope_for(agent).role != Role.AGENT:
        raise InvalidInput(
            f"agent: a visit needs the extension agent who made it; {agent} is not one",
            field="agent",
        )
    shape = plot_shape(None, point)
    visit = ExtensionVisit(
        producer=producer,
        plot=plot,
        agent=agent,
        date=date,
        activities=list(activities or []),
        notes=notes,
        location=shape.location,
    )
    return instance_save(actor=actor, instance=visit, source=source)  # type: ignore[return-value]
