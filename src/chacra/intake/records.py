"""Model validation of many records at once: what ``full_clean`` checks, each value checked once.

A file of 30,000 producers holds a few thousand distinct values per field at most (two sexes, a
few dozen dates, one registration day): each field's ``clean`` runs once per distinct value, and
the model's own ``clean`` (if it has one) once per record, on an instance that skips
``Model.__init__``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.base import ModelState


class RecordCheck:
    """``Model.full_clean(exclude=..., validate_unique=False, validate_constraints=False)`` for
    records (values by attname, every concrete field present); ``model_clean=False`` runs
    ``clean_fields`` only."""

    def __init__(
        self, model: type[models.Model], *, exclude: Collection[str], model_clean: bool = True
    ) -> None:
        self.model = model
        self.model_clean = model_clean
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in exclude and f.attname not in exclude
        ]
        self._quick = {f.attname: quick for f in self.fields if (quick := _in_line(f))}

    def _clean(self, f: models.Field[Any, Any], value: Any) -> tuple[Any, Any]:
        try:
            return f.clean(value, None), None
        except ValidationError as exc:
            return value, exc.error_list

    def _column(self, f: models.Field[Any, Any], values: list[Any]) -> dict[int, Any]:
        """Cleaned values and errors of one field, by record index; nothing for values that
        clean to themselves."""
        kinds = set(map(type, values)) - {type(None)}
        keys: list[Any] = values  # values of one type that are equal clean alike
        if kinds == {Decimal}:  # 1.2 == 1.20, but 1.20 has the digits a field may refuse
            keys = [v if v is None else str(v) for v in values]
        elif len(kinds) > 1:  # 1 == 1.0 == True, but not as text
            keys = [(type(v), v) for v in values]
        try:
            distinct = dict(zip(keys, values, strict=True))
        except TypeError:  # unhashable values (lists, dicts): check each
            keys, distinct = list(range(len(values))), dict(enumerate(values))
        quick = self._quick.get(f.attname)
        items = list(distinct.items())
        fit = quick([v for _, v in items]) if quick is not None else [False] * len(items)
        done = {
            k: self._clean(f, v)
            for (k, v), same in zip(items, fit, strict=True)
            if not same and not (f.blank and v in f.empty_values)
        }
        changed = {
            k for k, (cleaned, problems) in done.items() if problems or cleaned is not distinct[k]
        }
        if not changed:  # the usual case: no need to look at every record again
            return {}
        return {i: done[k] for i, k in enumerate(keys) if k in changed}

    def check_many(self, records: list[dict[str, Any]]) -> dict[int, ValidationError]:
        """Clean records in place (as ``clean_fields`` sets cleaned values, then ``clean``); the
        ``ValidationError`` of each record that fails, by index, as ``full_clean`` raises it."""
        errors: dict[int, dict[str, Any]] = {}
        for f in self.fields:
            found = self._column(f, list(map(itemgetter(f.attname), records)))
            for i, (cleaned, problems) in found.items():
                records[i][f.attname] = cleaned
                if problems:
                    errors.setdefault(i, {})[f.name] = problems
        if self.model_clean and self.model.clean is not models.Model.clean:
            pk = self.model._meta.pk.attname
            for i, record in enumerate(records):
                # the instance's attributes are the record itself: what clean() sets, it sets
                # in the record (Model.__init__ and copying back cost more than clean() does)
                instance = self.model.__new__(self.model)
                record["_state"], record[pk] = ModelState(), None
                instance.__dict__ = record
                try:
                    instance.clean()
                except ValidationError as exc:
                    errors[i] = exc.update_error_dict(errors.get(i, {}))
                finally:
                    del record["_state"], record[pk]
        return {i: ValidationError(e) for i, e in errors.items()}

    def check(self, record: dict[str, Any]) -> None:
        """:meth:`check_many` for one record: raise its ``ValidationError``."""
        problems = self.check_many([record])
        if problems:
            raise problems[0]


def _in_line(f: models.Field[Any, Any]) -> Callable[[list[Any]], list[bool]] | None:
    """A test, done in line on many values at once, of which values clean to themselves, for
    fields whose ``clean`` checks little: text checked for its length, NUL characters and
    regular expressions (a DNI), and floats without validators. False sends the value through
    ``clean``; None: no such test."""
    if f.choices:
        return None
    if isinstance(f, models.FloatField):
        return (lambda values: [type(v) is float for v in values]) if not f.validators else None
    if not isinstance(f, models.CharField):
        return None
    limits: list[int] = []
    patterns: list[tuple[Any, bool]] = []
    for v in f.validators:
        if type(v) is validators.MaxLengthValidator and type(v.limit_value) is int:
            limits.append(v.limit_value)
        elif type(v) is validators.RegexValidator:
            patterns.append((re.compile(v.regex).search, v.inverse_match))
        elif type(v) is not validators.ProhibitNullCharactersValidator:
            return None
    limit = min(limits, default=sys.maxsize)

    def fit(texts: list[Any]) -> list[bool]:
        ok = [type(t) is str and t != "" and len(t) <= limit and "\x00" not in t for t in texts]
        for search, inverse in patterns:
            ok = [o and (search(t) is None) is inverse for o, t in zip(ok, texts, strict=True)]
        return ok

    return fit
