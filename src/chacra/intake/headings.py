"""Spreadsheet headings: the programme's Spanish labels (DOMAIN.md) and English aliases.

Matching ignores case, accents, punctuation and spacing, so "N° DNI", "Nº dni" and "n dni" all
match. The first heading of each entry is the one the downloadable template uses.
"""

from __future__ import annotations

import re
import unicodedata

HEADINGS: dict[str, tuple[str, ...]] = {
    "departamento": ("Departamento", "department", "region"),
    "provincia": ("Provincia", "province"),
    "distrito": ("Distrito", "district"),
    "ubigeo": ("Ubigeo", "ubigeo distrito", "district ubigeo"),
    "comunidad": ("Comunidad", "community", "village", "caserio"),
    "producer_code": ("Código productor", "producer code", "codigo del productor"),
    "full_name": ("Apellidos y Nombres", "full name", "name", "nombre completo", "ProducerName"),
    "surnames": ("Apellidos", "surnames", "last name"),
    "given_names": ("Nombres", "given names", "first name"),
    "dni": ("N° DNI", "DNI", "dni number", "documento"),
    "sex": ("Sexo", "sex", "gender", "genero"),
    "age": ("Edad", "age"),
    "birth_date": ("Fecha de nacimiento", "date of birth", "birth date"),
    "phone": ("Teléfono", "phone", "celular", "telefono celular"),
    "household_size": ("Miembros del hogar", "household size", "familia"),
    "organisation": ("Organización", "organisation", "organization", "cooperativa"),
    "consent_given_on": ("Fecha de consentimiento", "consent date", "consent given on"),
    "consent_method": ("Forma de consentimiento", "consent method"),
    "plot_code": ("Código parcela", "plot code", "codigo de parcela"),
    "plot_name": ("Nombre parcela", "plot name", "ProductionPlace"),
    "temporary_shade_ha": ("Sombra temporal (ha)", "temporary shade (ha)", "temporary shade"),
    "cacao_installed_ha": ("Cacao instalado (ha)", "cacao installed (ha)", "cacao installed"),
    "installed_on": (
        "Mes-año instalación",
        "month-year installed",
        "installed on",
        "mes ano instalacion",
    ),
    "grafted_ha": ("Cacao injertado (ha)", "cacao grafted (ha)", "grafted (ha)"),
    "clone": ("Clon utilizado", "clone used", "clone", "ariegio utilizado", "clon"),
    "grafted_on": ("Mes-año injertación", "month-year grafted", "grafted on"),
    "forestry_ha": ("Forestales (ha)", "forestry (ha)", "timber trees (ha)"),
    "georeferenced_ha": ("Georeferenciación (ha)", "georeferenced (ha)", "georreferenciacion (ha)"),
    "property_area_ha": ("Área del predio (ha)", "property area (ha)", "landholding (ha)"),
    "cacao_in_production_ha": ("Cacao en producción (ha)", "cacao in production (ha)"),
    "land_title": ("Título de propiedad", "land title", "titulo"),
    "declared_area_ha": ("Área declarada (ha)", "declared area (ha)", "Area", "area (ha)"),
    "latitude": ("Latitud", "latitude", "lat"),
    "longitude": ("Longitud", "longitude", "lon", "long"),
    "gps_accuracy_m": ("Precisión GPS (m)", "gps accuracy (m)", "accuracy"),
    "geometry": ("Geometría (WKT o GeoJSON)", "geometry", "wkt", "geojson"),
    "mapped_on": ("Fecha de mapeo", "mapped on", "date mapped"),
    "visit_date": ("Fecha de visita", "visit date"),
    "activities": ("Actividades", "activities"),
    "notes": ("Observaciones", "notes"),
}


def heading_key(text: object) -> str:
    """Fold a heading to compare it: no accents, case, punctuation or spaces.

    >>> heading_key(" N° DNI ") == heading_key("n dni")
    True
    """
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("nº", "n").replace("n°", "n")
    return re.sub(r"[^a-z0-9]+", "", folded)


FOLDED = {heading_key(alias): key for key, aliases in HEADINGS.items() for alias in aliases}


def map_headings(headings: list[object]) -> tuple[dict[int, str], list[str]]:
    """Column index -> field key for the headings chacra knows, and the headings it does not."""
    known: dict[int, str] = {}
    unknown: list[str] = []
    for i, heading in enumerate(headings):
        if heading is None or str(heading).strip() == "":
            continue
        key = FOLDED.get(heading_key(heading))
        if key is None or key in known.values():
            unknown.append(str(heading))
        else:
            known[i] = key
    return known, unknown


def template_headings() -> list[str]:
    """The headings of the downloadable template, in the record's order."""
    return [aliases[0] for aliases in HEADINGS.values()]
