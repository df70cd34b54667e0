"""Writes for accounts: role assignment and the audit log every other service writes to."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry
from django.db import models, router, transaction
from django.db.models.deletion import Collector

from chacra.accounts.models import AuditAction, AuditEntry, Profile, Role
from chacra.errors import InvalidInput

User = get_user_model()
M = TypeVar("M", bound=models.Model)


def _jsonable(value: Any) -> Any:
    if isinstance(value, GEOSGeometry):
        return (
            value.ewkt if value.num_coords <= 200 else f"{value.geom_type} ({value.num_coords} pts)"
        )
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


SECRET_FIELDS = frozenset({"password"})


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance, as JSON-friendly values (secrets masked)."""
    return {
        f.attname: "***" if f.attname in SECRET_FIELDS else _jsonable(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname != "id"
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    instance: models.Model | None = None,
    model: str | None = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    source: str = "code",
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the write it describes."""
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action,
        model=model or (instance._meta.label if instance is not None else ""),
        object_id=str(instance.pk) if instance is not None else "",
        summary=(summary or (str(instance) if instance is not None else ""))[:200],
        changes=changes or {},
        source=source,
    )


def _entry(
    actor: Any, action: AuditAction, instance: models.Model, changes: Any, source: str
) -> AuditEntry:
    return AuditEntry(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        summary=str(instance)[:200],
        changes=changes,
        source=source,
    )


@transaction.atomic
def instances_bulk_create(
    *, actor: Any, instances: Sequence[M], source: str = "code", batch_size: int = 500
) -> list[M]:
    """Create many already-validated instances of one model, with one audit entry each.

    The caller validates (``full_clean``) and checks permissions first: this is the write.
    """
    if not instances:
        return []
    model = type(instances[0])
    made = model._default_manager.bulk_create(instances, batch_size=batch_size)
    AuditEntry.objects.bulk_create(
        [_entry(actor, AuditAction.CREATE, o, snapshot(o), source) for o in made],
        batch_size=batch_size,
    )
    return made


@transaction.atomic
def instance_save(*, actor: Any, instance: models.Model, source: str = "code") -> models.Model:
    """Save any model instance after full validation, auditing old and new values."""
    old: dict[str, Any] = {}
    creating = instance._state.adding or instance.pk is None
    if not creating:
        previous = type(instance)._default_manager.filter(pk=instance.pk).first()
        old = snapshot(previous) if previous is not None else {}
    instance.full_clean()
    instance.save()
    new = snapshot(instance)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        instance=instance,
        changes=new if creating else diff(old, new),
        source=source,
    )
    return instance


@transaction.atomic
def instance_delete(*, actor: Any, instance: models.Model, source: str = "code") -> None:
    """Delete a model instance, keeping its last values, and what went with it, in the audit log."""
    collector = Collector(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    cascaded = {
        model._meta.label: len(objs)
        for model, objs in collector.data.items()
        if model is not type(instance) and objs
    }
    cascaded.update(
        {qs.model._meta.label: qs.count() for qs in collector.fast_deletes if qs.exists()}
    )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=instance,
        changes={**snapshot(instance), "deleted_with_it": cascaded},
        source=source,
    )
    instance.delete()


def bulk_audit(
    *, actor: Any, model: type[models.Model], objects: Iterable[models.Model], source: str
) -> AuditEntry:
    """One audit entry for a bulk load: how many rows of which type, and their id range."""
    ids = [o.pk for o in objects]
    return audit_record(
        actor=actor,
        action=AuditAction.BULK_CREATE,
        model=model._meta.label,
        summary=f"{len(ids)} {model._meta.verbose_name_plural}",
        changes={
            "count": len(ids),
            "first_id": min(ids, default=None),
            "last_id": max(ids, default=None),
        },
        source=source,
    )


@transaction.atomic
def user_set_role(
    *, actor: Any, user: Any, role: Role, region: Any = None, source: str = "code"
) -> Profile:
    """Give a user a role (and region for regional offices and agents)."""
    if role in (Role.REGIONAL, Role.AGENT) and region is None:
        raise InvalidInput(
            f"role {role.value!r} needs a region (departamento); none given for user {user}",
            field="region",
        )
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.role = role
    profile.region = region if role in (Role.REGIONAL, Role.AGENT) else None
    instance_save(actor=actor, instance=profile, source=source)
    # Staff-side roles work in the admin too; their querysets are scoped there as everywhere.
    staff_side = role in (Role.ADMIN, Role.STAFF, Role.REGIONAL, Role.AGENT)
    if user.is_staff != staff_side:
        user.is_staff = staff_side
        user.save(update_fields=["is_staff"])
    return profile
