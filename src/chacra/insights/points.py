"""Candidate sites a user gives: a CSV file, or lines typed in the form, of lat, lon and name.

The first row may name the columns (``lat``, ``lon``, ``name`` in any order; ``latitude`` and
``longitude`` too); without such a header the order is lat, lon, name. Fields are separated by
commas, or by semicolons (then a decimal comma is read too: ``-6,49;-76,36;Tarapoto``). Every
refusal names the file, the row, the field, the value and what is accepted.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from chacra.errors import InvalidInput

MAX_POINTS = 1000
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
}
RANGE = {"lat": 90.0, "lon": 180.0}


@dataclass(frozen=True)
class Candidates:
    names: list[str]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]


def _accepted() -> str:
    return _(
        "accepted: one site per row as lat, lon, name (decimal degrees, e.g. -6.4869, -76.3624, "
        "Tarapoto), an optional header row naming those columns, commas or semicolons between "
        "fields, at most %(n)s sites"
    ) % {"n": MAX_POINTS}


def _number(text: str, *, field: str, where: str, decimal_comma: bool) -> float:
    raw = text.strip().replace(",", ".") if decimal_comma else text.strip()
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > RANGE[field]:
        raise InvalidInput(
            _("%(where)s, field %(field)s: %(value)r is not a %(what)s between -%(r)g and %(r)g")
            % {
                "where": where,
                "field": field,
                "value": text,
                "what": _("latitude") if field == "lat" else _("longitude"),
                "r": RANGE[field],
            }
            + "; "
            + _accepted(),
            field=field,
        )
    return value


def parse_points(text: str, *, source: str) -> Candidates:
    """The sites in ``text`` (``source`` names the file or the form field in messages).

    >>> c = parse_points("name,lat,lon\\nA,-6.49,-76.36\\nB,-7.1,-76.7", source="sites.csv")
    >>> c.names, c.lat.tolist(), c.lon.tolist()
    (['A', 'B'], [-6.49, -7.1], [-76.36, -76.7])
    >>> parse_points("-6,49;-76,36;Tarapoto", source="form").lat.tolist()
    [-6.49]
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InvalidInput(
            _("%(s)s: no site given; ") % {"s": source} + _accepted(), field="points"
        )
    delimiter = ";" if ";" in lines[0] else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    first = [c.strip().lower() for c in rows[0]]
    columns = ["lat", "lon", "name"]
    start = 0
    if any(c in HEADER for c in first):
        columns = [HEADER.get(c, c) for c in first]
        missing = [c for c in ("lat", "lon", "name") if c not in columns]
        if missing:
            raise InvalidInput(
                _("%(s)s, row 1: the header %(h)r lacks %(m)s; ")
                % {"s": source, "h": ",".join(rows[0]), "m": ", ".join(missing)}
                + _accepted(),
                field="points",
            )
        start = 1
    if len(rows) - start > MAX_POINTS:
        raise InvalidInput(
            _("%(s)s: %(n)s sites; ") % {"s": source, "n": len(rows) - start} + _accepted(),
            field="points",
        )
    names: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    for number, row in enumerate(rows[start:], start=start + 1):
        where = _("%(s)s, row %(n)s") % {"s": source, "n": number}
        if len(row) != len(columns):
            raise InvalidInput(
                _("%(w)s: %(got)s fields (%(row)r), expected %(want)s (%(cols)s); ")
                % {
                    "w": where,
                    "got": len(row),
                    "row": delimiter.join(row),
                    "want": len(columns),
                    "cols": ", ".join(columns),
                }
                + _accepted(),
                field="points",
            )
        value = dict(zip(columns, row, strict=True))
        name = value["name"].strip()
        if not 1 <= len(name) <= MAX_NAME:
            raise InvalidInput(
                _("%(w)s, field name: %(v)r is not a name of 1 to %(m)s characters; ")
                % {"w": where, "v": value["name"], "m": MAX_NAME}
                + _accepted(),
                field="name",
            )
        names.append(name)
        for field, out in (("lat", lat), ("lon", lon)):
            out.append(
                _number(value[field], field=field, where=where, decimal_comma=delimiter == ";")
            )
    return Candidates(names, np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64))


def read_upload(data: bytes, *, source: str) -> Candidates:
    """The sites in an uploaded CSV file (UTF-8, with or without a byte-order mark)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("%(s)s: not UTF-8 text (byte %(b)s); save the CSV as UTF-8; ")
            % {"s": source, "b": exc.start}
            + _accepted(),
            field="points_file",
        ) from exc
    return parse_points(text, source=source)
