"""The chacra field form (form_id ``chacra_registro``): its fields, and how answers become rows.

One table, ``FIELDS``, names every question by its path in the form (``producer/dni``) and the
intake key it fills (``rows.py``). ``chacra.intake.xlsform`` builds the XLSForm from it, and the
ODK and Kobo readers map export columns back through it, so an export of the form imports with no
mapping step. Keys ``geometry`` and ``point`` fill ``IntakeRow.geometry`` / ``IntakeRow.point``;
a key of ``None`` marks a question that only steers the form (the consent yes/no).

The choice lists repeat ``VisitActivity``, ``ConsentMethod`` and the clone catalogue (migration
0002) so that this module and the readers need no Django; ``tests/intake/test_xlsform.py`` checks
they agree with the models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import shapely

from chacra.intake.rows import PLANTING_KEYS, VISIT_KEYS, IntakeRow, RowError, SourceRef

FORM_ID = "chacra_registro"
FORM_TITLE = "chacra: productor y parcela"
FORM_VERSION = "2025010101"
LANGUAGES = ("Español (es)", "English (en)")  # the first is the form's default language


@dataclass(frozen=True)
class Group:
    name: str
    es: str
    en: str
    repeat: bool = False


@dataclass(frozen=True)
class FormField:
    """One question: the intake key it fills, its XLSForm type, labels and rules."""

    key: str | None
    type: str
    es: str
    en: str
    required: str = ""  # "yes" or an XPath expression
    constraint: str = ""
    constraint_es: str = ""
    constraint_en: str = ""
    relevant: str = ""
    default: str = ""
    appearance: str = ""


GROUPS = {
    g.name: g
    for g in (
        Group("producer", "Productor", "Producer"),
        Group("plot", "Parcela", "Plot"),
        Group("plantings", "Cacao instalado con la Alianza", "Cacao installed", repeat=True),
        Group("visit", "Visita", "Visit"),
    )
}

CLONES = ("CCN-51", "ICS-95", "TSH-565", "ICS-1", "ICS-6", "ICS-39", "UF-613", "IMC-67", "NATIVO")
CHOICES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sex": (("F", "Femenino", "Female"), ("M", "Masculino", "Male")),
    "si_no": (("si", "Sí", "Yes"), ("no", "No", "No")),
    "consent_method": (
        ("signed_form", "Firma en el formato", "Signed form"),
        ("thumbprint", "Huella digital en el formato", "Thumbprint on form"),
        ("verbal_recorded", "Verbal, registrado por el técnico", "Verbal, recorded by the agent"),
        ("digital", "Digital (aplicativo)", "Digital (app)"),
    ),
    "clone": tuple((c, c, c) for c in CLONES),
    "visit_activity": (
        ("registration", "Empadronamiento", "Registration"),
        ("mapping", "Mapeo de parcela (GPS)", "Plot mapping (GPS)"),
        ("technical_assistance", "Asistencia técnica", "Technical assistance"),
        ("grafting", "Injerto", "Grafting"),
        ("pruning", "Poda", "Pruning"),
        ("planting", "Siembra", "Planting"),
        ("input_delivery", "Entrega de insumos", "Input delivery"),
        ("training", "Capacitación", "Training"),
        ("post_harvest", "Poscosecha", "Post-harvest"),
        ("monitoring", "Monitoreo", "Monitoring"),
    ),
}

_HA = ". >= 0 and . <= 10000"
_HA_ES, _HA_EN = "Hectáreas entre 0 y 10 000", "Hectares between 0 and 10,000"
_GRAFTED = "${grafted_ha} > 0"
_CONSENT = "${consent} = 'si'"

FIELDS: dict[str, FormField] = {
    "producer/surnames": FormField("surnames", "text", "Apellidos", "Surnames", required="yes"),
    "producer/given_names": FormField("given_names", "text", "Nombres", "Given names", "yes"),
    "producer/dni": FormField(
        "dni", "text", "N° DNI", "DNI number",
        constraint="regex(., '^[0-9]{8}$')",
        constraint_es="El DNI tiene 8 dígitos", constraint_en="The DNI has 8 digits",
        appearance="numbers",
    ),
    "producer/sex": FormField("sex", "select_one sex", "Sexo", "Sex", required="yes"),
    "producer/age": FormField(
        "age", "integer", "Edad", "Age",
        constraint=". >= 12 and . <= 110",
        constraint_es="Edad entre 12 y 110", constraint_en="Age from 12 to 110",
    ),
    "producer/phone": FormField("phone", "text", "Teléfono", "Phone", appearance="numbers"),
    "producer/household_size": FormField(
        "household_size", "integer", "Miembros del hogar", "Household size",
        constraint=". >= 1 and . <= 40",
        constraint_es="Entre 1 y 40 personas", constraint_en="From 1 to 40 people",
    ),
    "producer/departamento": FormField("departamento", "text", "Departamento", "Departamento"),
    "producer/provincia": FormField("provincia", "text", "Provincia", "Provincia"),
    "producer/distrito": FormField(
        "distrito", "text", "Distrito", "Distrito", required="${ubigeo} = ''"
    ),
    "producer/ubigeo": FormField(
        "ubigeo", "text", "Ubigeo del distrito (INEI)", "Distrito ubigeo (INEI)",
        constraint="regex(., '^[0-9]{6}$')",
        constraint_es="El ubigeo tiene 6 dígitos, p. ej. 220601",
        constraint_en="The ubigeo has 6 digits, e.g. 220601",
        appearance="numbers",
    ),
    "producer/comunidad": FormField("comunidad", "text", "Comunidad", "Comunidad", "yes"),
    "producer/organisation": FormField(
        "organisation", "text", "Organización (cooperativa)", "Organisation (cooperative)"
    ),
    "producer/consent": FormField(
        None, "select_one si_no",
        "¿Da su consentimiento para el tratamiento de sus datos?",
        "Does the producer consent to the processing of their data?",
        required="yes",
    ),
    "producer/consent_method": FormField(
        "consent_method", "select_one consent_method", "Forma de consentimiento",
        "How consent was given", required="yes", relevant=_CONSENT,
    ),
    "producer/consent_given_on": FormField(
        "consent_given_on", "date", "Fecha de consentimiento", "Consent given on",
        required="yes", relevant=_CONSENT, default="today()",
    ),
    "plot/plot_code": FormField("plot_code", "text", "Código parcela", "Plot code"),
    "plot/boundary": FormField(
        "geometry", "geoshape", "Recorra el borde de la parcela", "Walk the plot boundary"
    ),
    "plot/point": FormField(
        "point", "geopoint", "Punto GPS en la parcela", "GPS point in the plot"
    ),
    "plot/declared_area_ha": FormField(
        "declared_area_ha", "decimal", "Área declarada (ha)", "Declared area (ha)",
        constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plot/property_area_ha": FormField(
        "property_area_ha", "decimal", "Área del predio (ha)", "Property area (ha)",
        constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plot/land_title": FormField(
        "land_title", "select_one si_no", "Título de propiedad", "Land title"
    ),
    "plot/cacao_in_production_ha": FormField(
        "cacao_in_production_ha", "decimal", "Cacao en producción (ha)",
        "Cacao in production (ha)", constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plantings/cacao_installed_ha": FormField(
        "cacao_installed_ha", "decimal", "Cacao instalado (ha)", "Cacao installed (ha)",
        required="yes", constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plantings/installed_on": FormField(
        "installed_on", "date", "Mes-año instalación", "Month-year installed",
        required="yes", appearance="month-year",
    ),
    "plantings/temporary_shade_ha": FormField(
        "temporary_shade_ha", "decimal", "Sombra temporal (ha)", "Temporary shade (ha)",
        constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plantings/forestry_ha": FormField(
        "forestry_ha", "decimal", "Forestales (ha)", "Forestry (ha)",
        constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plantings/grafted_ha": FormField(
        "grafted_ha", "decimal", "Cacao injertado (ha)", "Cacao grafted (ha)",
        constraint=_HA, constraint_es=_HA_ES, constraint_en=_HA_EN,
    ),
    "plantings/clone": FormField(
        "clone", "select_one clone", "Clon utilizado", "Clone used",
        required="yes", relevant=_GRAFTED,
    ),
    "plantings/grafted_on": FormField(
        "grafted_on", "date", "Mes-año injertación", "Month-year grafted",
        required="yes", relevant=_GRAFTED, appearance="month-year",
    ),
    "visit/visit_date": FormField(
        "visit_date", "date", "Fecha de visita", "Visit date", default="today()"
    ),
    "visit/activities": FormField(
        "activities", "select_multiple visit_activity", "Actividades", "Activities"
    ),
    "visit/notes": FormField(
        "notes", "text", "Observaciones", "Notes", appearance="multiline"
    ),
}  # fmt: skip

# The mapping the readers use: form path -> intake key.
FIELD_KEYS: dict[str, str] = {path: f.key for path, f in FIELDS.items() if f.key is not None}

GEOPOINT_PARTS = ("lat", "lon", "alt", "acc")
_SPLIT_SUFFIXES = {
    "latitude": "lat", "longitude": "lon", "altitude": "alt", "accuracy": "acc", "precision": "acc",
}  # fmt: skip
SHAPE_ACCEPTED = (
    "expected 'lat lon alt acc;lat lon alt acc;...' (latitude first, decimal degrees) "
    "with at least 4 points, the last repeating the first"
)
POINT_ACCEPTED = "expected 'lat lon alt acc' (latitude first, decimal degrees)"


def table_columns(
    header: list[Any], sep: str, repeat: str | None = None
) -> dict[int, tuple[str, str]]:
    """Column index -> (form path, part) for the columns of one exported table.

    ``part`` is "" for a whole answer, or one of ``GEOPOINT_PARTS`` for a geopoint split into
    columns (ODK ``plot-point-Latitude``; Kobo ``_plot/point_latitude``). Columns named without
    their groups (Kobo's "no group names" option, ODK's repeat tables) match by the field's name
    within the table's scope. Other columns (metadata, Kobo's per-choice 0/1 columns) are ignored.
    """
    scope = {p: f for p, f in FIELDS.items() if _repeat_of(p) == repeat}
    by_name = {p.rsplit("/", 1)[-1]: p for p in scope}
    found: dict[int, tuple[str, str]] = {}
    for i, heading in enumerate(header):
        if heading is None:
            continue
        name = str(heading).strip()
        part = ""
        if sep == "-" and name.rsplit("-", 1)[-1].lower() in _SPLIT_SUFFIXES:
            name, suffix = name.rsplit("-", 1)
            part = _SPLIT_SUFFIXES[suffix.lower()]
        elif name.startswith("_") and name.rsplit("_", 1)[-1] in _SPLIT_SUFFIXES:
            name, suffix = name[1:].rsplit("_", 1)
            part = _SPLIT_SUFFIXES[suffix]
        name = name.replace(sep, "/")
        path = name if name in scope else None
        if path is None and "/" not in name:
            path = by_name.get(name)
        if path is None or (part and scope[path].type != "geopoint"):
            continue
        found[i] = (path, part)
    return found


def answers_of(columns: dict[int, tuple[str, str]], raw: list[Any]) -> dict[str, Any]:
    """One table row's non-blank answers by form path; a split geopoint joined back into text."""
    answers: dict[str, Any] = {}
    split: dict[str, dict[str, Any]] = {}
    for i, (path, part) in columns.items():
        value = raw[i] if i < len(raw) else None
        if value is None or str(value).strip() == "":
            continue
        if part:
            split.setdefault(path, {})[part] = value
        else:
            answers[path] = value
    for path, parts in split.items():
        if path not in answers and "lat" in parts and "lon" in parts:
            text = f"{parts['lat']} {parts['lon']} {parts.get('alt', 0)}"
            answers[path] = f"{text} {parts['acc']}" if "acc" in parts else text
    return answers


def _repeat_of(path: str) -> str | None:
    group = path.split("/", 1)[0]
    return group if group in GROUPS and GROUPS[group].repeat else None


def _positions(text: str) -> list[tuple[float, ...]]:
    positions = []
    for chunk in str(text).split(";"):
        if not chunk.strip():
            continue
        numbers = tuple(float(n) for n in chunk.split())
        if not 2 <= len(numbers) <= 4:
            raise ValueError(chunk)
        lat, lon = numbers[0], numbers[1]
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan
            raise ValueError(chunk)
        positions.append(numbers)
    return positions


def geoshape_polygon(text: Any) -> Any:
    """An ODK geoshape 'lat lon alt acc;...' as a shapely Polygon in lon/lat; ValueError if not.

    >>> geoshape_polygon("-7.18 -76.73 0 5;-7.18 -76.72 0 5;-7.17 -76.72 0 5").exterior.coords[0]
    (-76.73, -7.18)
    """
    positions = _positions(text)
    ring = [(p[1], p[0]) for p in positions]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])  # an unclosed shape: close it
    if len(ring) < 4 or len(set(ring)) < 3:
        raise ValueError(text)
    return shapely.Polygon(ring)


def geopoint(text: Any) -> tuple[Any, float | None]:
    """An ODK geopoint 'lat lon alt acc' as (shapely Point(lon, lat), accuracy in metres)."""
    positions = _positions(text)
    if len(positions) != 1:
        raise ValueError(text)
    p = positions[0]
    return shapely.Point(p[1], p[0]), (p[3] if len(p) == 4 else None)


def submission_row(
    ref: SourceRef, answers: dict[str, Any], plantings: list[dict[str, Any]]
) -> tuple[IntakeRow, list[RowError]]:
    """The IntakeRow for one submission's answers (by form path) and its planting repeats."""
    row = IntakeRow(ref=ref)
    errors: list[RowError] = []
    visit: dict[str, Any] = {}
    for path, value in answers.items():
        key = FIELD_KEYS.get(path)
        if key is None or key in PLANTING_KEYS:
            continue
        if key == "geometry":
            try:
                row.geometry = geoshape_polygon(value)
            except ValueError:
                errors.append(RowError(ref, "boundary", _short(value), SHAPE_ACCEPTED))
        elif key == "point":
            try:
                row.point, accuracy = geopoint(value)
            except ValueError:
                errors.append(RowError(ref, "point", _short(value), POINT_ACCEPTED))
            else:
                if accuracy is not None:
                    row.values["gps_accuracy_m"] = accuracy
        elif key in VISIT_KEYS:
            visit[key] = value
        else:
            row.values[key] = value
    if visit.get("visit_date") not in (None, ""):
        row.visits.append(visit)
    elif visit:
        row.notes.append("visit answers without a visit date were left out")
    for answers_of_planting in plantings:
        planting = {FIELD_KEYS[p]: v for p, v in answers_of_planting.items() if FIELD_KEYS.get(p)}
        if planting:
            row.plantings.append(planting)
    if row.geometry is not None:
        row.mapping_method = "gps_walk"
    elif row.point is not None:
        row.mapping_method = "gps_point"
    return row, errors


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def strip_uuid(value: Any) -> str:
    """'uuid:1b2c...' -> '1b2c...' (Kobo's ``_uuid`` has no prefix; its meta/ fields do)."""
    return re.sub(r"^uuid:", "", str(value or "").strip())


@dataclass
class Version:
    """One submission version as exported: its id, the id it replaces, and a known root."""

    instance_id: str
    deprecated_id: str = ""
    root_hint: str = ""  # Kobo meta/rootUuid; ODK Central's KEY when it differs from instanceID


def root_ids(versions: list[Version]) -> list[str]:
    """The root (first) submission id of each version.

    A version's root is its ``root_hint`` if it has one; else follow ``deprecated_id`` to the
    earliest version present in the same file, and take that one's hint, else the id it replaces
    (the file lacks it), else its own id. Only a hint can see past a version missing from the
    file: for A <- B <- C with only C in the file and no hint, the root found is B.
    """
    by_id = {v.instance_id: v for v in versions if v.instance_id}
    roots = []
    for version in versions:
        current, seen = version, {version.instance_id}
        while (
            not current.root_hint
            and current.deprecated_id in by_id
            and current.deprecated_id not in seen
        ):
            current = by_id[current.deprecated_id]
            seen.add(current.instance_id)
        roots.append(current.root_hint or current.deprecated_id or current.instance_id)
    return roots
