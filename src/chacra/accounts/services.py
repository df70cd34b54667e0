"""Writes for accounts: role assignment and the audit log every other service writes to."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
import shapely
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry
from django.db import models, router, transaction
from django.db.models.deletion import Collector

from chacra.accounts.models import AuditAction, AuditEntry, Profile, Role
from chacra.errors import InvalidInput

User = get_user_model()
M = TypeVar("M", bound=models.Model)


# shapely's geometry type ids, by GEOS's names for them
GEOMETRY_TYPES = ("Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                  "MultiLineString", "MultiPolygon", "GeometryCollection")  # fmt: skip


def geometry_digests(geoms: Any) -> list[str | None]:
    """What the audit log says of geometries (shapely, None for missing): their type, vertex
    count and the first 16 hex digits of the SHA-256 of their 2D little-endian WKB.

    Never the coordinates: the geometries themselves are kept where they belong (a plot's
    outlines in its geometry versions, which the digest identifies), so an audit entry carries
    no outline that could tie a place to a producer's name, and stays short.

    >>> geometry_digests([shapely.Point(-76.5, -6.5), None])
    ['Point (1 pts, sha256 11eeaba1a1c40f17)', None]
    """
    geoms = np.asarray(geoms, dtype=object).ravel()
    wkbs = shapely.to_wkb(geoms, output_dimension=2, byte_order=1, include_srid=False)
    sizes = shapely.get_num_coordinates(geoms).tolist()
    kinds = shapely.get_type_id(geoms).tolist()
    sha256 = hashlib.sha256
    return [
        None if w is None else f"{GEOMETRY_TYPES[k]} ({n} pts, sha256 {sha256(w).hexdigest()[:16]})"
        for w, n, k in zip(wkbs.tolist(), sizes, kinds, strict=True)
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, GEOSGeometry):
        return geometry_digests([shapely.from_wkb(bytes(value.wkb))])[0]
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


def id_runs(ids: Iterable[int]) -> list[list[int]]:
    """Ids as ``[first, last]`` runs of consecutive ids, in order: a bulk entry's record of them.

    >>> id_runs([7, 3, 4, 5, 9])
    [[3, 5], [7, 7], [9, 9]]
    """
    runs: list[list[int]] = []
    for pk in sorted(set(ids)):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def bulk_audit(
    *,
    actor: Any,
    model: type[models.Model],
    objects: Iterable[models.Model] = (),
    ids: Iterable[int] = (),
    source: str,
    about: dict[str, Any] | None = None,
) -> AuditEntry:
    """One audit entry for a bulk load: how many records of which type, exactly which (their
    ids as runs, see :func:`bulk_entries_about`), and ``about`` them (where they came from).

    The values the records were created with are not copied into the log: they are the
    source's (an import's archived file, by its SHA-256; the demo's seed), and a log holding
    tens of thousands of names and DNIs would be one more copy of personal data to guard.
    """
    pks = [o.pk for o in objects] + list(ids)
    return audit_record(
        actor=actor,
        action=AuditAction.BULK_CREATE,
        model=model._meta.label,
        summary=f"{len(pks)} {model._meta.verbose_name_plural}",
        changes={
            "count": len(pks),
            "first_id": min(pks, default=None),
            "last_id": max(pks, default=None),
            "runs": id_runs(pks),
            **(about or {}),
        },
        source=source,
    )


def bulk_entries_about(label: str, ids: Iterable[Any]) -> list[int]:
    """The bulk entries (:func:`bulk_audit`) of model ``label`` that created any of ``ids``.

    Entries written before runs were recorded give their first and last id instead.
    """
    wanted = sorted({int(pk) for pk in ids if str(pk).isdigit()})  # integer keys only
    found: list[int] = []
    if not wanted:
        return found
    entries = AuditEntry.objects.filter(model=label, action=AuditAction.BULK_CREATE)
    for pk, changes in entries.values_list("pk", "changes").iterator():
        runs = changes.get("runs")
        if runs is None and changes.get("first_id") is not None:
            runs = [[changes["first_id"], changes["last_id"]]]
        for first, last in runs or []:
            at = bisect_left(wanted, first)
            if at < len(wanted) and wanted[at] <= last:
                found.append(pk)
                break
    return found


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
