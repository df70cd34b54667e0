"""Many records written at once: plain values by field, one ``executemany`` per table.

For imports and the demo, where making tens of thousands of model instances would cost more
than writing them. The caller validates and checks permissions first, as for
:func:`chacra.accounts.services.instances_bulk_create`.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import shapely
from django.contrib.gis.db.models import GeometryField
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from chacra.accounts.services import bulk_audit

M = TypeVar("M", bound=models.Model)


def record_defaults(model: type[models.Model]) -> dict[str, Any]:
    """What a new instance of ``model`` holds, as a record: every concrete field but the primary
    key, by attname, with its default; ``auto_now`` and ``auto_now_add`` fields hold now."""
    now = timezone.now()
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values[f.attname] = now if isinstance(f, models.DateTimeField) else now.date()
        else:
            values[f.attname] = f.get_default()
    return values


def record_instance(model: type[M], record: dict[str, Any], pk: Any = None) -> M:
    """An instance holding a record's values, for ``__str__`` and ``clean()``; never saved.

    Skips ``Model.__init__``'s per-field work (it costs more than the whole insert of a row);
    the record must hold every concrete field (start it from :func:`record_defaults`).
    """
    instance = model.__new__(model)
    instance.__dict__.update(record)
    instance.__dict__[model._meta.pk.attname] = pk
    instance._state = ModelState()
    return instance


def records_insert(model: type[models.Model], records: Sequence[dict[str, Any]]) -> None:
    """Insert records (values by attname, geometries as shapely) with one ``executemany``.

    Not audited: for :func:`records_bulk_create`, and for history tables that are a record of
    their own (a plot's geometry versions). Values are adapted as Django adapts them; geometries
    travel as WKB, read by ``ST_GeomFromWKB`` on SpatiaLite and PostGIS alike.
    """
    if not records:
        return
    connection: Any = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    from_wkb = connection.ops.spatial_function_name("FromWKB")
    columns = [_db_values(f, list(map(itemgetter(f.attname), records)), connection) for f in fields]
    placeholders = [
        f"{from_wkb}(%s, {f.srid})" if isinstance(f, GeometryField) else "%s" for f in fields
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(placeholders)})"  # noqa: S608
    # atomic as bulk_create is: outside a transaction each row would commit on its own
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as c:
        c.executemany(sql, list(zip(*columns, strict=True)))


def _db_values(field: models.Field[Any, Any], values: list[Any], connection: Any) -> list[Any]:
    """A column's values as the database driver takes them, each distinct value adapted once."""
    if isinstance(field, GeometryField):
        wkb = shapely.to_wkb(np.asarray(values, dtype=object), output_dimension=2)
        return list(wkb)
    if isinstance(field, models.JSONField):  # as JSONField.get_db_prep_save, less the calls
        return [
            None if v is None else connection.ops.adapt_json_value(v, field.encoder) for v in values
        ]
    if not isinstance(field, models.DecimalField | models.DateField):  # DateTimeField too
        return values  # text, numbers, booleans and ids go as they are
    adapted: dict[Any, Any] = {}
    out = []
    for v in values:
        if v not in adapted:
            adapted[v] = field.get_db_prep_save(v, connection)
        out.append(adapted[v])
    return out


@transaction.atomic
def records_bulk_create(
    *,
    actor: Any,
    model: type[models.Model],
    records: Sequence[dict[str, Any]],
    key: Sequence[str],
    source: str = "code",
    about: dict[str, Any] | None = None,
) -> list[int]:
    """Create many validated records of one model, with one audit entry for them all (a
    :func:`bulk_audit` entry listing their ids, with ``about`` added: e.g. the file they came
    from and its SHA-256); return their ids.

    :func:`instances_bulk_create` for tens of thousands of rows: records are plain values by
    attname (start each from :func:`record_defaults`), geometries as shapely; no model instance
    is made and each table takes one ``executemany``. ``key``: the fields (attnames) that tell
    the new records apart, e.g. ``["code"]``, to find their ids once inserted. The caller
    validates and checks permissions first, as for :func:`instances_bulk_create`.
    """
    if not records:
        return []
    connection: Any = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk, table = quote(model._meta.pk.column), quote(model._meta.db_table)
    concrete = {f.attname: f for f in model._meta.concrete_fields}
    key_columns = ", ".join(quote(concrete[k].column) for k in key)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({pk}) FROM {table}")  # noqa: S608 - names, not values
        (last,) = cursor.fetchone()
        records_insert(model, records)
        # Ids only grow, so the new rows are past the last one; keys tell them from rows that
        # another connection may have added meanwhile (PostgreSQL).
        cursor.execute(
            f"SELECT {pk}, {key_columns} FROM {table} WHERE {pk} > %s",  # noqa: S608
            [last if last is not None else -1],
        )
        found = {tuple(row[1:]): row[0] for row in cursor.fetchall()}
    ids = [found[tuple(r[k] for k in key)] for r in records]
    bulk_audit(actor=actor, model=model, ids=ids, source=source, about=about)
    return ids
