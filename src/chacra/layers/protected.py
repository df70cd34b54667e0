"""Protected areas: the category of each area, from its designation, in one small table.

The compliance checks treat three categories differently (``chacra.compliance.rules``):

``strict``
    Areas of indirect use under Peru's law of protected natural areas (Ley 26834): parques
    nacionales, santuarios nacionales and santuarios históricos, and areas whose IUCN category
    is Ia, Ib, II or III. No farming is allowed: a plot inside one fails.
``direct_use``
    Areas where the law allows some use under a management plan or an agreement: reservas
    nacionales and comunales, bosques de protección, reservas paisajísticas, refugios de vida
    silvestre, cotos de caza, regional and private conservation areas, and zonas reservadas (a
    transitory category until the area is classified). A plot inside one needs a legality review:
    its farmer may hold a conservation agreement.
``buffer``
    Zonas de amortiguamiento around an area, and biosphere reserves (whose cores are parks listed
    on their own). Farming is allowed; a plot there needs a review, not a refusal.

A designation this table does not know is treated as ``direct_use`` with a note saying so: never
silently strict, never ignored. Designations are matched without accents or case, by the first
entry of :data:`DESIGNATIONS` they contain (buffer zones first, since their names usually hold
their park's designation), in WDPA's Spanish ``DESIG`` or English ``DESIG_ENG`` or a SERNANP
layer's category field; an IUCN category of Ia-III makes an area strict whatever its designation.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, get_args

Category = Literal["strict", "direct_use", "buffer"]
CATEGORIES: tuple[Category, ...] = get_args(Category)
UNKNOWN_CATEGORY: Category = "direct_use"

DESIGNATIONS: tuple[tuple[str, Category], ...] = (
    ("zona de amortiguamiento", "buffer"),
    ("buffer zone", "buffer"),
    ("biosphere reserve", "buffer"),
    ("reserva de biosfera", "buffer"),
    ("parque nacional", "strict"),
    ("national park", "strict"),
    ("santuario nacional", "strict"),
    ("national sanctuary", "strict"),
    ("santuario historico", "strict"),
    ("historic sanctuary", "strict"),
    ("historical sanctuary", "strict"),
    ("reserva nacional", "direct_use"),
    ("national reserve", "direct_use"),
    ("reserva comunal", "direct_use"),
    ("communal reserve", "direct_use"),
    ("bosque de proteccion", "direct_use"),
    ("protection forest", "direct_use"),
    ("reserva paisajistica", "direct_use"),
    ("landscape reserve", "direct_use"),
    ("refugio de vida silvestre", "direct_use"),
    ("wildlife refuge", "direct_use"),
    ("coto de caza", "direct_use"),
    ("hunting reserve", "direct_use"),
    ("hunting ground", "direct_use"),
    ("area de conservacion regional", "direct_use"),
    ("regional conservation area", "direct_use"),
    ("area de conservacion privada", "direct_use"),
    ("private conservation area", "direct_use"),
    ("zona reservada", "direct_use"),
    ("reserved zone", "direct_use"),
)
IUCN_STRICT = frozenset({"ia", "ib", "ii", "iii"})

# Where the designation and the name are found: WDPA's fields, then SERNANP's and common ones.
DESIGNATION_FIELDS = ("DESIG", "DESIG_ENG", "anp_cate", "categoria", "category", "cat_anp")
IUCN_FIELDS = ("IUCN_CAT",)
NAME_FIELDS = ("NAME", "ORIG_NAME", "anp_nomb", "za_nomb", "nombre", "name")


@dataclass(frozen=True)
class Categorised:
    """An area's category and why: the designation it came from, or a note when it was guessed."""

    category: Category
    designation: str
    note: str = ""


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: 'Santuario  Histórico' -> 'santuario historico'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def designation_category(designation: str, iucn: str = "") -> Categorised:
    """The category of an area with this designation (and IUCN category, when known).

    >>> designation_category("Santuario Histórico").category
    'strict'
    >>> designation_category("Zona de Amortiguamiento del Parque Nacional Cordillera Azul").category
    'buffer'
    >>> designation_category("Reserved Zone", iucn="Not Reported").category
    'direct_use'
    >>> designation_category("Área de uso especial", iucn="II").category
    'strict'
    >>> designation_category("Área de uso especial").note
    "designation 'Área de uso especial' is not in chacra's table; treated as direct use"
    """
    plain = _plain(designation)
    found: Category | None = next((c for key, c in DESIGNATIONS if key in plain), None)
    if _plain(iucn) in IUCN_STRICT and found != "buffer":
        return Categorised("strict", designation or f"IUCN {iucn}")
    if found is not None:
        return Categorised(found, designation)
    shown = designation or "(none)"
    return Categorised(
        UNKNOWN_CATEGORY,
        designation,
        f"designation {shown!r} is not in chacra's table; treated as direct use",
    )


def _first_field(fields: list[str], wanted: tuple[str, ...]) -> str | None:
    by_lower = {f.lower(): f for f in fields}
    return next((by_lower[w.lower()] for w in wanted if w.lower() in by_lower), None)


def protected_area_properties(
    fields: list[str],
    properties: list[dict[str, Any]],
    *,
    category_field: str | None = None,
    category: Category | None = None,
) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Names, properties with ``name``, ``category`` and ``designation`` added, and notes.

    ``category`` sets every feature's category (e.g. a SERNANP file of buffer zones);
    otherwise it comes from ``category_field`` or the first designation field the file has
    (:data:`DESIGNATION_FIELDS`), and an IUCN field when there is one. Notes list each unknown
    designation once, with how many features have it.
    """
    designation_field = category_field or _first_field(fields, DESIGNATION_FIELDS)
    english_field = _first_field(fields, ("DESIG_ENG",))
    iucn_field = _first_field(fields, IUCN_FIELDS)
    name_field = _first_field(fields, NAME_FIELDS)
    names: list[str] = []
    out: list[dict[str, Any]] = []
    unknown: dict[str, int] = {}
    for props in properties:
        name = str(props.get(name_field) or "") if name_field else ""
        designation = str(props.get(designation_field) or "") if designation_field else ""
        if category is not None:
            found = Categorised(category, designation or "set when loaded")
        else:
            iucn = str(props.get(iucn_field) or "") if iucn_field else ""
            found = designation_category(designation, iucn)
            if found.note and english_field and english_field != designation_field:
                # WDPA's Spanish DESIG may be unusual where its DESIG_ENG is plain English.
                english = designation_category(str(props.get(english_field) or ""))
                found = english if not english.note else found
        if found.note:
            key = found.designation or "(none)"
            unknown[key] = unknown.get(key, 0) + 1
        names.append(name)
        extra = {"name": name, "category": found.category, "designation": found.designation}
        if found.note:
            extra["category_note"] = found.note
        out.append({**props, **extra})
    notes = [
        f"{count} areas with designation {designation!r}, not in chacra's table: treated as "
        "direct use (a legality review, never a silent pass)"
        for designation, count in sorted(unknown.items())
    ]
    return names, out, notes
