"""Which rows of a file are new: nothing in the registry or elsewhere in the file matches them.

A row may match a producer by DNI, producer code or names in its comunidad, a plot by its
code, or a form submission by its root id. New rows go the bulk path (``chacra.intake.bulk``);
every other row goes through ``RowApplier.apply``, which matches and updates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from chacra.intake.apply import RowApplier
from chacra.intake.models import Submission
from chacra.intake.parse import fold
from chacra.intake.validate import CleanRow
from chacra.registry.models import Plot, Producer


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


def _existing(keys: Iterable[tuple[str, Any]]) -> set[tuple[str, Any]]:
    by_kind: dict[str, set[Any]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, set()).add(value)
    found: set[tuple[str, Any]] = set()
    dnis = Producer.objects.filter(dni__in=by_kind.get("dni", ())).values_list("dni", flat=True)
    found |= {("dni", d) for d in dnis}
    codes = Producer.objects.filter(code__in=by_kind.get("producer_code", ()))
    found |= {("producer_code", c) for c in codes.values_list("code", flat=True)}
    plots = Plot.objects.filter(code__in=by_kind.get("plot_code", ()))
    found |= {("plot_code", c) for c in plots.values_list("code", flat=True)}
    roots = {r for _, r in by_kind.get("root", ())}
    subs = Submission.objects.filter(root_id__in=roots).values_list("source", "root_id")
    found |= {("root", tuple(s)) for s in subs}
    distritos = {d for d, _, _, _ in by_kind.get("names", ())}
    people = Producer.objects.filter(comunidad__distrito_id__in=distritos).values_list(
        "comunidad__distrito_id", "comunidad__name", "surnames", "given_names"
    )
    for d, c, s, g in people:
        found.add(("names", (d, fold(c), fold(s), fold(g))))
    return found
