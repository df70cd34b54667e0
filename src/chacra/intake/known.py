"""Which rows of a file are new: nothing in the registry or elsewhere in the file matches them.

A row may match a producer by DNI, producer code or names in its comunidad, a plot by its
code, or a form submission by its root id. New rows go the bulk path (``chacra.intake.bulk``);
every other row goes through ``RowApplier.apply``, which matches and updates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connections, models, router

from chacra.intake.apply import RowApplier
from chacra.intake.models import Submission
from chacra.intake.parse import fold
from chacra.intake.validate import CleanRow
from chacra.registry.models import Plot, Producer

CHUNK = 5000  # values per query: far below any database's limit on parameters


def _keys(row: CleanRow) -> list[tuple[str, Any]]:
    p = row.producer
    place = RowApplier.comunidad_key(row)
    keys: list[tuple[str, Any]] = [("names", (*place, fold(p["surnames"]), fold(p["given_names"])))]
    if p.get("dni"):
        keys.append(("dni", p["dni"]))
    if row.producer_code:
        keys.append(("producer_code", row.producer_code))
    if row.plot_code:
        keys.append(("plot_code", row.plot_code))
    if row.submission is not None:
        keys.append(("root", (row.submission.source, row.submission.root_id)))
    return keys


def new_and_known(rows: list[CleanRow]) -> tuple[list[CleanRow], list[CleanRow]]:
    """(new rows, rows that may match something): one query per kind of key, not per row."""
    keyed = [(row, _keys(row)) for row in rows]
    seen = Counter(k for _, keys in keyed for k in keys)
    existing = _existing([k for _, keys in keyed for k in keys])
    new: list[CleanRow] = []
    other: list[CleanRow] = []
    for row, keys in keyed:
        clash = any(seen[k] > 1 or k in existing for k in keys)
        (other if clash else new).append(row)
    return new, other


def _present(
    model: type[models.Model], columns: list[str], values: Iterable[Any]
) -> set[tuple[Any, ...]]:
    """The values of ``columns`` found in ``model``'s table among ``values`` (tuples when there
    are several columns; matched on the last one), a few thousand values per query. Plain SQL:
    Django's ``__in`` prepares each of 30,000 values one by one, in more time than the query."""
    wanted = list(values)
    connection: Any = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    concrete = {f.attname: f.column for f in model._meta.concrete_fields}
    fields = [quote(concrete[c]) for c in columns]
    found: set[tuple[Any, ...]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            cursor.execute(
                f"SELECT {', '.join(fields)} FROM {quote(model._meta.db_table)} "  # noqa: S608
                f"WHERE {fields[-1]} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update(map(tuple, cursor.fetchall()))
    return found


def _existing(keys: Iterable[tuple[str, Any]]) -> set[tuple[str, Any]]:
    by_kind: dict[str, set[Any]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, set()).add(value)
    found: set[tuple[str, Any]] = set()
    found |= {("dni", d) for (d,) in _present(Producer, ["dni"], by_kind.get("dni", ()))}
    codes = _present(Producer, ["code"], by_kind.get("producer_code", ()))
    found |= {("producer_code", c) for (c,) in codes}
    found |= {("plot_code", c) for (c,) in _present(Plot, ["code"], by_kind.get("plot_code", ()))}
    roots = {r for _, r in by_kind.get("root", ())}
    found |= {("root", s) for s in _present(Submission, ["source", "root_id"], roots)}
    distritos = {d for d, _, _, _ in by_kind.get("names", ())}
    people = Producer.objects.filter(comunidad__distrito_id__in=distritos).values_list(
        "comunidad__distrito_id", "comunidad__name", "surnames", "given_names"
    )
    for d, c, s, g in people:
        found.add(("names", (d, fold(c), fold(s), fold(g))))
    return found
