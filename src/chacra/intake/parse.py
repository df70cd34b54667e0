"""Parsers for the values people type into field forms and spreadsheets.

Each returns the typed value or raises ``ValueError`` with the text of what would be accepted;
``chacra.intake.validate`` turns that into a RowError naming file, row, field and value.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

MONTHS = {
    "ene": 1, "jan": 1, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "may": 5, "jun": 6, "jul": 7,
    "ago": 8, "aug": 8, "set": 9, "sep": 9, "oct": 10, "nov": 11, "dic": 12, "dec": 12,
}  # fmt: skip
YES = {"si", "s", "yes", "y", "true", "1", "x", "verdadero"}
NO = {"no", "n", "false", "0", "falso"}
SEXES = {
    "f": "F", "femenino": "F", "mujer": "F", "female": "F", "woman": "F",
    "m": "M", "masculino": "M", "hombre": "M", "varon": "M", "male": "M", "man": "M",
}  # fmt: skip
MAX_HA = Decimal(10_000)


def fold(text: Any) -> str:
    """Lower case without accents or surrounding spaces: 'Sí ' -> 'si'."""
    return _fold(text if type(text) is str else str(text))


@functools.lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    # a file repeats its comunidades, sexes and distritos thousands of times
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()


def hectares(value: Any) -> Decimal:
    """'0,49', '0.49', 0.49 -> Decimal('0.49'); 0 to 10,000 ha."""
    text = str(value).strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("a number of hectares such as 1.25 or 1,25") from None
    if not number.is_finite() or number < 0 or number > MAX_HA:
        raise ValueError("hectares between 0 and 10,000")
    return number.quantize(Decimal("0.01"))


def month(value: Any) -> dt.date:
    """A month-year as '12-2015', '12/2015', '2015-12', 'dic-2015', 'Dec 2015' or a date."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = fold(value)
    m = re.fullmatch(r"(\d{1,2})[-/. ](\d{4})", text)
    if m:
        mo, year = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?:[ t].*)?", text):
        year, mo = int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"([a-z]{3})[a-z]*[-/. ]+(\d{4})", text):
        if m.group(1) not in MONTHS:
            raise ValueError("a month-year such as 12-2015, dic-2015 or 2015-12")
        mo, year = MONTHS[m.group(1)], int(m.group(2))
    else:
        raise ValueError("a month-year such as 12-2015, dic-2015 or 2015-12")
    if not (1 <= mo <= 12 and 1950 <= year <= 2100):
        raise ValueError("a month 1-12 and a year 1950-2100, e.g. 12-2015")
    return dt.date(year, mo, 1)


def date(value: Any) -> dt.date:
    """A day as 2015-12-31, 31/12/2015 or 31-12-2015 (day first, as in Peru)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = fold(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text[:19], pattern).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise ValueError("a date such as 2015-12-31 or 31/12/2015")


def yes_no(value: Any) -> bool:
    text = fold(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("SI or NO (also yes/no, 1/0)")


def sex(value: Any) -> str:
    text = fold(value)
    if text in SEXES:
        return SEXES[text]
    raise ValueError("F or M (also Femenino/Masculino, Mujer/Hombre)")


def whole(value: Any, low: int, high: int) -> int:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"a whole number from {low} to {high}") from None
    if not number.is_integer() or not low <= number <= high:
        raise ValueError(f"a whole number from {low} to {high}")
    return int(number)


def dni(value: Any) -> str:
    """8 digits, kept as text. A number from a spreadsheet cell lost its leading zero: 7 digits
    given as a number are padded back ('4512345' typed as text is refused)."""
    if isinstance(value, int | float) and float(value).is_integer():
        text = f"{int(value):08d}"
    else:
        text = re.sub(r"[\s.-]", "", str(value))
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError("exactly 8 digits, e.g. 04512345")
    return text


def degrees(value: Any, low: float, high: float, what: str) -> float:
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"a {what} in decimal degrees, e.g. -6.4853") from None
    if not low <= number <= high:
        raise ValueError(f"a {what} between {low} and {high} decimal degrees")
    return number
