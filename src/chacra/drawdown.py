"""Drawing from a counted source, never more than it holds.

A source row holds a total (the kilos of a purchase or a lot, the plants of a batch, the suckers
owed on a donation) and counts in another field what has already left it; a database check keeps
that count within the total, so units can never be created. The supply and nurseries services
draw from such rows the same way: lock the row (:func:`lock_row`; supply's ``kilos.lock`` locks
several in id order), refuse before anything is written more than is left, naming the figures
(:func:`require_left`), then count what leaves with one conditional update (:func:`draw`), which
matches nothing if another transaction drew first.
On PostgreSQL the lock makes the second writer wait and see the units gone; SQLite runs one write
transaction at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from django.db.models import Expression, F, Model, QuerySet
from django.db.models.functions import Round
from django.db.models.lookups import LessThanOrEqual

from chacra.errors import Conflict, NotFound

M = TypeVar("M", bound=Model)
Amount = int | Decimal


def lock_row(rows: QuerySet[M], pk: int, what: str) -> M:
    """Row ``pk`` of ``rows``, locked until the transaction ends.

    Only the row itself is locked (``of=("self",)``), so ``rows`` may join optional relations,
    which PostgreSQL refuses to lock. Raises ``NotFound`` naming ``what`` and the id.
    """
    found = rows.select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"{what}: no {what} with id {pk}", field=what)
    return found


def require_left(
    *, asked: Amount, left: Amount, field: str, holds: str, verb: str, unit: str = ""
) -> None:
    """Refuse to take ``asked`` from a source with ``left`` left (or to take nothing).

    ``holds`` says what the source holds, with its figures; the message adds what was asked and
    what would be accepted:

    >>> require_left(asked=11, left=10, field="count", verb="take",
    ...              holds="batch B1 holds 10 (90 of 100 already taken)")
    Traceback (most recent call last):
    chacra.errors.Conflict: count: batch B1 holds 10 (90 of 100 already taken); cannot take 11; accepted: at most 10
    """  # noqa: E501
    if asked <= 0 or asked > left:
        raise Conflict(
            f"{field}: {holds}; cannot {verb} {asked}{unit}; accepted: at most {left}{unit}",
            field=field,
        )


def draw(
    row: Model,
    *,
    used: str,
    total: str,
    amount: Amount,
    meanwhile: str,
    field: str | None = None,
    also: Sequence[str] = (),
) -> None:
    """Count ``amount`` more as gone from ``row``: add it to ``used`` (and to each of ``also``).

    One UPDATE that matches the row only while ``used + amount`` stays within ``total``, so two
    writers never count the same units; if it matches nothing (another transaction drew first),
    raises ``Conflict(meanwhile)``. ``row`` is counted the same way, so the row read under the
    lock stays as the database holds it.
    """
    names = (used, *also)
    done = (
        type(row)
        ._default_manager.filter(LessThanOrEqual(_plus(row, used, amount), F(total)), pk=row.pk)
        .update(**{name: _plus(row, name, amount) for name in names})
    )
    if not done:
        raise Conflict(meanwhile, field=field)
    for name in names:
        setattr(row, name, getattr(row, name) + amount)


def _plus(row: Model, name: str, amount: Amount) -> Expression:
    """``name + amount`` in the database, rounded to the field's decimal places if it has them.

    SQLite holds decimals as binary floats, where 0.10 + 0.20 is 0.30000000000000004: past a
    total of 0.30, so the last kilos of a source would be refused. Rounded, the sum is the total.
    """
    places = getattr(row._meta.get_field(name), "decimal_places", None)
    added = F(name) + amount
    return added if places is None else Round(added, places)
