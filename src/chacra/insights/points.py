"""What a user gives the siting: candidate sites (lat, lon, name) and weight factors by distrito.

Both come as a CSV file or as lines typed in the form. The first row may name the columns (in
any order; Spanish names too); without such a header the order is the one documented. Fields
are separated by commas, or by semicolons (then a decimal comma is read too:
``-6,49;-76,36;Tarapoto``). Every refusal names the file, the row, the field, the value and
what is accepted.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from chacra.errors import InvalidInput

MAX_ROWS = 1000
MAX_NAME = 80
HEADER = {
    "lat": "lat",
    "latitude": "lat",
    "latitud": "lat",
    "lon": "lon",
    "lng": "lon",
    "longitude": "lon",
    "longitud": "lon",
    "name": "name",
    "nombre": "name",
    "ubigeo": "ubigeo",
    "factor": "factor",
    "weight": "factor",
    "peso": "factor",
}


@dataclass(frozen=True)
class Candidates:
    names: list[str]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]


def points_accepted() -> str:
    return _(
        "accepted: one site per row as lat, lon, name (decimal degrees, e.g. -6.4869, -76.3624, "
        "Tarapoto), an optional header row naming those columns, commas or semicolons between "
        "fields, at most %(n)s sites"
    ) % {"n": MAX_ROWS}


def factors_accepted() -> str:
    return _(
        "accepted: one distrito per row as ubigeo, factor (six digits and a number of 0 or more, "
        "e.g. 220901, 1.5), an optional header row naming those columns, commas or semicolons "
        "between fields, at most %(n)s rows"
    ) % {"n": MAX_ROWS}


class _Table:
    """Rows of named fields read from ``text``; ``refuse`` raises with the where and the rule."""

    def __init__(self, text: str, *, source: str, columns: list[str], accepted: str) -> None:
        self.source, self.accepted = source, accepted
        self.delimiter = ";" if ";" in text.split("\n", 1)[0] else ","
        numbered = [
            (n, row)
            for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=self.delimiter), 1)
            if any(c.strip() for c in row)
        ]
        if not numbered:
            raise InvalidInput(f"{source}: " + _("nothing given") + "; " + accepted, field=source)
        first = [c.strip().lower() for c in numbered[0][1]]
        self.columns = columns
        if any(c in HEADER for c in first):
            self.columns = [HEADER.get(c, c) for c in first]
            missing = [c for c in columns if c not in self.columns]
            if missing:
                self.refuse(
                    numbered[0][0],
                    None,
                    _("the header %(h)r lacks %(m)s")
                    % {"h": self.delimiter.join(numbered[0][1]), "m": ", ".join(missing)},
                )
            numbered = numbered[1:]
        if len(numbered) > MAX_ROWS:
            self.refuse(None, None, _("%(n)s rows") % {"n": len(numbered)})
        self.rows = numbered

    def refuse(self, row: int | None, field: str | None, what: str) -> NoReturn:
        where = self.source
        if row is not None:
            where += ", " + _("row %(n)s") % {"n": row}
        if field is not None:
            where += ", " + _("field %(f)s") % {"f": field}
        raise InvalidInput(f"{where}: {what}; {self.accepted}", field=field or "points")

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, row in self.rows:
            if len(row) != len(self.columns):
                self.refuse(
                    number,
                    None,
                    _("%(got)s fields (%(row)r), expected %(want)s (%(cols)s)")
                    % {
                        "got": len(row),
                        "row": self.delimiter.join(row),
                        "want": len(self.columns),
                        "cols": ", ".join(self.columns),
                    },
                )
            yield number, dict(zip(self.columns, row, strict=True))

    def number(
        self, number: int, field: str, text: str, ok: Callable[[float], bool], rule: str
    ) -> float:
        raw = text.strip().replace(",", ".") if self.delimiter == ";" else text.strip()
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and ok(value)):
            self.refuse(number, field, _("%(v)r is not %(rule)s") % {"v": text, "rule": rule})
        return value


def parse_points(text: str, *, source: str) -> Candidates:
    """The sites in ``text`` (``source`` names the file or the form field in messages).

    >>> c = parse_points("name,lat,lon\\nA,-6.49,-76.36\\nB,-7.1,-76.7", source="sites.csv")
    >>> c.names, c.lat.tolist(), c.lon.tolist()
    (['A', 'B'], [-6.49, -7.1], [-76.36, -76.7])
    >>> parse_points("-6,49;-76,36;Tarapoto", source="form").lat.tolist()
    [-6.49]
    """
    table = _Table(text, source=source, columns=["lat", "lon", "name"], accepted=points_accepted())
    names: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    for number, value in table:
        name = value["name"].strip()
        if not 1 <= len(name) <= MAX_NAME:
            table.refuse(
                number,
                "name",
                _("%(v)r is not a name of 1 to %(m)s characters")
                % {"v": value["name"], "m": MAX_NAME},
            )
        names.append(name)
        lat.append(
            table.number(
                number, "lat", value["lat"], lambda v: abs(v) <= 90, _("a latitude from -90 to 90")
            )
        )
        lon.append(
            table.number(
                number,
                "lon",
                value["lon"],
                lambda v: abs(v) <= 180,
                _("a longitude from -180 to 180"),
            )
        )
    return Candidates(names, np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64))


def parse_factors(text: str, *, source: str) -> dict[str, float]:
    """Weight factors by distrito ubigeo (e.g. dry-season exposure for irrigation).

    >>> parse_factors("ubigeo;factor\\n220901;1,5\\n221001;0", source="form")
    {'220901': 1.5, '221001': 0.0}
    """
    table = _Table(text, source=source, columns=["ubigeo", "factor"], accepted=factors_accepted())
    out: dict[str, float] = {}
    for number, value in table:
        ubigeo = value["ubigeo"].strip()
        if not (len(ubigeo) == 6 and ubigeo.isdigit()):
            table.refuse(number, "ubigeo", _("%(v)r is not six digits") % {"v": value["ubigeo"]})
        out[ubigeo] = table.number(
            number, "factor", value["factor"], lambda v: v >= 0, _("a number of 0 or more")
        )
    return out


def decode(data: bytes, *, source: str) -> str:
    """An uploaded CSV file's text (UTF-8, with or without a byte-order mark)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("%(s)s: not UTF-8 text (byte %(b)s); save the CSV as UTF-8")
            % {"s": source, "b": exc.start},
            field=source,
        ) from exc
