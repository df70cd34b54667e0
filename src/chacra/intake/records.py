"""Model validation of many records at once: what ``full_clean`` checks, each value checked once.

A file of 30,000 producers holds a few thousand distinct values per field at most (two sexes, a
few dozen dates, one registration day): each field's ``clean`` runs once per distinct value, and
the model's own ``clean`` (if it has one) once per record, on an instance that skips
``Model.__init__``.
"""

from __future__ import annotations

import re
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
        done = {
            k: self._clean(f, v)
            for k, v in distinct.items()
            if not (f.blank and v in f.empty_values) and not (quick is not None and quick(v))
        }
        changed = {
            k for k, (cleaned, problems) in done.items() if problems or cleaned is not distinct[k]
        }
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


def _in_line(f: models.Field[Any, Any]) -> Callable[[Any], bool] | None:
    """A test that a value cleans to itself, done in line, for fields whose ``clean`` checks
    little: text checked for its length, NUL characters and regular expressions (a DNI), and
    floats without validators. False sends the value through ``clean``; None: no such test."""
    if f.choices:
        return None
    if isinstance(f, models.FloatField):
        return (lambda v: type(v) is float) if not f.validators else None
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
    limit = min(limits, default=None)

    def fits(text: Any) -> bool:
        return (
            type(text) is str
            and text != ""
            and (limit is None or len(text) <= limit)
            and "\x00" not in text
            and all((search(text) is None) is inverse for search, inverse in patterns)
        )

    return fits
